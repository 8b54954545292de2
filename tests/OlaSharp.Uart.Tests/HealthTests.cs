// Licensed under the MIT License. See LICENSE in the repository root.
using Microsoft.Extensions.Time.Testing;
using OlaSharp.Core;
using OlaSharp.Core.Clock;
using OlaSharp.Core.Conf;
using OlaSharp.Core.Plugins;

namespace OlaSharp.Uart.Tests;

/// <summary>
/// The UART's device health through the plugin manager, with fake lines for each state: what is reported,
/// since when, the saved patch waiting for it, the fix, and whether the plugin still counts as active.
/// </summary>
public sealed class HealthTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("olas-uarth-").FullName;
    private readonly ListLogger _logger = new();

    public void Dispose() => Directory.Delete(_dir, true);

    private string ConfPath => Path.Combine(_dir, "ola-uartdmx.conf");

    private sealed class Server
    {
        public Server(string dir, TimeProvider time, UartDmxPlugin plugin, ListLogger logger)
        {
            var conf = new ConfStore(dir);
            var universes = new UniverseRegistry(time);
            Devices = new DeviceRegistry(universes, new RefreshScheduler(time), conf);
            Plugin = plugin;
            Plugins = new PluginManager([plugin], new PluginContext(universes, new RefreshScheduler(time), conf, Devices, logger, time));
        }

        public DeviceRegistry Devices { get; }

        public UartDmxPlugin Plugin { get; }

        public PluginManager Plugins { get; }

        public DeviceHealth Health(string path) => Assert.Single(DeviceHealthReport.Collect(Plugins), h => h.Path == path);
    }

    private async Task<Server> StartAsync(string conf, TimeProvider time, FakeLineFactory factory, FakeGpioChips? gpio = null, string? portConf = null)
    {
        File.WriteAllText(ConfPath, conf);
        if (portConf is not null)
        {
            File.WriteAllText(Path.Combine(_dir, "ola-port.conf"), portConf);
        }

        var server = new Server(_dir, time, new UartDmxPlugin(factory, gpio, new FakeLineClock()), _logger);
        await server.Plugins.StartAllAsync();
        return server;
    }

    [Fact]
    public async Task Missing_ReportedWithFixAndSavedPatch_ThenOpenWithNewSinceWhenItAppears()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 2, 16, 30, 0, TimeSpan.Zero));
        var factory = new FakeLineFactory(new EventLog(), new FakeLineClock()) { Present = false };
        Server server = await StartAsync("device = /dev/ttyNOPE\nenabled = true\n", time, factory, portConf: "20-/dev/ttyNOPE-O-0 = 1\n");
        try
        {
            DateTimeOffset started = time.GetUtcNow();
            DeviceHealth h = server.Health("/dev/ttyNOPE");
            Assert.Equal((20, "UART native DMX", "uartdmx", "20-/dev/ttyNOPE"), (h.PluginId, h.PluginName, h.PluginKey, h.DeviceId));
            Assert.Equal(DeviceHealthState.Missing, h.State);
            Assert.Equal("missing", h.StateName);
            Assert.Equal(started, h.Since);
            Assert.Equal([1], h.WaitingUniverses);
            Assert.Equal("Could not open /dev/ttyNOPE: No such file or directory", h.LastError);
            Assert.Equal("/dev/ttyNOPE does not exist, so the DMX line is dark.", h.Problem);
            Assert.Contains("enable_uart=1 in /boot/firmware/config.txt (Pi 3/4: also dtoverlay=disable-bt", h.Fix, StringComparison.Ordinal);
            Assert.Contains($"set device = <your UART> in {ConfPath}", h.Fix, StringComparison.Ordinal);
            Assert.Contains("olasharpd doctor", h.Fix, StringComparison.Ordinal);

            // Started, but with no usable device it is not active to the user.
            Assert.True(server.Plugin.IsActive);
            PluginHealth p = DeviceHealthReport.Of(server.Plugin);
            Assert.False(p.Active);
            Assert.Equal("its device is unusable (/dev/ttyNOPE: missing)", p.Reason);

            // The retries keep the state and its start; the change was logged once, with its fix.
            time.Advance(TimeSpan.FromSeconds(3));
            Assert.Equal(started, server.Health("/dev/ttyNOPE").Since);
            Assert.Single(_logger.Entries, e => e.Message.Contains("enable_uart=1", StringComparison.Ordinal));

            factory.Present = true;
            time.Advance(TimeSpan.FromSeconds(1));
            h = server.Health("/dev/ttyNOPE");
            Assert.Equal(DeviceHealthState.Open, h.State);
            Assert.Equal(started + TimeSpan.FromSeconds(4), h.Since);
            Assert.Equal((string.Empty, string.Empty), (h.Problem, h.Fix));
            Assert.Equal([1], h.WaitingUniverses);
            Assert.Equal(1, server.Devices.FindPort("20-/dev/ttyNOPE-O-0")!.Universe!.Id);
            Assert.True(DeviceHealthReport.Of(server.Plugin).Active);
        }
        finally
        {
            await server.Plugins.StopAllAsync();
        }
    }

    public static TheoryData<string, int, string, string> OpenFailures => new()
    {
        { "permission_denied", 13, "may not open /dev/ttyAMA0", "sudo usermod -aG dialout " },
        { "not_a_tty", 25, "/dev/ttyAMA0 is not a serial port", "Set device = to the UART's node in " },
        { "open_failed", 5, "/dev/ttyAMA0 could not be opened (Could not open /dev/ttyAMA0: errno 5).", "ls -l /dev/ttyAMA0" },
        { "missing", 6, "/dev/ttyAMA0 does not exist", "dtparam=uart0=on" },
    };

    [Theory]
    [MemberData(nameof(OpenFailures))]
    public async Task OpenFailure_ErrnoGivesStateProblemAndFix(string state, int errno, string problem, string fix)
    {
        var factory = new FakeLineFactory(new EventLog(), new FakeLineClock())
        {
            Failure = p => new IOException($"Could not open {p}: errno {errno}", errno),
        };
        Server server = await StartAsync("device = /dev/ttyAMA0\nenabled = true\n", new FakeTimeProvider(), factory);
        try
        {
            DeviceHealth h = server.Health("/dev/ttyAMA0");
            Assert.Equal(state, h.StateName);
            Assert.Contains(problem, h.Problem, StringComparison.Ordinal);
            Assert.Contains(fix, h.Fix, StringComparison.Ordinal);
            Assert.Empty(h.WaitingUniverses);
            Assert.Empty(server.Devices.Devices);
            Assert.False(DeviceHealthReport.IsActive(server.Plugin));
        }
        finally
        {
            await server.Plugins.StopAllAsync();
        }
    }

    [Fact]
    public async Task Busy_HeldByOlad_NamesTheProcessAndHowToStopIt()
    {
        var factory = new FakeLineFactory(new EventLog(), new FakeLineClock())
        {
            Failure = p => new UartOpenException($"{p} is held by olad (pid 1234)", 16, DeviceHealthState.Busy, [new DeviceHolder(1234, "olad")]),
        };
        Server server = await StartAsync("device = /dev/ttyAMA0\nenabled = true\n", new FakeTimeProvider(), factory);
        try
        {
            DeviceHealth h = server.Health("/dev/ttyAMA0");
            Assert.Equal(DeviceHealthState.Busy, h.State);
            Assert.Equal("/dev/ttyAMA0 is held by olad (pid 1234); two writers would garble the line, so this server leaves it alone.", h.Problem);
            Assert.Equal("Stop it: sudo systemctl disable --now olad. The line starts within a second of the device being free.", h.Fix);
        }
        finally
        {
            await server.Plugins.StopAllAsync();
        }
    }

    [Fact]
    public async Task BaudRefused_LineRunsButReportedAndPluginInactive()
    {
        var factory = new FakeLineFactory(new EventLog(), new FakeLineClock()) { Warning = "/dev/ttyS0: asked for 250000 baud, the driver set 38400" };
        Server server = await StartAsync("device = /dev/ttyS0\nenabled = true\n", new FakeTimeProvider(), factory);
        try
        {
            UartDmxDevice device = Assert.Single(server.Plugin.Devices);
            Assert.True(SpinWait.SpinUntil(() => device.Writer.FramesSent > 3, TimeSpan.FromSeconds(10)));
            DeviceHealth h = server.Health("/dev/ttyS0");
            Assert.Equal(DeviceHealthState.BaudNotSettable, h.State);
            Assert.Equal("/dev/ttyS0: asked for 250000 baud, the driver set 38400", h.LastError);
            Assert.Contains("Use the PL011 UART (/dev/ttyAMA0), not the mini UART (/dev/ttyS0", h.Fix, StringComparison.Ordinal);
            Assert.False(DeviceHealthReport.IsActive(server.Plugin));
        }
        finally
        {
            await server.Plugins.StopAllAsync();
        }
    }

    [Fact]
    public async Task DriverEnable_NoGpioChip_ReportedWithTheMessageAndNoStackTrace()
    {
        var factory = new FakeLineFactory(new EventLog(), new FakeLineClock());
        Server server = await StartAsync(
            "/dev/ttyAMA0-de_gpio = 18\ndevice = /dev/ttyAMA0\nenabled = true\n",
            new FakeTimeProvider(),
            factory,
            new FakeGpioChips());
        try
        {
            UartDmxDevice device = Assert.Single(server.Plugin.Devices);

            // Harmless to keep the UART running: an undriven transceiver sends nothing.
            Assert.True(SpinWait.SpinUntil(() => device.Writer.FramesSent > 3, TimeSpan.FromSeconds(10)));
            Assert.True(SpinWait.SpinUntil(() => server.Health("/dev/ttyAMA0").State == DeviceHealthState.DriverEnableFailed, TimeSpan.FromSeconds(10)));
            DeviceHealth h = server.Health("/dev/ttyAMA0");
            Assert.StartsWith("no GPIO character device (/dev/gpiochip*)", h.LastError, StringComparison.Ordinal);
            Assert.StartsWith(
                "The RS-485 driver-enable pin GPIO 18 of /dev/ttyAMA0 could not be driven (no GPIO character device (/dev/gpiochip*)",
                h.Problem,
                StringComparison.Ordinal);
            Assert.Contains($"Check /dev/ttyAMA0-de_gpio = 18 in {ConfPath}", h.Fix, StringComparison.Ordinal);
            Assert.Contains("sudo usermod -aG gpio ", h.Fix, StringComparison.Ordinal);
            Assert.False(DeviceHealthReport.IsActive(server.Plugin));
            Assert.Equal(0, _logger.Exceptions);
            Assert.Contains(_logger.Entries, e => e.Message.Contains("no GPIO character device", StringComparison.Ordinal));
        }
        finally
        {
            await server.Plugins.StopAllAsync();
        }
    }

    [Fact]
    public async Task DriverEnable_PinBusy_ReportedOnceTheLineTriesIt()
    {
        var log = new EventLog();
        FakeGpioChips chips = FakeGpioChips.Pi4(log);
        chips["/dev/gpiochip0"].Used[18] = "pinctrl";
        Server server = await StartAsync("/dev/ttyAMA0-de_gpio = 18\ndevice = /dev/ttyAMA0\nenabled = true\n", new FakeTimeProvider(), new FakeLineFactory(log, new FakeLineClock()), chips);
        try
        {
            Assert.True(SpinWait.SpinUntil(() => server.Health("/dev/ttyAMA0").State == DeviceHealthState.DriverEnableFailed, TimeSpan.FromSeconds(10)));
            Assert.StartsWith("GPIO 18 is in use by 'pinctrl'", server.Health("/dev/ttyAMA0").LastError, StringComparison.Ordinal);
            Assert.Equal(0, _logger.Exceptions);
        }
        finally
        {
            await server.Plugins.StopAllAsync();
        }
    }

    [Fact]
    public async Task WriteErrors_CountedAndShownForTenSeconds_ThenOpenAgain()
    {
        var time = new FakeTimeProvider();
        var factory = new FakeLineFactory(new EventLog(), new FakeLineClock());
        Server server = await StartAsync("device = /dev/ttyUSB0\nenabled = true\n", time, factory);
        try
        {
            UartDmxDevice device = Assert.Single(server.Plugin.Devices);
            Assert.True(SpinWait.SpinUntil(() => device.Writer.FramesSent > 3, TimeSpan.FromSeconds(10)));
            DateTimeOffset openSince = server.Health("/dev/ttyUSB0").Since;

            factory.Last!.Fail = true;
            Assert.True(SpinWait.SpinUntil(() => server.Health("/dev/ttyUSB0").State == DeviceHealthState.WriteErrors, TimeSpan.FromSeconds(10)));
            DeviceHealth h = server.Health("/dev/ttyUSB0");
            Assert.Equal("ioctl failed: Input/output error", h.LastError);
            Assert.StartsWith("1 write error(s) on /dev/ttyUSB0 (ioctl failed: Input/output error)", h.Problem, StringComparison.Ordinal);
            Assert.True(DeviceHealthReport.IsActive(server.Plugin));

            // The line reopened and sends again; ten quiet seconds later it is plain open, with a new since.
            long frames = device.Writer.FramesSent;
            Assert.True(SpinWait.SpinUntil(() => device.Writer.FramesSent > frames + 3, TimeSpan.FromSeconds(10)));
            time.Advance(UartHealthWindow);
            Assert.True(SpinWait.SpinUntil(() => server.Health("/dev/ttyUSB0").State == DeviceHealthState.Open, TimeSpan.FromSeconds(10)));
            Assert.True(server.Health("/dev/ttyUSB0").Since > openSince);
        }
        finally
        {
            await server.Plugins.StopAllAsync();
        }
    }

    [Fact]
    public async Task TwoDevices_OneUsable_PluginActive()
    {
        var factory = new FakeLineFactory(new EventLog(), new FakeLineClock()) { IsPresent = p => p == "/dev/ttyUSB0" };
        Server server = await StartAsync("device = /dev/ttyUSB0\ndevice = /dev/ttyNOPE\nenabled = true\n", new FakeTimeProvider(), factory);
        try
        {
            Assert.Equal(["20-/dev/ttyNOPE", "20-/dev/ttyUSB0"], DeviceHealthReport.Collect(server.Plugins).Select(h => h.DeviceId));
            Assert.True(DeviceHealthReport.IsActive(server.Plugin));
        }
        finally
        {
            await server.Plugins.StopAllAsync();
        }

        // Stopped (disabled): no devices reported, not active, and the reason says where it is switched off.
        Assert.Empty(DeviceHealthReport.Collect(server.Plugins));
    }

    private static TimeSpan UartHealthWindow => TimeSpan.FromSeconds(10);
}
