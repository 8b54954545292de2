// Licensed under the MIT License. See LICENSE in the repository root.
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using OlaSharp.Core.Clock;
using OlaSharp.Core.Conf;
using OlaSharp.Core.Plugins;
using OlaSharp.Core.Plugins.Dummy;

namespace OlaSharp.Core.Tests.Plugins;

public sealed class PatchAndPluginTests : IDisposable
{
    private readonly FakeTimeProvider _time = new();
    private readonly string _dir = Directory.CreateTempSubdirectory("olas-core-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private sealed class Server
    {
        public Server(string dir, TimeProvider time, IEnumerable<Plugin>? plugins = null)
        {
            Conf = new ConfStore(dir);
            Universes = new UniverseRegistry(time);
            Settings = new UniverseSettingsStore(Universes, Conf);
            Clock = new RefreshScheduler(time);
            Devices = new DeviceRegistry(Universes, Clock, Conf);
            Context = new PluginContext(Universes, Clock, Conf, Devices, NullLoggerFactory.Instance, time);
            Plugins = new PluginManager(plugins ?? [new DummyPlugin()], Context);
        }

        public ConfStore Conf { get; }

        public UniverseRegistry Universes { get; }

        public UniverseSettingsStore Settings { get; }

        public RefreshScheduler Clock { get; }

        public DeviceRegistry Devices { get; }

        public PluginContext Context { get; }

        public PluginManager Plugins { get; }
    }

    private sealed class TestPlugin : Plugin
    {
        public override int Id => 99;

        public override string Name => "Test";

        public override string ConfPrefix => "test";

        public TestDevice? Device { get; private set; }

        protected internal override Task StartAsync(CancellationToken cancellationToken)
        {
            Device = new TestDevice(this);
            Context.Devices.Register(Device);
            return Task.CompletedTask;
        }

        protected internal override Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private sealed class TestDevice : Device
    {
        public TestDevice(Plugin owner)
            : base(owner, "1", "Test Device")
        {
            In0 = AddInputPort(new TestInput(this, 0));
            In1 = AddInputPort(new TestInput(this, 1));
            Out0 = AddOutputPort(new DummyOutputPort(this, NullLogger.Instance));
        }

        public TestInput In0 { get; }

        public TestInput In1 { get; }

        public DummyOutputPort Out0 { get; }
    }

    private sealed class TestInput(Device d, int i) : InputPort(d, i, "Test input")
    {
        public bool Send(byte[] data) => Publish(data);
    }

    [Fact]
    public async Task DummyPlugin_Start_RegistersOlaShapedDevice()
    {
        var s = new Server(_dir, _time);
        await s.Plugins.StartAllAsync();
        Device d = Assert.Single(s.Devices.Devices);
        Assert.Equal("1-1", d.UniqueId);
        Assert.Equal("Dummy Device", d.Name);
        Assert.Equal(1, d.Alias);
        OutputPort p = Assert.Single(d.OutputPorts);
        Assert.Equal("1-1-O-0", p.Id);
        Assert.Equal("Dummy Port", p.Description);
        Assert.True(File.Exists(Path.Combine(_dir, "ola-dummy.conf")));
        Assert.True(s.Plugins.Find(1)!.IsActive);
    }

    [Fact]
    public async Task Patch_WritesOlaPortConfAtOnce_AndRestoresOnNextStart()
    {
        var s = new Server(_dir, _time);
        await s.Plugins.StartAllAsync();
        Port port = s.Devices.FindPort("1-1-O-0")!;
        Assert.True(s.Devices.TryPatch(port, 5, out _));
        Assert.Equal("1-1-O-0 = 5\n", File.ReadAllText(Path.Combine(_dir, "ola-port.conf")));
        Assert.True(s.Universes.TryGet(5, out Universe? u));
        Assert.Equal(1, u.OutputPortCount);
        Assert.Equal(1, s.Clock.Count);

        // A new server on the same dir (as after a SIGKILL) restores the patch.
        var s2 = new Server(_dir, _time);
        await s2.Plugins.StartAllAsync();
        Assert.Equal(5, s2.Devices.FindPort("1-1-O-0")!.Universe?.Id);
    }

    [Fact]
    public async Task Clock_CountsFramesSentPerOutputPort()
    {
        var s = new Server(_dir, _time);
        await s.Plugins.StartAllAsync();
        OutputPort port = (OutputPort)s.Devices.FindPort("1-1-O-0")!;
        Assert.True(s.Devices.TryPatch(port, 3, out _));
        Assert.True(s.Universes.TryGet(3, out Universe? u));
        DmxSource src = u.AddSource("t", "test", TimeSpan.FromSeconds(10));
        Assert.Equal(0, port.FramesSent);

        // Three different frames, each followed by the clock's pass: at least one emit per change.
        long emitsBefore = s.Clock.Statistics.Changes + s.Clock.Statistics.Repeats + s.Clock.Statistics.Ticks + s.Clock.Statistics.KeepAlives;
        for (int i = 1; i <= 3; i++)
        {
            u.Update(src, [(byte)i]);
            s.Clock.RunDue(_time.GetTimestamp());
            _time.Advance(TimeSpan.FromMilliseconds(100));
        }

        long emits = s.Clock.Statistics.Changes + s.Clock.Statistics.Repeats + s.Clock.Statistics.Ticks + s.Clock.Statistics.KeepAlives - emitsBefore;
        Assert.True(port.FramesSent >= 3, $"FramesSent {port.FramesSent}");
        Assert.Equal(emits, port.FramesSent);
    }

    [Fact]
    public async Task Unpatch_RemovesKeyAndClockTarget()
    {
        var s = new Server(_dir, _time);
        await s.Plugins.StartAllAsync();
        Port port = s.Devices.FindPort("1-1-O-0")!;
        s.Devices.TryPatch(port, 2, out _);
        Assert.True(s.Devices.Unpatch(port));
        Assert.Null(port.Universe);
        Assert.Equal(0, s.Clock.Count);
        Assert.Null(ConfFile.Load(Path.Combine(_dir, "ola-port.conf")).Get("1-1-O-0"));
    }

    [Fact]
    public async Task Patch_OlaDeviceRules_NoLoopNoTwoSameDirection()
    {
        var plugin = new TestPlugin();
        var s = new Server(_dir, _time, [plugin]);
        await s.Plugins.StartAllAsync();
        TestDevice d = plugin.Device!;
        Assert.True(s.Devices.TryPatch(d.In0, 1, out _));
        Assert.False(s.Devices.TryPatch(d.In1, 1, out string? e1));
        Assert.Equal("Patch port request failed", e1);
        Assert.False(s.Devices.TryPatch(d.Out0, 1, out _));
        Assert.True(s.Devices.TryPatch(d.Out0, 2, out _));
    }

    [Fact]
    public async Task EndToEnd_InputPortToDummyOutput_ThroughMergeAndClock()
    {
        var plugin = new TestPlugin();
        var s = new Server(_dir, _time, [plugin, new DummyPlugin()]);
        await s.Plugins.StartAllAsync();
        TestDevice d = plugin.Device!;
        DummyOutputPort dummy = ((DummyPlugin)s.Plugins.Find(1)!).Device!.Port;
        s.Devices.TryPatch(d.In0, 1, out _);
        s.Devices.TryPatch(dummy, 1, out _);
        Assert.True(d.In0.Send([10, 20, 30]));
        s.Clock.RunDue(_time.GetTimestamp());
        Assert.Equal(new byte[] { 10, 20, 30 }, dummy.LastSlots());
        Assert.Equal(100, dummy.LastPriority);

        // Unpatching the input removes its source from the universe.
        s.Devices.Unpatch(d.In0);
        Assert.Equal(0, s.Universes.All.Single(u => u.Id == 1).SourceCount);
    }

    [Fact]
    public async Task SetPriority_StaticInput_SavesValueOnly_AndAppliesToSources()
    {
        var plugin = new TestPlugin();
        var s = new Server(_dir, _time, [plugin]);
        await s.Plugins.StartAllAsync();
        TestDevice d = plugin.Device!;
        s.Devices.TryPatch(d.In0, 1, out _);
        d.In0.Send([1]);
        Assert.True(s.Devices.TrySetPriority(d.In0, PriorityMode.Static, 150, out _));
        ConfFile conf = ConfFile.Load(Path.Combine(_dir, "ola-port.conf"));
        Assert.Equal("150", conf.Get("99-1-I-0_priority_value"));
        Assert.Null(conf.Get("99-1-I-0_priority_mode"));
        Assert.Equal(150, s.Universes.All.Single().ActivePriority);
        Assert.False(s.Devices.TrySetPriority(d.Out0, PriorityMode.Static, 10, out _));
        Assert.False(s.Devices.TrySetPriority(d.In0, PriorityMode.Static, null, out string? err));
        Assert.Equal("Invalid SetPortPriority request, see logs for more info", err);
    }

    [Fact]
    public async Task UniverseSettings_NameAndMerge_WrittenAtOnceAndRestored()
    {
        var s = new Server(_dir, _time);
        Universe u = s.Universes.GetOrCreate(3);
        Assert.Equal(MergeMode.Ltp, u.MergeMode);
        u.Name = "Front wash";
        u.MergeMode = MergeMode.Htp;
        ConfFile conf = ConfFile.Load(Path.Combine(_dir, "ola-universe.conf"));
        Assert.Equal("Front wash", conf.Get("uni_3_name"));
        Assert.Equal("HTP", conf.Get("uni_3_merge"));

        var s2 = new Server(_dir, _time);
        Universe again = s2.Universes.GetOrCreate(3);
        Assert.Equal("Front wash", again.Name);
        Assert.Equal(MergeMode.Htp, again.MergeMode);
        await Task.CompletedTask;
    }

    [Fact]
    public async Task PluginManager_DisabledInConf_IsNotStarted_SetEnabledStartsAndSaves()
    {
        File.WriteAllText(Path.Combine(_dir, "ola-dummy.conf"), "enabled = false\n");
        var s = new Server(_dir, _time);
        await s.Plugins.StartAllAsync();
        Assert.Empty(s.Devices.Devices);
        Assert.True(await s.Plugins.SetEnabledAsync(1, true));
        Assert.Single(s.Devices.Devices);
        Assert.Equal("true", ConfFile.Load(Path.Combine(_dir, "ola-dummy.conf")).Get("enabled"));
        Assert.True(await s.Plugins.SetEnabledAsync(1, false));
        Assert.Empty(s.Devices.Devices);
    }

    [Fact]
    public async Task Reload_KeepsDeviceAliasAndPatches()
    {
        var s = new Server(_dir, _time);
        await s.Plugins.StartAllAsync();
        s.Devices.TryPatch(s.Devices.FindPort("1-1-O-0")!, 9, out _);
        await s.Plugins.ReloadAsync();
        Device d = Assert.Single(s.Devices.Devices);
        Assert.Equal(1, d.Alias);
        Assert.Equal(9, d.OutputPorts[0].Universe?.Id);
    }

    [Fact]
    public async Task InvalidPluginConf_ValuesReplacedByDefaultsAndSaved()
    {
        File.WriteAllText(Path.Combine(_dir, "ola-dummy.conf"), "enabled = TRUE\noutput_hz = 99\n# comment\n");
        var s = new Server(_dir, _time);
        await s.Plugins.StartAllAsync();
        Assert.Equal("enabled = true\noutput_hz = 44\noutput_refresh = change\n", File.ReadAllText(Path.Combine(_dir, "ola-dummy.conf")));
    }
}
