// Licensed under the MIT License. See LICENSE in the repository root.
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using OlaSharp.Core.Clock;
using OlaSharp.Core.Conf;
using OlaSharp.Core.Plugins;
using OlaSharp.Core.Tests.Conf;

namespace OlaSharp.Core.Tests.Plugins;

/// <summary>
/// Issue 17 (ola#1313): an output port patched from ola-port.conf at start emits the universe's startup scene
/// from the refresh clock's first tick, before any source, in the order the server builds itself
/// (settings store, clock, patch board, plugins).
/// </summary>
public sealed class StartupSceneOutputTests : IDisposable
{
    private readonly FakeTimeProvider _time = new();
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(RefreshMode.Change)]
    [InlineData(RefreshMode.Fixed)]
    public async Task PatchedAtStart_FirstEmitIsTheStartupScene(RefreshMode mode)
    {
        File.WriteAllText(_dir.File("ola-universe.conf"), "uni_4_scene_boot = 10,20,30\nuni_4_startup_scene = boot\n");
        File.WriteAllText(_dir.File("ola-port.conf"), "99-1-O-0 = 4\n");
        var conf = new ConfStore(_dir.Path);
        var universes = new UniverseRegistry(_time);
        using var settings = new UniverseSettingsStore(universes, conf);
        using var clock = new RefreshScheduler(_time);
        var devices = new DeviceRegistry(universes, clock, conf);
        var plugin = new RecordingPlugin(new RefreshPolicy(mode, 44));
        var plugins = new PluginManager([plugin], new PluginContext(universes, clock, conf, devices, NullLoggerFactory.Instance, _time));

        await plugins.StartAllAsync(CancellationToken.None);
        Assert.Equal(4, plugin.Output!.Universe?.Id);
        for (int i = 0; i < 3 && plugin.Output.Frames.Count == 0; i++)
        {
            long next = clock.RunDue(_time.GetTimestamp());
            if (next != long.MaxValue && next > _time.GetTimestamp())
            {
                _time.Advance(TimeSpan.FromSeconds((double)(next - _time.GetTimestamp()) / _time.TimestampFrequency));
            }
        }

        Assert.Equal([10, 20, 30], plugin.Output.Frames[0]);
        await plugins.StopAllAsync(CancellationToken.None);
    }

    private sealed class RecordingPlugin(RefreshPolicy policy) : Plugin
    {
        public override int Id => 99;

        public override string Name => "Recording";

        public override string ConfPrefix => "recording";

        public RecordingOutput? Output { get; private set; }

        protected internal override Task StartAsync(CancellationToken cancellationToken)
        {
            var device = new RecordingDevice(this, policy);
            Output = device.Output;
            Context.Devices.Register(device);
            return Task.CompletedTask;
        }

        protected internal override Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private sealed class RecordingDevice : Device
    {
        public RecordingDevice(Plugin owner, RefreshPolicy policy)
            : base(owner, "1", "Recording Device")
        {
            Output = new RecordingOutput(this) { Refresh = policy };
            AddOutputPort(Output);
        }

        public RecordingOutput Output { get; }
    }

    private sealed class RecordingOutput(Device d) : OutputPort(d, 0, "Recording output")
    {
        public List<byte[]> Frames { get; } = [];

        public override void Emit(DmxFrame frame, int priority, EmitReason reason) => Frames.Add(frame.Slots.ToArray());
    }
}
