// Licensed under the MIT License. See LICENSE in the repository root.
namespace OlaSharp.Server.Tests;

/// <summary>
/// <c>olasharpd release-line</c> as the systemd unit's <c>ExecStopPost=</c> runs it: it starts no server, reads only
/// <c>ola-uartdmx.conf</c> and exits (the pins themselves: <c>DriverEnableReleaseTests</c> over fake GPIO chips).
/// </summary>
public sealed class ReleaseLineCliTests
{
    [Fact]
    public async Task ReleaseLine_NoPinConfigured_Exit0_BadUsage_Exit2()
    {
        string dir = Directory.CreateTempSubdirectory("olas-release-line-cli-").FullName;
        try
        {
            (int code, string output, _) = await DoctorCliTests.RunAsync("release-line", "-c", dir);
            Assert.Equal(0, code);
            Assert.Contains("ola-uartdmx.conf: no such file; no driver-enable pin to release", output, StringComparison.Ordinal);

            File.WriteAllText(Path.Combine(dir, "ola-uartdmx.conf"), "device = /dev/ttyAMA0\nenabled = true\n");
            (code, output, _) = await DoctorCliTests.RunAsync("release-line", "-c", dir);
            Assert.Equal(0, code);
            Assert.Contains("no device has a driver-enable pin (de_gpio); nothing to release", output, StringComparison.Ordinal);
            Assert.DoesNotContain("OLASHARPD_READY", output, StringComparison.Ordinal);
            Assert.Equal("device = /dev/ttyAMA0\nenabled = true\n", File.ReadAllText(Path.Combine(dir, "ola-uartdmx.conf")));

            (code, _, string errors) = await DoctorCliTests.RunAsync("release-line", "--bogus");
            Assert.Equal(2, code);
            Assert.Contains("usage: olasharpd release-line [-c DIR]", errors, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
