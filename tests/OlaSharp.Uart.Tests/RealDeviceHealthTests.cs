// Licensed under the MIT License. See LICENSE in the repository root.
using System.Diagnostics;
using OlaSharp.Core;
using OlaSharp.Core.Clock;
using OlaSharp.Core.Conf;
using OlaSharp.Core.Plugins;
using OlaSharp.Uart.Internal;

namespace OlaSharp.Uart.Tests;

/// <summary>
/// Device health on the real OS (the Linux tty layer, no fakes): a path that does not exist, a regular file
/// and <c>/dev/null</c> (not a tty), a pty another process holds (busy, named from <c>/proc</c>, then free),
/// and the exclusive open that keeps a second process off the line.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class RealDeviceHealthTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("olas-uartr-").FullName;
    private readonly ListLogger _logger = new();

    public void Dispose() => Directory.Delete(_dir, true);

    private async Task<(PluginManager Plugins, UartDmxPlugin Plugin)> StartAsync(params string[] devices)
    {
        File.WriteAllText(Path.Combine(_dir, "ola-uartdmx.conf"), string.Concat(devices.Select(d => $"{d}-malf = 1000\ndevice = {d}\n")) + "enabled = true\n");
        var conf = new ConfStore(_dir);
        var universes = new UniverseRegistry(TimeProvider.System);
        var clock = new RefreshScheduler(TimeProvider.System);
        var plugin = new UartDmxPlugin();
        var plugins = new PluginManager([plugin], new PluginContext(universes, clock, conf, new DeviceRegistry(universes, clock, conf), _logger, TimeProvider.System));
        await plugins.StartAllAsync();
        return (plugins, plugin);
    }

    private static DeviceHealth Health(PluginManager plugins, string path) => Assert.Single(DeviceHealthReport.Collect(plugins), h => h.Path == path);

    [Fact]
    public async Task MissingPathAndNotATty_ReportedWithTheOsWords()
    {
        string missing = "/dev/ttyNOPE-" + Guid.NewGuid().ToString("N")[..8];
        string file = Path.Combine(_dir, "not-a-tty");
        File.WriteAllText(file, "x");
        (PluginManager plugins, UartDmxPlugin plugin) = await StartAsync(missing, file, "/dev/null");
        try
        {
            DeviceHealth m = Health(plugins, missing);
            Assert.Equal(DeviceHealthState.Missing, m.State);
            Assert.Equal($"Could not open {missing}: No such file or directory", m.LastError);

            DeviceHealth f = Health(plugins, file);
            Assert.Equal(DeviceHealthState.NotATty, f.State);
            Assert.Contains("Inappropriate ioctl for device", f.LastError, StringComparison.Ordinal);
            Assert.StartsWith($"{file} is not a serial port", f.Problem, StringComparison.Ordinal);

            Assert.Equal(DeviceHealthState.NotATty, Health(plugins, "/dev/null").State);
            Assert.Empty(plugin.Devices);
            Assert.False(DeviceHealthReport.IsActive(plugin));
        }
        finally
        {
            await plugins.StopAllAsync();
        }
    }

    [Fact]
    public void TcGets2Failed_NamesTheCause_NotATtyOrNoTermios2()
    {
        // qemu-user 7.2 answers TCGETS2 with ENOSYS (packaging/test-arm64-qemu.sh): "not a tty?" misled there.
        Assert.Equal("/dev/x: TCGETS2 failed: Inappropriate ioctl for device (not a serial port)", LinuxUart.TcGets2Failed("/dev/x", 25));
        string noTermios2 = LinuxUart.TcGets2Failed("/dev/ttyAMA0", 38);
        Assert.StartsWith("/dev/ttyAMA0: TCGETS2 failed: Function not implemented (", noTermios2, StringComparison.Ordinal);
        Assert.Contains("lacks termios2", noTermios2, StringComparison.Ordinal);
        Assert.DoesNotContain("tty?", noTermios2, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Busy_AnotherProcessHoldsThePty_NamedUntilItLetsGo_ThenTheLineRuns()
    {
        using var pty = new PtyPair();
        pty.CloseTestSlave();
        using Process holder = HoldOpen(pty.SlavePath);
        try
        {
            (PluginManager plugins, UartDmxPlugin plugin) = await StartAsync(pty.SlavePath);
            try
            {
                DeviceHealth h = Health(plugins, pty.SlavePath);
                Assert.Equal(DeviceHealthState.Busy, h.State);
                Assert.Contains($"is held by sleep (pid {holder.Id})", h.Problem, StringComparison.Ordinal);
                Assert.Contains($"sudo kill {holder.Id}", h.Fix, StringComparison.Ordinal);
                Assert.Empty(plugin.Devices);

                // It lets go: the 1 s retry opens the line, the report turns open with a new since.
                holder.Kill();
                await holder.WaitForExitAsync();
                Assert.True(SpinWait.SpinUntil(() => Health(plugins, pty.SlavePath).State == DeviceHealthState.Open, TimeSpan.FromSeconds(5)));
                Assert.True(Health(plugins, pty.SlavePath).Since > h.Since);
                Assert.NotEmpty(pty.Read(1, TimeSpan.FromSeconds(5)));
            }
            finally
            {
                await plugins.StopAllAsync();
            }
        }
        finally
        {
            if (!holder.HasExited)
            {
                holder.Kill();
            }
        }
    }

    [Fact]
    public async Task ExclusiveOpen_ASecondProcessCannotOpenTheLine()
    {
        using var pty = new PtyPair();
        (PluginManager plugins, UartDmxPlugin plugin) = await StartAsync(pty.SlavePath);
        try
        {
            Assert.Equal(DeviceHealthState.Open, Health(plugins, pty.SlavePath).State);
            pty.CloseTestSlave();

            // Root may ignore TIOCEXCL (CAP_SYS_ADMIN): the second opener is an unprivileged user.
            File.SetUnixFileMode(pty.SlavePath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite);
            (int code, string error) = await RunAsync(Environment.UserName == "root" ? ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "sh", "-c", $"exec 3<>{pty.SlavePath}"] : ["sh", "-c", $"exec 3<>{pty.SlavePath}"]);
            Assert.NotEqual(0, code);
            Assert.Contains("busy", error, StringComparison.OrdinalIgnoreCase);
            Assert.Single(plugin.Devices);
        }
        finally
        {
            await plugins.StopAllAsync();
        }
    }

    // A child process with the pty open read-write as its stdin, as olad or a getty would hold a UART.
    private static Process HoldOpen(string path)
    {
        var psi = new ProcessStartInfo("sh") { UseShellExecute = false };
        foreach (string a in new[] { "-c", $"exec sleep 600 <>{path}" })
        {
            psi.ArgumentList.Add(a);
        }

        Process p = Process.Start(psi) ?? throw new InvalidOperationException("sh did not start");
        bool holding = SpinWait.SpinUntil(
            () =>
            {
                try
                {
                    return new FileInfo($"/proc/{p.Id}/fd/0").LinkTarget == path && File.ReadAllText($"/proc/{p.Id}/comm").Trim() == "sleep";
                }
                catch (IOException)
                {
                    return false;
                }
            },
            TimeSpan.FromSeconds(10));
        if (!holding)
        {
            p.Kill();
            throw new InvalidOperationException($"the holder never opened {path}");
        }

        return p;
    }

    private static async Task<(int Code, string Error)> RunAsync(string[] args)
    {
        var psi = new ProcessStartInfo(args[0]) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string a in args.Skip(1))
        {
            psi.ArgumentList.Add(a);
        }

        using Process p = Process.Start(psi) ?? throw new InvalidOperationException($"{args[0]} did not start");
        string error = await p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await p.WaitForExitAsync(cts.Token);
        return (p.ExitCode, error);
    }
}
