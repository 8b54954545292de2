// Licensed under the MIT License. See LICENSE in the repository root.
using Microsoft.Extensions.Time.Testing;
using OlaSharp.Core;
using OlaSharp.Core.Clock;
using OlaSharp.Core.Conf;
using OlaSharp.Core.Plugins;

namespace OlaSharp.Uart.Tests;

/// <summary>
/// Issue 17 (ola#1313): a UART port patched from ola-port.conf at start puts the universe's startup scene on
/// the line from its first frame, before any source sends (fake line; the server's build order: settings
/// store, patch board, plugins).
/// </summary>
public sealed class StartupSceneLineTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("olas-uartscene-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    [Fact]
    public async Task PatchedAtStart_FirstFrameOnTheLineIsTheStartupScene()
    {
        File.WriteAllText(Path.Combine(_dir, "ola-uartdmx.conf"), "device = /dev/ttyAMA0\nenabled = true\n");
        File.WriteAllText(Path.Combine(_dir, "ola-port.conf"), "20-/dev/ttyAMA0-O-0 = 1\n");
        File.WriteAllText(Path.Combine(_dir, "ola-universe.conf"), "uni_1_scene_boot = 10,20,30\nuni_1_startup_scene = boot\n");
        var time = new FakeTimeProvider();
        var conf = new ConfStore(_dir);
        var universes = new UniverseRegistry(time);
        using var settings = new UniverseSettingsStore(universes, conf);
        using var clock = new RefreshScheduler(time);
        var devices = new DeviceRegistry(universes, clock, conf);
        var log = new EventLog();
        var plugin = new UartDmxPlugin(new FakeLineFactory(log, new FakeLineClock()), null, new FakeLineClock());
        var plugins = new PluginManager([plugin], new PluginContext(universes, clock, conf, devices, new ListLogger(), time));
        await plugins.StartAllAsync();
        try
        {
            Assert.True(
                SpinWait.SpinUntil(() => log.Snapshot().Any(e => e.Op == "write"), TimeSpan.FromSeconds(10)),
                "no frame written to the line");
            LineEvent first = log.Snapshot().First(e => e.Op == "write");
            Assert.Equal(new byte[] { 0, 10, 20, 30 }, first.Data);
        }
        finally
        {
            await plugins.StopAllAsync();
        }
    }
}
