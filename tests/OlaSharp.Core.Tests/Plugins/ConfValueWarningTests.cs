// Licensed under the MIT License. See LICENSE in the repository root.
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using OlaSharp.Core.Clock;
using OlaSharp.Core.Conf;
using OlaSharp.Core.Plugins;
using OlaSharp.Core.Plugins.Dummy;
using OlaSharp.Core.Tests.Conf;

namespace OlaSharp.Core.Tests.Plugins;

/// <summary>
/// Issue 13 defect 6: absurd conf values were replaced silently. Every reader in Core (ola-dummy.conf,
/// ola-universe.conf, ola-port.conf, and ConfFile's helpers every plugin uses) must say each replaced value
/// once, naming the file, the key, the bad value and what is used instead.
/// </summary>
public sealed class ConfValueWarningTests : IDisposable
{
    private readonly FakeTimeProvider _time = new();
    private readonly TempDir _dir = new();
    private readonly ListLogger _log = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void SetDefaultValue_PresentAndInvalid_OneWarningWithFileKeyValueAndDefault()
    {
        ConfFile f = ConfFile.Parse("net = 200\nsubnet = 3\n", "ola-artnet.conf", _log);

        Assert.True(f.SetDefaultValue("net", new UIntValidator(0, 127), "0"));
        Assert.False(f.SetDefaultValue("subnet", new UIntValidator(0, 15), "0"));
        Assert.True(f.SetDefaultValue("output_ports", new UIntValidator(0, 16), "4"));

        (LogLevel level, EventId id, string message) = Assert.Single(_log.Entries);
        Assert.Equal(LogLevel.Warning, level);
        Assert.Equal(1110, id.Id);
        Assert.Equal("ola-artnet.conf: net = '200' is not an integer 0..127; using '0'", message);
    }

    [Fact]
    public void FixIfPresent_And_RemoveIfInvalid_WarnOnlyForPresentBadValues()
    {
        ConfFile f = ConfFile.Parse("a-mab = 2\na-de_gpio = 5000\nb-de_gpio = \n", "ola-uartdmx.conf", _log);

        Assert.True(f.FixIfPresent("a-mab", new UIntValidator(8, 1_000_000), "12"));
        Assert.False(f.FixIfPresent("a-refresh_hz", new UIntValidator(0, 44), "0"));
        Assert.True(f.RemoveIfInvalid("a-de_gpio", new UIntValidator(0, 1023), "no driver-enable pin"));
        Assert.False(f.RemoveIfInvalid("b-de_gpio", new UIntValidator(0, 1023), "no driver-enable pin"));

        Assert.Equal(
            ["ola-uartdmx.conf: a-mab = '2' is not an integer 8..1000000; using '12'",
             "ola-uartdmx.conf: a-de_gpio = '5000' is not an integer 0..1023; using no driver-enable pin"],
            _log.Entries.Select(e => e.Message));
        Assert.False(f.Contains("a-refresh_hz"));
        Assert.False(f.Contains("a-de_gpio"));
    }

    [Fact]
    public async Task DummyConf_AbsurdValueForEveryKey_OneWarningPerKey()
    {
        File.WriteAllText(_dir.File("ola-dummy.conf"), "enabled = yes\noutput_hz = 0\noutput_refresh = sometimes\n");
        Server s = NewServer();

        await s.Plugins.StartAllAsync();

        string file = _dir.File("ola-dummy.conf");
        AssertWarnings(
            $"{file}: enabled = 'yes' is not true or false; using 'true'",
            $"{file}: output_hz = '0' is not an integer 1..44; using '44'",
            $"{file}: output_refresh = 'sometimes' is not one of change, fixed; using 'change'");
        Assert.True(s.Plugins.Find(PluginIds.Dummy)!.IsActive);
    }

    [Fact]
    public void UniverseConf_UnknownMergeMode_OneWarningAndLtp()
    {
        File.WriteAllText(_dir.File("ola-universe.conf"), "uni_3_merge = banana\nuni_3_name = Three\nuni_4_merge = HTP\nuni_4_name = \n");
        Server s = NewServer();

        Universe three = s.Universes.GetOrCreate(3);
        Universe four = s.Universes.GetOrCreate(4);

        Assert.Equal(MergeMode.Ltp, three.MergeMode);
        Assert.Equal(MergeMode.Htp, four.MergeMode);
        AssertWarnings(
            $"{_dir.File("ola-universe.conf")}: uni_3_merge = 'banana' is not HTP or LTP; using LTP",
            $"{_dir.File("ola-universe.conf")}: uni_4_name = '' is not a non-empty name; using '{four.Name}'");
        Assert.Equal("Three", three.Name);
    }

    [Fact]
    public async Task PortConf_AbsurdPriorityAndPatch_OneWarningPerKey()
    {
        File.WriteAllText(
            _dir.File("ola-port.conf"),
            "99-1-I-0_priority_value = 999\n99-1-I-1_priority_value = loud\n99-1-O-0 = nowhere\n");
        Server s = NewServer([new TestPlugin()]);

        await s.Plugins.StartAllAsync();

        string file = _dir.File("ola-port.conf");
        AssertWarnings(
            $"{file}: 99-1-I-0_priority_value = '999' is not an integer 0..200; using '200'",
            $"{file}: 99-1-I-1_priority_value = 'loud' is not an integer 0..200; using '100'",
            $"{file}: 99-1-O-0 = 'nowhere' is not a universe number; using no patch (the port stays unpatched)");
        Assert.Equal(200, s.Devices.FindPort("99-1-I-0")!.Priority);
        Assert.Null(s.Devices.FindPort("99-1-O-0")!.Universe);
    }

    private void AssertWarnings(params string[] expected) =>
        Assert.Equal(expected.Order(StringComparer.Ordinal), _log.AtLevel(LogLevel.Warning).Select(e => e.Message).Order(StringComparer.Ordinal));

    private Server NewServer(IEnumerable<Plugin>? plugins = null) => new(_dir.Path, _time, _log, plugins);

    private sealed class Server
    {
        public Server(string dir, TimeProvider time, ILogger log, IEnumerable<Plugin>? plugins)
        {
            var conf = new ConfStore(dir, log);
            Universes = new UniverseRegistry(time);
            Settings = new UniverseSettingsStore(Universes, conf);
            var clock = new RefreshScheduler(time);
            Devices = new DeviceRegistry(Universes, clock, conf);
            Plugins = new PluginManager(plugins ?? [new DummyPlugin()], new PluginContext(Universes, clock, conf, Devices, NullLoggerFactory.Instance, time));
        }

        public UniverseRegistry Universes { get; }

        public UniverseSettingsStore Settings { get; }

        public DeviceRegistry Devices { get; }

        public PluginManager Plugins { get; }
    }

    private sealed class TestPlugin : Plugin
    {
        public override int Id => 99;

        public override string Name => "Test";

        public override string ConfPrefix => "test";

        protected internal override Task StartAsync(CancellationToken cancellationToken)
        {
            Context.Devices.Register(new TestDevice(this));
            return Task.CompletedTask;
        }

        protected internal override Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private sealed class TestDevice : Device
    {
        public TestDevice(Plugin owner)
            : base(owner, "1", "Test Device")
        {
            AddInputPort(new TestInput(this, 0));
            AddInputPort(new TestInput(this, 1));
            AddOutputPort(new DummyOutputPort(this, NullLogger.Instance));
        }
    }

    private sealed class TestInput(Device d, int i) : InputPort(d, i, "Test input");
}
