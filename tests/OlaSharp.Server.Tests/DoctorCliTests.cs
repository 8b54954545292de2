// Licensed under the MIT License. See LICENSE in the repository root.
using System.Diagnostics;
using System.Text.Json;
using OlaSharp.Uart.Tests.Setup;

namespace OlaSharp.Server.Tests;

/// <summary>
/// <c>olasharpd doctor</c> as the real process (exit 0 when nothing fails, 1 when a check fails, 2 on bad
/// arguments; --fix then a clean second run), and <c>GET /json/setup</c> on a running server.
/// </summary>
public sealed class DoctorCliTests
{
    [Theory]
    [MemberData(nameof(PiTreeKinds))]
    public async Task Doctor_CleanTree_Exit0_BrokenTree_Exit1(int pi, bool bookworm)
    {
        using var tree = PiTree.Clean(pi, bookworm);
        (int code, string output, _) = await RunAsync("doctor", "--root", tree.Root);
        Assert.True(code == 0, output);
        Assert.Contains("All checks passed", output, StringComparison.Ordinal);
        Assert.Contains($"boot config: {tree.ConfigTxt}", output, StringComparison.Ordinal);

        tree.Edit("/etc/ola/ola-uartdmx.conf", "enabled = true", "enabled = false");
        (code, output, _) = await RunAsync("doctor", "--root", tree.Root);
        Assert.Equal(1, code);
        Assert.Contains("[FAIL] conf-enabled: UART plugin enabled", output, StringComparison.Ordinal);
        Assert.Contains($"       fix:   set \"enabled = true\" in {tree.ConfDir}/ola-uartdmx.conf", output, StringComparison.Ordinal);
    }

    public static TheoryData<int, bool> PiTreeKinds => PiTree.Kinds;

    [Fact]
    public async Task Doctor_Fix_EditsTheBootFiles_SaysRebootIsNeeded_ThenPasses()
    {
        using var tree = PiTree.Clean(4, false);
        tree.Edit(tree.ConfigTxt, "enable_uart=1\ndtoverlay=disable-bt\n", string.Empty)
            .Edit(tree.CmdlineTxt, "console=tty1", "console=serial0,115200 console=tty1");
        (int code, string output, _) = await RunAsync("doctor", "--root", tree.Root);
        Assert.Equal(1, code);

        (code, output, _) = await RunAsync("doctor", "--root", tree.Root, "--fix");
        Assert.True(code == 0, output);
        Assert.Contains("--fix: /boot/config.txt: added enable_uart=1, dtoverlay=disable-bt under [all] (backup: /boot/config.txt.olasharpd-bak)", output, StringComparison.Ordinal);
        Assert.Contains("--fix: /boot/cmdline.txt: removed console=serial0,115200 (backup: /boot/cmdline.txt.olasharpd-bak)", output, StringComparison.Ordinal);
        Assert.Contains("--fix: reboot for the changes to take effect", output, StringComparison.Ordinal);

        (code, output, _) = await RunAsync("doctor", "--root", tree.Root);
        Assert.True(code == 0, output);
    }

    [Theory]
    [InlineData("--bogus")]
    [InlineData("--model", "pi9")]
    [InlineData("--root")]
    [InlineData("--root", "/olas-no-such-dir")]
    [InlineData("--user", "")]
    public async Task Doctor_BadArguments_Exit2_WithAMessage(params string[] args)
    {
        (int code, string output, string errors) = await RunAsync(["doctor", .. args]);
        Assert.Equal(2, code);
        Assert.StartsWith("olasharpd doctor: ", errors, StringComparison.Ordinal);
        Assert.Contains("Try 'olasharpd doctor --help'.", errors, StringComparison.Ordinal);
        Assert.Empty(output);
    }

    [Fact]
    public async Task Help_MentionsDoctor_AndDoctorHasItsOwnHelp()
    {
        (int code, string output, _) = await RunAsync("--help");
        Assert.Equal(0, code);
        Assert.Contains("olasharpd doctor [--root DIR] [--config-dir DIR] [--fix]", output, StringComparison.Ordinal);
        (code, output, _) = await RunAsync("doctor", "--help");
        Assert.Equal(0, code);
        Assert.Contains("--fix", output, StringComparison.Ordinal);
        Assert.Contains("--model M", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task JsonSetup_ReportsTheChecksOfTheServersConfDir()
    {
        string dir = Directory.CreateTempSubdirectory("olas-setup-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "ola-uartdmx.conf"), "device = /dev/ttyAMA0\nenabled = false\n");
            await using ServerProcess server = ServerProcess.Start(dir, "--bind", "127.0.0.1");
            await server.WaitReadyAsync();
            using HttpClient http = server.Http();
            using HttpResponseMessage response = await http.GetAsync("/json/setup");
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
            using JsonDocument doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            JsonElement root = doc.RootElement;
            Assert.Equal(["model", "boot_config", "checks", "ok"], root.EnumerateObject().Select(p => p.Name));
            Assert.Equal(JsonValueKind.String, root.GetProperty("model").ValueKind);
            Assert.False(root.GetProperty("ok").GetBoolean());

            JsonElement[] checks = [.. root.GetProperty("checks").EnumerateArray()];
            Assert.Equal(
                ["model", "boot-config", "uart-enabled", "bluetooth", "hciuart", "uart-clock", "serial-console", "serial-getty", "device-node", "user-groups", "tty-holders", "baud", "gpio-line", "conf-enabled", "conf-device", "conf-timing", "conf-patch"],
                checks.Select(c => c.GetProperty("id").GetString()));
            foreach (JsonElement c in checks)
            {
                Assert.Equal(["id", "title", "outcome", "found", "fix"], c.EnumerateObject().Select(p => p.Name));
                Assert.Contains(c.GetProperty("outcome").GetString(), new[] { "pass", "warn", "fail", "not_applicable" });
            }

            JsonElement enabled = checks.Single(c => c.GetProperty("id").GetString() == "conf-enabled");
            Assert.Equal("fail", enabled.GetProperty("outcome").GetString());
            Assert.Equal($"{dir}/ola-uartdmx.conf has enabled = false", enabled.GetProperty("found").GetString());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    internal static async Task<(int Code, string Output, string Errors)> RunAsync(params string[] args)
    {
        ProcessStartInfo psi = ServerProcess.ServerStartInfo();
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using Process process = Process.Start(psi)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> errors = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            throw;
        }

        return (process.ExitCode, await output, await errors);
    }
}
