// Licensed under the MIT License. See LICENSE in the repository root.
using OlaSharp.Core.Clock;
using OlaSharp.Core.Conf;
using OlaSharp.Core.Plugins;
using OlaSharp.Core.Plugins.Dummy;

namespace OlaSharp.Core.Tests.Plugins;

/// <summary>
/// The patch board decides under its lock and calls plugins (patch hooks) and writes ola-port.conf outside
/// it: a hook may use the registry, a slow hook does not stall readers, and racing patches leave the file
/// matching the final state.
/// </summary>
public sealed class DeviceRegistryLockTests : IDisposable
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(5);

    private readonly string _dir = Directory.CreateTempSubdirectory("olas-locks-").FullName;
    private readonly ConfStore _conf;
    private readonly UniverseRegistry _universes;
    private readonly RefreshScheduler _clock;
    private readonly DeviceRegistry _registry;
    private readonly HookDevice _device;

    public DeviceRegistryLockTests()
    {
        _conf = new ConfStore(_dir);
        _universes = new UniverseRegistry();
        _clock = new RefreshScheduler();
        _registry = new DeviceRegistry(_universes, _clock, _conf);
        // Any plugin can own the device: the registry reads only its id.
        _device = new HookDevice(new DummyPlugin());
        _registry.Register(_device);
    }

    public void Dispose()
    {
        _clock.Dispose();
        Directory.Delete(_dir, true);
    }

    private sealed class HookDevice : Device
    {
        public HookDevice(Plugin owner)
            : base(owner, "1", "Hook Device")
        {
            In0 = AddInputPort(new HookInput(this, 0));
            In1 = AddInputPort(new HookInput(this, 1));
            Out0 = AddOutputPort(new HookOutput(this, 0));
        }

        public HookInput In0 { get; }

        public HookInput In1 { get; }

        public HookOutput Out0 { get; }
    }

    private sealed class HookInput(Device d, int i) : InputPort(d, i, "Hook input")
    {
        private readonly Lock _lock = new();
        private readonly List<string> _calls = [];

        public Action<Universe>? OnPatchedHook { get; set; }

        public IReadOnlyList<string> Calls
        {
            get
            {
                lock (_lock)
                {
                    return [.. _calls];
                }
            }
        }

        protected internal override void OnPatched(Universe universe)
        {
            lock (_lock)
            {
                _calls.Add("+" + universe.Id);
            }

            OnPatchedHook?.Invoke(universe);
        }

        protected internal override void OnUnpatched(Universe universe)
        {
            lock (_lock)
            {
                _calls.Add("-" + universe.Id);
            }

            base.OnUnpatched(universe);
        }
    }

    private sealed class HookOutput(Device d, int i) : OutputPort(d, i, "Hook output")
    {
        public int? HookUniverse { get; private set; }

        public override void Emit(DmxFrame frame, int priority, EmitReason reason)
        {
        }

        protected internal override void OnPatched(Universe universe) => HookUniverse = universe.Id;

        protected internal override void OnUnpatched(Universe universe) => HookUniverse = null;
    }

    private ConfFile ReadPortConf() => ConfFile.Load(_conf.PathFor(DeviceRegistry.PortConfPrefix));

    // Runs a registry read on another thread: true when it finished within the wait.
    private static bool ReadsFromAnotherThread(Func<object?> read) => Task.Run(read).Wait(s_wait);

    [Fact]
    public void TryPatch_HookReadsRegistryFromAnotherThread_DoesNotDeadlockAndSeesThePatch()
    {
        IReadOnlyList<Port>? seen = null;
        bool finished = false;
        _device.In0.OnPatchedHook = u =>
        {
            var read = Task.Run(() => _registry.PortsOf(u.Id));
            finished = read.Wait(s_wait);
            seen = finished ? read.Result : null;
        };

        Assert.True(_registry.TryPatch(_device.In0, 4, out string? error), error);

        Assert.True(finished, "a registry read from another thread inside a patch hook did not finish");
        Assert.Same(_device.In0, Assert.Single(seen!));
    }

    [Fact]
    public void TryPatch_HookPatchesAnotherPort_BothPatchedInOrderAndSaved()
    {
        _device.In0.OnPatchedHook = u => Assert.True(_registry.TryPatch(_device.In1, u.Id + 1, out _));

        Assert.True(_registry.TryPatch(_device.In0, 7, out string? error), error);

        Assert.Equal(7, _device.In0.Universe?.Id);
        Assert.Equal(8, _device.In1.Universe?.Id);
        Assert.Equal(["+7"], _device.In0.Calls);
        Assert.Equal(["+8"], _device.In1.Calls);
        ConfFile saved = ReadPortConf();
        Assert.Equal("7", saved.Get(_device.In0.Id));
        Assert.Equal("8", saved.Get(_device.In1.Id));
    }

    [Fact]
    public async Task TryPatch_HookBlockedInAnotherThread_ReadersNotBlocked()
    {
        using var entered = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        _device.In0.OnPatchedHook = _ =>
        {
            entered.Set();
            release.Wait(TimeSpan.FromSeconds(30));
        };

        Task<bool> patch = Task.Run(() => _registry.TryPatch(_device.In0, 2, out _));
        try
        {
            Assert.True(entered.Wait(s_wait), "the hook was not called");

            Assert.True(ReadsFromAnotherThread(() => _registry.Devices), "Devices blocked behind a hook");
            Assert.True(ReadsFromAnotherThread(() => _registry.PortsOf(2)), "PortsOf blocked behind a hook");
            Assert.True(ReadsFromAnotherThread(() => _registry.FindPort(_device.In0.Id)), "FindPort blocked behind a hook");
            Assert.True(ReadsFromAnotherThread(() => _registry.FindByAlias(_device.Alias)), "FindByAlias blocked behind a hook");

            // The decision is made and on disk before the hook runs.
            Assert.Equal("2", ReadPortConf().Get(_device.In0.Id));
        }
        finally
        {
            release.Set();
        }

        Assert.True(await patch.WaitAsync(s_wait));
    }

    [Fact]
    public async Task TryPatch_Racing_ConfFileHooksAndClockMatchFinalState()
    {
        const int Rounds = 200;
        using var start = new Barrier(3);

        Task Patcher(Port port, int universe) => Task.Run(() =>
        {
            start.SignalAndWait(s_wait);
            for (int i = 0; i < Rounds; i++)
            {
                if (i % 5 == 4)
                {
                    _registry.Unpatch(port);
                }
                else
                {
                    Assert.True(_registry.TryPatch(port, universe + (i % 3), out string? error), error);
                }
            }
        });

        Task a = Patcher(_device.Out0, 10);
        Task b = Patcher(_device.Out0, 20);
        Task c = Patcher(_device.In0, 30);
        await Task.WhenAll(a, b, c).WaitAsync(TimeSpan.FromSeconds(60));

        ConfFile saved = ReadPortConf();
        Assert.Equal(_device.Out0.Universe?.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), saved.Get(_device.Out0.Id));
        Assert.Equal(_device.In0.Universe?.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), saved.Get(_device.In0.Id));

        // Hooks ran in the order decided: the last one the port heard is its final state.
        Assert.Equal(_device.Out0.Universe?.Id, _device.Out0.HookUniverse);
        string last = _device.In0.Calls[^1];
        if (_device.In0.Universe is { } u)
        {
            Assert.Equal("+" + u.Id, last);
        }
        else
        {
            Assert.StartsWith("-", last);
        }

        Assert.Equal(_device.Out0.Universe is null ? 0 : 1, _clock.Count);
    }

    [Fact]
    public void TryPatch_HookThrows_LaterPatchesStillRun()
    {
        _device.In0.OnPatchedHook = _ => throw new InvalidOperationException("hook failed");

        Assert.True(_registry.TryPatch(_device.In0, 5, out _));
        Assert.True(_registry.TryPatch(_device.Out0, 6, out _));

        Assert.Equal(5, _device.In0.Universe?.Id);
        Assert.Equal(6, _device.Out0.HookUniverse);
        Assert.Equal(1, _clock.Count);
        Assert.Equal("6", ReadPortConf().Get(_device.Out0.Id));
    }
}
