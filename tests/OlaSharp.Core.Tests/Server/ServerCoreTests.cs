// Licensed under the MIT License. See LICENSE in the repository root.
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using OlaSharp.Core.Clock;
using OlaSharp.Core.Conf;
using OlaSharp.Core.Plugins;
using OlaSharp.Core.Plugins.Dummy;
using OlaSharp.Core.Server;

namespace OlaSharp.Core.Tests.Server;

/// <summary>The rules the three front ends share: patching, candidate ports, universe settings, client sources, subscriptions.</summary>
public sealed class ServerCoreTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("olas-core-server-").FullName;
    private readonly FakeTimeProvider _time = new();
    private readonly UniverseRegistry _universes;
    private readonly RefreshScheduler _clock;
    private readonly DeviceRegistry _devices;
    private readonly ServerCore _core;
    private readonly TestDevice _strict;
    private readonly TestDevice _loose;

    public ServerCoreTests()
    {
        var conf = new ConfStore(_dir);
        _universes = new UniverseRegistry(_time);
        _clock = new RefreshScheduler(_time);
        _devices = new DeviceRegistry(_universes, _clock, conf);
        var plugin = new TestPlugin();
        _strict = new TestDevice(plugin, "1", multiPort: false);
        _loose = new TestDevice(plugin, "2", multiPort: true);
        _devices.Register(_strict);
        _devices.Register(_loose);
        _core = new ServerCore(_universes, _devices, conf: conf);
    }

    public void Dispose()
    {
        _clock.Dispose();
        Directory.Delete(_dir, true);
    }

    [Fact]
    public void CandidatePorts_NoUniverse_EveryUnpatchedPort_OrFirstPerDirectionForStrictDevices()
    {
        Assert.Equal(["9-1-I-0", "9-1-I-1", "9-1-O-0", "9-2-I-0", "9-2-I-1", "9-2-O-0"], Ids(_core.CandidatePorts(null)));

        // olad's HTTP get_ports: a device without multi-port patching offers its first free port of each direction.
        Assert.Equal(["9-1-I-0", "9-1-O-0", "9-2-I-0", "9-2-I-1", "9-2-O-0"], Ids(_core.CandidatePorts(null, firstPerDirection: true)));
    }

    [Fact]
    public void CandidatePorts_Universe_ExcludesSecondPortAndLoopingOnStrictDevice()
    {
        Assert.True(_core.TryPatch(_strict.In0, 1, out _));
        Assert.True(_core.TryPatch(_loose.In0, 1, out _));

        // Strict device on universe 1: no second input (no multi-port), no output (no looping); patched ports never.
        Assert.Equal(["9-2-I-1", "9-2-O-0"], Ids(_core.CandidatePorts(1)));

        // Universe 2 has none of its ports: all free ports qualify.
        Assert.Equal(["9-1-I-1", "9-1-O-0", "9-2-I-1", "9-2-O-0"], Ids(_core.CandidatePorts(2)));
    }

    [Fact]
    public void FindPort_SaysWhetherDeviceOrPortIsMissing()
    {
        Assert.Equal(PortLookup.Found, _core.FindPort(_strict.Alias, isOutput: true, 0, out Port? port));
        Assert.Same(_strict.Out0, port);
        Assert.Equal(PortLookup.NoPort, _core.FindPort(_strict.Alias, isOutput: true, 5, out port));
        Assert.Null(port);
        Assert.Equal(PortLookup.NoDevice, _core.FindPort(99, isOutput: false, 0, out _));
        Assert.Same(_loose.In1, _core.FindPort("9-2-I-1"));
        Assert.Null(_core.FindPort(string.Empty));
    }

    [Fact]
    public void TryPatch_RefusedUniverse_GivesOlasText_AndCreatesNothing()
    {
        // olad answers its generic text; the port's reason goes to the log.
        Assert.False(_core.TryPatch(_strict.In1, TestInput.RefusedUniverse, out string? error));
        Assert.Equal(DeviceRegistry.PatchFailed, error);
        Assert.False(_universes.TryGet(TestInput.RefusedUniverse, out _));

        Assert.True(_core.TryPatch(_strict.In1, 3, out error));
        Assert.Null(error);
        Assert.Equal(3, _strict.In1.Universe?.Id);
    }

    [Fact]
    public void TryPatch_DeviceRules_NoLoopingOrSecondPortUnlessTheDeviceAllows()
    {
        Assert.True(_core.TryPatch(_strict.In0, 1, out _));
        Assert.False(_core.TryPatch(_strict.Out0, 1, out string? error));
        Assert.Equal(DeviceRegistry.PatchFailed, error);
        Assert.False(_core.TryPatch(_strict.In1, 1, out _));
        Assert.Null(_strict.Out0.Universe);

        Assert.True(_core.TryPatch(_loose.In0, 1, out _));
        Assert.True(_core.TryPatch(_loose.In1, 1, out _));
        Assert.True(_core.TryPatch(_loose.Out0, 1, out _));
    }

    [Fact]
    public void Unpatch_FromUniverse_OnlyWhenPatchedThere()
    {
        Assert.True(_core.TryPatch(_strict.Out0, 4, out _));
        Assert.False(_core.Unpatch(_strict.Out0, fromUniverse: 5));
        Assert.Equal(4, _strict.Out0.Universe?.Id);
        Assert.True(_core.Unpatch(_strict.Out0, fromUniverse: 4));
        Assert.Null(_strict.Out0.Universe);
        Assert.False(_core.Unpatch(_strict.Out0));
    }

    [Fact]
    public void UniverseSettings_MissingUniverse_False_ExistingChanged()
    {
        Assert.False(_core.TrySetUniverseName(7, "Stage", out _));
        Assert.False(_core.TrySetMergeMode(7, MergeMode.Htp, out _));

        _universes.GetOrCreate(7);
        Assert.True(_core.TrySetUniverseName(7, "Stage", out Universe? u));
        Assert.True(_core.TrySetMergeMode(7, MergeMode.Htp, out _));
        Assert.Equal("Stage", u.Name);
        Assert.Equal(MergeMode.Htp, u.MergeMode);

        // An empty name is OLA's default name.
        Assert.True(_core.TrySetUniverseName(7, string.Empty, out _));
        Assert.Equal("Universe 7", u.Name);
    }

    [Fact]
    public void ClientSources_OneSourcePerUniverse_DisposeRemovesThem()
    {
        Universe u1 = _universes.GetOrCreate(1);
        Universe u2 = _universes.GetOrCreate(2);
        ClientSources client = _core.OpenClient("127.0.0.1:5000", "olarpc");
        DmxSource s1 = client.For(u1);
        Assert.Same(s1, client.For(u1));
        DmxSource s2 = client.For(u2, name: "named");
        Assert.Equal(("127.0.0.1:5000", "olarpc"), (s1.Name, s1.Kind));
        Assert.Equal("named", s2.Name);
        Assert.Equal(Timeout.InfiniteTimeSpan, s1.Timeout);
        Assert.Equal(2, client.Count);
        Assert.True(u1.Update(s1, [1, 2, 3]));

        client.Dispose();
        client.Dispose();
        Assert.Equal(0, client.Count);
        Assert.Equal(0, u1.SourceCount);
        Assert.Equal(0, u2.SourceCount);
        Assert.True(s1.IsRemoved && s2.IsRemoved);
        Assert.Throws<ObjectDisposedException>(() => client.For(u1));
    }

    [Fact]
    public void ClientSources_Release_And_UniverseRemoved_GiveNewSourceNextTime()
    {
        Universe u1 = _universes.GetOrCreate(1);
        using ClientSources client = _core.OpenClient("http", "http");
        DmxSource first = client.For(u1);
        Assert.True(client.Release(1));
        Assert.False(client.Release(1));
        Assert.True(first.IsRemoved);
        DmxSource second = client.For(u1);
        Assert.NotSame(first, second);

        // The universe goes (whatever it holds); a new universe 1 gets a new source.
        Assert.True(_universes.Remove(1));
        Assert.Equal(0, client.Count);
        Universe again = _universes.GetOrCreate(1);
        DmxSource third = client.For(again);
        Assert.Same(again, third.Universe);
        Assert.Equal(1, again.SourceCount);
    }

    [Fact]
    public void Subscribe_CallsHandlerAndCountsSink_DisposeDetachesOnce()
    {
        Universe u = _universes.GetOrCreate(1);
        u.AddSink(); // another client's registration, which must survive a double dispose
        DmxSource source = u.AddSource("test", "test", Timeout.InfiniteTimeSpan);
        int calls = 0;
        UniverseSubscription sub = ServerCore.Subscribe(u, (_, _) => calls++);
        Assert.Same(u, sub.Universe);
        Assert.Equal(2, u.SinkCount);
        u.Update(source, [1]);
        Assert.Equal(1, calls);

        sub.Dispose();
        sub.Dispose();
        Assert.Equal(1, u.SinkCount);
        u.Update(source, [2]);
        Assert.Equal(1, calls);
    }

    [Fact]
    public void Subscribe_NotAsSink_LeavesSinkCountAndCollection()
    {
        Universe u = _universes.GetOrCreate(1);
        int calls = 0;
        using (UniverseSubscription sub = ServerCore.Subscribe(u, (_, _) => calls++, asSink: false))
        {
            Assert.Equal(0, u.SinkCount);
            Assert.Equal([1], _universes.CollectUnused());
        }

        Universe held = _universes.GetOrCreate(2);
        using UniverseSubscription sink = ServerCore.Subscribe(held, (_, _) => calls++);
        Assert.Empty(_universes.CollectUnused());
    }

    private static string[] Ids(IEnumerable<Port> ports) => [.. ports.Select(p => p.Id)];

    private sealed class TestPlugin : Plugin
    {
        public override int Id => 9;

        public override string Name => "Test";

        public override string ConfPrefix => "test";

        protected internal override Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        protected internal override Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private sealed class TestDevice : Device
    {
        private readonly bool _multiPort;

        public TestDevice(Plugin owner, string id, bool multiPort)
            : base(owner, id, "Test Device " + id)
        {
            _multiPort = multiPort;
            In0 = AddInputPort(new TestInput(this, 0));
            In1 = AddInputPort(new TestInput(this, 1));
            Out0 = AddOutputPort(new DummyOutputPort(this, NullLogger.Instance));
        }

        public override bool AllowLooping => _multiPort;

        public override bool AllowMultiPortPatching => _multiPort;

        public TestInput In0 { get; }

        public TestInput In1 { get; }

        public DummyOutputPort Out0 { get; }
    }

    private sealed class TestInput(Device d, int i) : InputPort(d, i, "Test input")
    {
        public const int RefusedUniverse = 13;

        public override bool IsUniverseValid(int universeId, out string? reason)
        {
            reason = universeId == RefusedUniverse ? "unlucky" : null;
            return reason is null;
        }
    }
}
