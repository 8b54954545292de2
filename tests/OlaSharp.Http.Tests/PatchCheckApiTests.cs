// Licensed under the MIT License. See LICENSE in the repository root.
using Microsoft.Extensions.Logging.Abstractions;
using OlaSharp.Core;
using OlaSharp.Core.Clock;
using OlaSharp.Core.Conf;
using OlaSharp.Core.Plugins;
using OlaSharp.Core.Plugins.Dummy;
using OlaSharp.Core.Server;
using OlaSharp.Http.Internal;

namespace OlaSharp.Http.Tests;

/// <summary>
/// <c>/json/patch_check</c>'s reasons (issue 14 part 5): the web UI shows them where olad's API says only
/// "Failed to patch any ports" or "Update failed". Each reason matches a rule the patch board enforces, checked
/// here by trying the patch too.
/// </summary>
public sealed class PatchCheckApiTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("olas-patchcheck-").FullName;
    private readonly RefreshScheduler _clock = new();
    private readonly OlaHttpHost _host;
    private readonly DeviceRegistry _devices;
    private readonly TestDevice _device;

    public PatchCheckApiTests()
    {
        var universes = new UniverseRegistry();
        var conf = new ConfStore(_dir);
        _devices = new DeviceRegistry(universes, _clock, conf);
        var context = new PluginContext(universes, _clock, conf, _devices, NullLoggerFactory.Instance);
        var plugin = new TestPlugin();
        var manager = new PluginManager([plugin], context);
        _host = new OlaHttpHost
        {
            Core = new ServerCore(universes, _devices, manager, conf),
            ConfigDir = _dir,
            InstanceName = "test",
            StartedAt = DateTimeOffset.UnixEpoch,
            Quit = () => { },
        };
        _device = new TestDevice(plugin);
        _devices.Register(_device);
    }

    public void Dispose()
    {
        _clock.Dispose();
        Directory.Delete(_dir, true);
    }

    private string Id(Port p) => $"{_device.Alias}-{(p.IsOutput ? 'O' : 'I')}-{p.Index}";

    [Fact]
    public void Problem_EachPatchRule_NamedInWords_AndThePatchIsRefusedToo()
    {
        Assert.Equal(string.Empty, PatchCheckApi.Problem(_host, 7, Id(_device.In0)));
        Assert.True(_devices.TryPatch(_device.In0, 7, out _));
        Assert.Equal(string.Empty, PatchCheckApi.Problem(_host, 7, Id(_device.In0))); // already there: nothing to do

        // One port per universe per direction on this device.
        Assert.Equal(
            "Test Device input 1 cannot be patched to universe 7: input 0 of the same device already is, and this device patches one port per universe.",
            PatchCheckApi.Problem(_host, 7, Id(_device.In1)));
        Assert.False(_devices.TryPatch(_device.In1, 7, out _));

        // No looping a universe back to the device it came from.
        Assert.Equal(
            "Test Device output 0 cannot be patched to universe 7: its device's input 0 is patched to it, and this device cannot loop a universe back to itself.",
            PatchCheckApi.Problem(_host, 7, Id(_device.Out0)));
        Assert.False(_devices.TryPatch(_device.Out0, 7, out _));

        // The port's own rule, with its reason.
        Assert.Equal("Test Device input 1 cannot take universe 200: only universes 0-100 are mapped.", PatchCheckApi.Problem(_host, 200, Id(_device.In1)));
        Assert.False(_devices.TryPatch(_device.In1, 200, out _));

        Assert.Equal(string.Empty, PatchCheckApi.Problem(_host, 8, Id(_device.Out0)));
        Assert.True(_devices.TryPatch(_device.Out0, 8, out _));
    }

    [Fact]
    public void Problem_NoPortOrUnknownPort_SaysWhatToDo()
    {
        Assert.StartsWith("Choose a port to patch", PatchCheckApi.Problem(_host, 1, string.Empty), StringComparison.Ordinal);
        Assert.StartsWith("Port 99-O-0 does not exist", PatchCheckApi.Problem(_host, 1, "99-O-0"), StringComparison.Ordinal);
        Assert.StartsWith("Port nonsense does not exist", PatchCheckApi.Problem(_host, 1, "nonsense"), StringComparison.Ordinal);
    }

    private sealed class TestPlugin : Plugin
    {
        public override int Id => 98;

        public override string Name => "Test";

        public override string ConfPrefix => "test";

        protected override Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        protected override Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
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
        public override bool IsUniverseValid(int universeId, out string? reason)
        {
            reason = universeId > 100 ? "only universes 0-100 are mapped" : null;
            return reason is null;
        }
    }
}
