// Licensed under the MIT License. See LICENSE in the repository root.
using OlaSharp.Core;
using OlaSharp.Core.Clock;
using OlaSharp.Core.Conf;
using OlaSharp.Core.Plugins;
using OlaSharp.Core.Standby;

namespace OlaSharp.Uart.Tests;

/// <summary>
/// The UART plugin on a real pseudo-terminal with the server's output gate driven directly (as the standby
/// controller drives <see cref="PluginContext.Outputs"/>): closed, the line goes quiet and the health says it is
/// released by standby; opened, the first frame on the line is the current merged frame.
/// </summary>
public sealed class StandbyPtyTests : IDisposable
{
    private readonly ListLogger _logger = new();
    private readonly string _dir = Directory.CreateTempSubdirectory("olas-uart-standby-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    [Fact]
    public async Task Pty_GateClosed_LineQuietAndHealthSaysReleased_GateOpened_FirstFrameIsTheCurrentLook()
    {
        using var pty = new PtyPair();
        File.WriteAllText(Path.Combine(_dir, "ola-uartdmx.conf"), $"{pty.SlavePath}-malf = 1000\ndevice = {pty.SlavePath}\nenabled = true\n");
        var gate = new OutputGate();
        var conf = new ConfStore(_dir);
        var universes = new UniverseRegistry();
        using var clock = new RefreshScheduler();
        var devices = new DeviceRegistry(universes, clock, conf);
        var plugin = new UartDmxPlugin();
        var plugins = new PluginManager([plugin], new PluginContext(universes, clock, conf, devices, _logger) { Outputs = gate });
        await plugins.StartAllAsync();
        try
        {
            Port port = devices.FindPort($"20-{pty.SlavePath}-O-0") ?? throw new InvalidOperationException("no port");
            Assert.True(devices.TryPatch(port, 1, out string? error), error);
            Universe u = universes.GetOrCreate(1);
            DmxSource source = u.AddSource("test", "test", TimeSpan.FromSeconds(30));
            Assert.True(u.Update(source, [1, 2, 3, 4, 5, 6, 7, 8]));
            Assert.True(pty.Read(9 * 20, TimeSpan.FromSeconds(10)).Length >= 9 * 20, "no frames before standby");

            // Standby: after the frame in progress, nothing. Whatever was in flight is read away first.
            gate.Set(false);
            UartLineWriter writer = Assert.Single(plugin.Devices).Writer;
            Assert.True(SpinWait.SpinUntil(() => writer.IsReleased, TimeSpan.FromSeconds(10)));
            pty.Drain(TimeSpan.FromMilliseconds(100));
            long framesAtRelease = writer.FramesSent;
            Assert.Equal(0, pty.Drain(TimeSpan.FromMilliseconds(500)));
            Assert.Equal(framesAtRelease, writer.FramesSent);
            var health = new List<DeviceHealth>();
            plugin.CollectHealth(health);
            DeviceHealth h = Assert.Single(health);
            Assert.Equal(DeviceHealthState.Open, h.State);
            Assert.Equal($"Standby: partner active, outputs silent, UART line {pty.SlavePath} released (no driver-enable pin configured: the line idles at mark, nothing is written).", h.Problem);

            // The look moves on while this server is standby; the first frame after take-over is it, not black.
            Assert.True(u.Update(source, [9, 9, 9, 9, 9, 9, 9, 9]));
            gate.Set(true);
            byte[] first = pty.Read(9, TimeSpan.FromSeconds(10));
            Assert.Equal(new byte[] { 0, 9, 9, 9, 9, 9, 9, 9, 9 }, first);
            Assert.True(writer.FramesSent > framesAtRelease);
            health.Clear();
            plugin.CollectHealth(health);
            Assert.Equal(string.Empty, Assert.Single(health).Problem);
        }
        finally
        {
            await plugins.StopAllAsync();
        }
    }
}
