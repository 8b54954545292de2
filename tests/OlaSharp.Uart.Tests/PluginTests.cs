// Licensed under the MIT License. See LICENSE in the repository root.
using Microsoft.Extensions.Time.Testing;
using OlaSharp.Core;
using OlaSharp.Core.Clock;
using OlaSharp.Core.Conf;
using OlaSharp.Core.Plugins;
using OlaSharp.Core.Stats;

namespace OlaSharp.Uart.Tests;

/// <summary>The plugin through the plugin manager: conf rules, devices, patching, end to end on a pty.</summary>
public sealed class PluginTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("olas-uartp-").FullName;
    private readonly ListLogger _logger = new();

    public void Dispose() => Directory.Delete(_dir, true);

    private sealed class Server
    {
        public Server(string dir, TimeProvider time, UartDmxPlugin plugin, ListLogger logger)
        {
            Conf = new ConfStore(dir);
            Universes = new UniverseRegistry(time);
            Clock = new RefreshScheduler(time);
            Devices = new DeviceRegistry(Universes, Clock, Conf);
            Plugin = plugin;
            Plugins = new PluginManager([plugin], new PluginContext(Universes, Clock, Conf, Devices, logger, time));
        }

        public ConfStore Conf { get; }

        public UniverseRegistry Universes { get; }

        public RefreshScheduler Clock { get; }

        public DeviceRegistry Devices { get; }

        public UartDmxPlugin Plugin { get; }

        public PluginManager Plugins { get; }
    }

    private string ConfPath => Path.Combine(_dir, "ola-uartdmx.conf");

    [Fact]
    public async Task Start_NoConf_DisabledWithOladDefaults()
    {
        var server = new Server(_dir, TimeProvider.System, new UartDmxPlugin(new FakeLineFactory(new EventLog(), new FakeLineClock())), _logger);
        await server.Plugins.StartAllAsync();
        Assert.False(server.Plugin.IsActive);
        Assert.Equal("device = /dev/ttyACM0\nenabled = false\n", File.ReadAllText(ConfPath));
        Assert.Equal(20, server.Plugin.Id);
        Assert.Equal("UART native DMX", server.Plugin.Name);
    }

    [Fact]
    public async Task Start_PiConfFromOlad_KeptByteForByteAndDeviceAsOlad()
    {
        // The file olad 0.10.9 writes for design.md's Pi conf (sorted, " = ", comments dropped).
        const string olad = "/dev/ttyAMA0-break = 100\n/dev/ttyAMA0-malf = 24000\ndevice = /dev/ttyAMA0\nenabled = true\n";
        File.WriteAllText(ConfPath, olad);
        var factory = new FakeLineFactory(new EventLog(), new FakeLineClock());
        var server = new Server(_dir, TimeProvider.System, new UartDmxPlugin(factory, clock: new FakeLineClock()), _logger);
        await server.Plugins.StartAllAsync();
        try
        {
            Assert.Equal(olad, File.ReadAllText(ConfPath));
            UartDmxDevice device = Assert.Single(server.Plugin.Devices);
            Assert.Equal("20-/dev/ttyAMA0", device.UniqueId);
            Assert.Equal("UART native DMX", device.Name);
            OutputPort port = Assert.Single(device.OutputPorts);
            Assert.Equal("20-/dev/ttyAMA0-O-0", port.Id);
            Assert.Equal("/dev/ttyAMA0", port.Description);
            Assert.False(port.UsesRefreshClock);
            Assert.Same(device, server.Devices.FindById("20-/dev/ttyAMA0"));
        }
        finally
        {
            await server.Plugins.StopAllAsync();
        }
    }

    [Fact]
    public async Task Start_InvalidValues_ResetToDefaultsAndKeysOnlyForOpenedDevices()
    {
        File.WriteAllText(ConfPath, string.Join('\n', [
            "enabled = true",
            "device = /dev/ttyA",
            "device = /dev/ttyGone",
            "device = ",
            "/dev/ttyA-break = 50",
            "/dev/ttyA-malf = abc",
            "/dev/ttyA-mab = x",
            "/dev/ttyA-refresh_hz = 60",
            "/dev/ttyA-de_gpio = pin18",
            "/dev/ttyA-de_active_high = TRUE",
            "/dev/ttyGone-break = 7",
            "# a comment",
            "unknown = kept",
        ]) + "\n");
        var factory = new FakeLineFactory(new EventLog(), new FakeLineClock()) { IsPresent = p => p == "/dev/ttyA" };
        var server = new Server(_dir, TimeProvider.System, new UartDmxPlugin(factory, clock: new FakeLineClock()), _logger);
        await server.Plugins.StartAllAsync();
        try
        {
            Assert.Equal(
                "/dev/ttyA-break = 100\n/dev/ttyA-de_active_high = true\n/dev/ttyA-mab = 16\n/dev/ttyA-malf = 100\n/dev/ttyA-refresh_hz = 0\n" +
                "/dev/ttyGone-break = 7\ndevice = /dev/ttyA\ndevice = /dev/ttyGone\ndevice = \nenabled = true\nunknown = kept\n",
                File.ReadAllText(ConfPath));
            Assert.Equal("20-/dev/ttyA", Assert.Single(server.Plugin.Devices).UniqueId);
            Assert.Contains(_logger.Entries, e => e.Message.Contains("/dev/ttyGone", StringComparison.Ordinal));
        }
        finally
        {
            await server.Plugins.StopAllAsync();
        }
    }

    [Theory]
    [InlineData("uartdmx-valid")]
    [InlineData("uartdmx-invalid-enabled")]
    [InlineData("uartdmx-empty-first-device")]
    public async Task Start_OladFixture_FileRewrittenExactlyAsOlad(string name)
    {
        string fixtures = Path.Combine(AppContext.BaseDirectory, "OladFixtures");
        File.Copy(Path.Combine(fixtures, name + ".in.conf"), ConfPath);
        var server = new Server(_dir, TimeProvider.System, new UartDmxPlugin(new FakeLineFactory(new EventLog(), new FakeLineClock())), _logger);
        await server.Plugins.StartAllAsync();
        Assert.Equal(File.ReadAllText(Path.Combine(fixtures, name + ".olad.conf")), File.ReadAllText(ConfPath));
    }

    [Fact]
    public async Task Start_EmptyDir_SameFileAsFreshOlad()
    {
        var server = new Server(_dir, TimeProvider.System, new UartDmxPlugin(new FakeLineFactory(new EventLog(), new FakeLineClock())), _logger);
        await server.Plugins.StartAllAsync();
        Assert.Equal(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "OladFixtures", "ola-uartdmx.conf")), File.ReadAllText(ConfPath));
    }

    [Fact]
    public void Conf_RepeatedDevice_OneDevice()
    {
        ConfFile f = ConfFile.Parse("device = /dev/ttyAMA0\ndevice = \ndevice = /dev/ttyAMA0\ndevice = /dev/ttyUSB0\n");
        Assert.Equal(["/dev/ttyAMA0", "/dev/ttyUSB0"], UartConf.Devices(f));
    }

    [Fact]
    public void Conf_FirstDeviceEmpty_ReplacedByOladDefault()
    {
        ConfFile f = ConfFile.Parse("device = \ndevice = /dev/ttyAMA0\n");
        Assert.True(UartConf.SetPluginDefaults(f));
        Assert.Equal(["/dev/ttyACM0"], UartConf.Devices(f));
    }

    [Theory]
    [InlineData("88", 88)]
    [InlineData("1000000", 1000000)]
    [InlineData("87", 100)]
    [InlineData("1000001", 100)]
    [InlineData("-5", 100)]
    [InlineData("250x", 250)]
    public void Conf_Break_OladRange(string value, int expected)
    {
        ConfFile f = ConfFile.Parse($"/dev/x-break = {value}\n");
        UartConf.SetDeviceDefaults(f, "/dev/x");
        Assert.Equal(expected, UartConf.Read(f, "/dev/x").BreakMicroseconds);
    }

    [Theory]
    [InlineData("8", 8)]
    [InlineData("7", 100)]
    [InlineData("24000", 24000)]
    public void Conf_Malf_OladRange(string value, int expected)
    {
        ConfFile f = ConfFile.Parse($"/dev/x-malf = {value}\n");
        UartConf.SetDeviceDefaults(f, "/dev/x");
        Assert.Equal(expected, UartConf.Read(f, "/dev/x").MalfMicroseconds);
    }

    [Fact]
    public void Conf_PiSample_ReadsOurKeys()
    {
        string text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "ola-uartdmx.pi.conf"));
        ConfFile f = ConfFile.Parse(text);
        Assert.False(UartConf.SetDeviceDefaults(f, "/dev/ttyAMA0"));
        Assert.Equal(new UartLineSettings(100, 16, 24000, 0, 18, true), UartConf.Read(f, "/dev/ttyAMA0"));
        Assert.Equal(["/dev/ttyAMA0"], UartConf.Devices(f));
    }

    [Fact]
    public async Task Start_DeviceMissing_RetriedEverySecondAndRegisteredWhenItAppears()
    {
        File.WriteAllText(ConfPath, "device = /dev/ttyLate\nenabled = true\n");
        var time = new FakeTimeProvider();
        var factory = new FakeLineFactory(new EventLog(), new FakeLineClock()) { Present = false };
        var server = new Server(_dir, time, new UartDmxPlugin(factory, clock: new FakeLineClock()), _logger);
        await server.Plugins.StartAllAsync();
        try
        {
            Assert.True(server.Plugin.IsActive);
            Assert.Empty(server.Plugin.Devices);
            Assert.Equal("device = /dev/ttyLate\nenabled = true\n", File.ReadAllText(ConfPath));
            time.Advance(TimeSpan.FromSeconds(3));
            Assert.Empty(server.Plugin.Devices);
            int warnings = _logger.Count(Microsoft.Extensions.Logging.LogLevel.Warning);
            Assert.Equal(1, warnings);

            factory.Present = true;
            time.Advance(TimeSpan.FromSeconds(1));
            Assert.Equal("20-/dev/ttyLate", Assert.Single(server.Plugin.Devices).UniqueId);
            Assert.NotNull(server.Devices.FindById("20-/dev/ttyLate"));
            Assert.Contains("/dev/ttyLate-break = 100", File.ReadAllText(ConfPath), StringComparison.Ordinal);
        }
        finally
        {
            await server.Plugins.StopAllAsync();
        }
    }

    [Fact]
    public async Task Stop_WithDeGpio_PinDrivenThenReleased()
    {
        File.WriteAllText(ConfPath, "/dev/ttyAMA0-de_gpio = 18\ndevice = /dev/ttyAMA0\nenabled = true\n");
        var log = new EventLog();
        FakeGpioChips gpio = FakeGpioChips.Pi5Old(log);
        var factory = new FakeLineFactory(log, new FakeLineClock());
        var server = new Server(_dir, TimeProvider.System, new UartDmxPlugin(factory, gpio, new FakeLineClock()), _logger);
        await server.Plugins.StartAllAsync();
        UartDmxDevice device = Assert.Single(server.Plugin.Devices);
        Assert.True(SpinWait.SpinUntil(() => device.Writer.FramesSent > 3, TimeSpan.FromSeconds(10)));
        Assert.True(gpio["/dev/gpiochip4"].Levels[18]);
        await server.Plugins.StopAllAsync();

        // The Pi 5's RP1 on gpiochip4 (pre-6.6.45 numbering), not gpiochip0's SoC pins.
        List<string> ops = log.Snapshot().Select(e => e.Op).ToList();
        int request = ops.IndexOf("gpio-request /dev/gpiochip4 18 high olasharpd");
        Assert.InRange(request, 0, ops.IndexOf("write") - 1);
        Assert.False(gpio["/dev/gpiochip4"].Levels[18]);
        Assert.Empty(gpio["/dev/gpiochip4"].Requested);
        Assert.False(gpio["/dev/gpiochip0"].Levels.ContainsKey(18));
        Assert.Empty(server.Devices.Devices);
    }

    [Fact]
    public async Task Start_DeGpioOnAMachineWithoutGpio_OneErrorWithTheFixAndTheLineRuns()
    {
        File.WriteAllText(ConfPath, "/dev/ttyAMA0-de_gpio = 18\ndevice = /dev/ttyAMA0\nenabled = true\n");
        var log = new EventLog();
        var server = new Server(_dir, TimeProvider.System, new UartDmxPlugin(new FakeLineFactory(log, new FakeLineClock()), new FakeGpioChips(log), new FakeLineClock()), _logger);
        await server.Plugins.StartAllAsync();
        try
        {
            UartDmxDevice device = Assert.Single(server.Plugin.Devices);
            Assert.True(SpinWait.SpinUntil(() => device.Writer.FramesSent > 3, TimeSpan.FromSeconds(10)));
            (Microsoft.Extensions.Logging.LogLevel _, string message) = Assert.Single(_logger.Entries, e => e.Level == Microsoft.Extensions.Logging.LogLevel.Error);
            Assert.Equal(
                "/dev/ttyAMA0: could not drive driver-enable GPIO 18, the transceiver may not transmit: no GPIO character device (/dev/gpiochip*): " +
                "this machine has no GPIO or the kernel lacks CONFIG_GPIO_CDEV; remove <device>-de_gpio from ola-uartdmx.conf if the transceiver switches direction by itself",
                message);
        }
        finally
        {
            await server.Plugins.StopAllAsync();
        }
    }

    [Fact]
    public async Task Start_DeGpioChipKey_PicksThatChipAndIsNotRewritten()
    {
        const string Conf = "/dev/ttyAMA0-de_gpio = 2\n/dev/ttyAMA0-de_gpiochip = ftdi-cbus\ndevice = /dev/ttyAMA0\nenabled = true\n";
        File.WriteAllText(ConfPath, Conf);
        var log = new EventLog();
        FakeGpioChips gpio = FakeGpioChips.Pi4(log).With("/dev/gpiochip2", "ftdi-cbus", 4);
        var server = new Server(_dir, TimeProvider.System, new UartDmxPlugin(new FakeLineFactory(log, new FakeLineClock()), gpio, new FakeLineClock()), _logger);
        await server.Plugins.StartAllAsync();
        UartDmxDevice device = Assert.Single(server.Plugin.Devices);
        Assert.True(SpinWait.SpinUntil(() => device.Writer.FramesSent > 3, TimeSpan.FromSeconds(10)));
        await server.Plugins.StopAllAsync();
        Assert.Contains("gpio-request /dev/gpiochip2 2 high olasharpd", log.Snapshot().Select(e => e.Op));
        Assert.Empty(gpio["/dev/gpiochip0"].Levels);
        Assert.Contains("/dev/ttyAMA0-de_gpiochip = ftdi-cbus\n", File.ReadAllText(ConfPath), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Counters_FramesAndLineFailures_ReportedAsUartdmxAndKeptAcrossReload()
    {
        File.WriteAllText(ConfPath, "device = /dev/ttyAMA0\nenabled = true\n");
        var factory = new FakeLineFactory(new EventLog(), new FakeLineClock());
        var plugin = new UartDmxPlugin(factory, clock: new FakeLineClock());
        var server = new Server(_dir, TimeProvider.System, plugin, _logger);
        var registry = new ProtocolCounterRegistry();
        registry.Register(plugin);
        await server.Plugins.StartAllAsync();
        try
        {
            UartDmxDevice device = Assert.Single(plugin.Devices);
            Assert.True(SpinWait.SpinUntil(() => device.Writer.FramesSent > 3, TimeSpan.FromSeconds(10)));
            Assert.True(Sent(registry) > 3);
            Assert.Equal(0, SendErrors(registry));

            // The line fails (an unplugged USB adapter): one failure, counted as a send error.
            factory.Present = false;
            factory.Last!.Fail = true;
            Assert.True(SpinWait.SpinUntil(() => device.Writer.Failures == 1, TimeSpan.FromSeconds(10)));
            Assert.Equal(1, SendErrors(registry));
            long frames = device.Writer.FramesSent;
            Assert.Equal(frames, Sent(registry));

            // A reload replaces the device and its writer; the totals keep counting from where they were.
            factory.Present = true;
            await server.Plugins.ReloadAsync();
            UartDmxDevice again = Assert.Single(plugin.Devices);
            Assert.NotSame(device, again);
            Assert.True(SpinWait.SpinUntil(() => again.Writer.FramesSent > 3, TimeSpan.FromSeconds(10)));
            Assert.True(Sent(registry) >= frames + 3);
            Assert.Equal(1, SendErrors(registry));
        }
        finally
        {
            await server.Plugins.StopAllAsync();
        }

        // Stopped: the last counts stay.
        Assert.Equal(1, SendErrors(registry));
        ProtocolCounter sent = Assert.Single(registry.Collect(), c => c.Kind == ProtocolCounterKind.Sent);
        Assert.Equal(("uartdmx", "dmx"), (sent.Protocol, sent.Reason));
    }

    private static long Sent(ProtocolCounterRegistry registry) =>
        Assert.Single(registry.Collect(), c => c.Protocol == UartDmxPlugin.CounterProtocol && c.Kind == ProtocolCounterKind.Sent).Value;

    private static long SendErrors(ProtocolCounterRegistry registry) =>
        Assert.Single(registry.Collect(), c => c.Protocol == UartDmxPlugin.CounterProtocol && c.Kind == ProtocolCounterKind.SendErrors).Value;

    [Fact]
    public async Task EndToEnd_PatchedUniverse_FrameOnPtyMaster()
    {
        using var pty = new PtyPair();
        File.WriteAllText(ConfPath, $"{pty.SlavePath}-malf = 1000\ndevice = {pty.SlavePath}\nenabled = true\n");
        var server = new Server(_dir, TimeProvider.System, new UartDmxPlugin(), _logger);
        await server.Plugins.StartAllAsync();
        try
        {
            Port port = server.Devices.FindPort($"20-{pty.SlavePath}-O-0") ?? throw new InvalidOperationException("no port");
            Assert.True(server.Devices.TryPatch(port, 1, out string? error), error);
            Universe u = server.Universes.GetOrCreate(1);
            DmxSource source = u.AddSource("test", "test", TimeSpan.FromSeconds(10));
            byte[] slots = [.. Enumerable.Range(1, 24).Select(i => (byte)(i == 5 ? 0x0A : i == 6 ? 0x0D : i))];
            Assert.True(u.Update(source, slots));

            byte[] frame = [0, .. slots];
            byte[] stream = pty.Read(200_000, TimeSpan.FromSeconds(2));
            int first = IndexOf(stream, frame);
            Assert.True(first >= 0, "the patched frame never arrived");
            byte[] after = pty.Read(frame.Length * 5, TimeSpan.FromSeconds(5));
            byte[] joined = [.. stream[first..], .. after];
            for (int f = 0; f < 5; f++)
            {
                Assert.True(joined.AsSpan(f * frame.Length, frame.Length).SequenceEqual(frame), $"frame {f}");
            }

            // A new merged frame (shorter, too) replaces it on the line.
            Assert.True(u.Update(source, [0xFF, 0x0A, 0x0D]));
            byte[] next = pty.Read(200_000, TimeSpan.FromSeconds(2));
            byte[] tail = next[^(4 * 10)..];
            for (int f = 0; f < 10; f++)
            {
                Assert.True(tail.AsSpan(f * 4, 4).SequenceEqual(new byte[] { 0, 0xFF, 0x0A, 0x0D }), $"new frame {f}");
            }
        }
        finally
        {
            await server.Plugins.StopAllAsync();
        }
    }

    private static int IndexOf(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle);
}
