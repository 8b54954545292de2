// Licensed under the MIT License. See LICENSE in the repository root.
using System.Net;
using Microsoft.Extensions.Time.Testing;
using OlaSharp.ArtNet.Internal;
using OlaSharp.ArtNet.Packets;
using OlaSharp.Core;
using OlaSharp.Core.Clock;
using OlaSharp.Core.Conf;
using OlaSharp.Core.Plugins;
using OlaSharp.Tests.Shared;

namespace OlaSharp.ArtNet.Tests;

/// <summary>
/// Issue 16 item 2: the input port's merger is the one owner of an Art-Net sender's expiry (10 s). The universe
/// source it feeds has no timer of its own: one sender leaving re-merges at once, the last one leaving takes the
/// port's source out of the universe. Packets go through <see cref="ArtNetNode.Handle"/>, expiry through the port's
/// <see cref="ArtNetInputPort.Expire"/> (what the node's housekeeping calls every 50 ms); no socket, nothing is sent.
/// Also the port's other receive-path duties: the universe is updated outside the port's lock, and the node finds
/// a Port-Address's ports by index among thousands.
/// </summary>
public sealed partial class SenderExpiryTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("olas-artnet-expiry-").FullName;
    private readonly UniverseRegistry _universes;
    private readonly RefreshScheduler _clock = new();
    private readonly DeviceRegistry _devices;
    private readonly FakeTimeProvider _time = new();

    public SenderExpiryTests()
    {
        _universes = new UniverseRegistry(_time);
        _devices = new DeviceRegistry(_universes, _clock, new ConfStore(_dir));
    }

    public void Dispose()
    {
        _clock.Dispose();
        Directory.Delete(_dir, true);
    }

    private static byte[] Dmx(int portAddress, byte sequence, params byte[] slots)
    {
        var buffer = new byte[ArtDmxPacket.HeaderLength + ArtDmxPacket.MaxSlots];
        int n = ArtDmxPacket.Write(buffer, sequence, 0, portAddress, slots);
        return buffer[..n];
    }

    private static SocketAddress From(string ip) => new IPEndPoint(IPAddress.Parse(ip), 6454).Serialize();

    // A registered device on the fake clock; its node is never started (packets go to Handle).
    private (ArtNetNode Node, ArtNetDevice Device) NewDevice(ArtNetOptions options)
    {
        var node = new ArtNetNode(options, _time, new ListLogger());
        var device = new ArtNetDevice(new ArtNetPlugin(), options, node, _time.TimestampFrequency);
        _devices.Register(device);
        return (node, device);
    }

    [Fact]
    public void Housekeeping_SendersSilent10s_PortExpiresThemAndUniverseHasNoSecondTimer()
    {
        (ArtNetNode node, ArtNetDevice device) = NewDevice(new ArtNetOptions());
        Assert.True(_devices.TryPatch(device.Inputs[0], 1, out string? error), error);
        var port = (ArtNetInputPort)device.Inputs[0];
        Universe u = _universes.GetOrCreate(1);
        u.MergeMode = MergeMode.Htp;

        node.Handle(Dmx(0x001, 1, 100, 0), From("198.18.0.2"));
        node.Handle(Dmx(0x001, 1, 0, 200), From("198.18.0.3"));
        Assert.Equal(new byte[] { 100, 200 }, u.GetMergedCopy());
        Assert.Single(u.GetSources()); // the port merges its two senders into one universe source

        _time.Advance(TimeSpan.FromSeconds(5));
        node.Handle(Dmx(0x001, 2, 100, 0), From("198.18.0.2"));
        _time.Advance(TimeSpan.FromSeconds(4.9));
        port.Expire(_time.GetTimestamp());
        Assert.Equal(new byte[] { 100, 200 }, u.GetMergedCopy());

        // 10 s after its last packet the second sender goes and the frame is re-merged at once.
        _time.Advance(TimeSpan.FromSeconds(0.2));
        port.Expire(_time.GetTimestamp());
        Assert.Equal(new byte[] { 100, 0 }, u.GetMergedCopy());
        Assert.False(port.IsMerging);

        // The universe never times the port's source out itself, however long the port keeps it.
        Assert.Equal(0, u.ExpireSources(_time.GetTimestamp() + (60 * _time.TimestampFrequency)));
        Assert.True(Assert.Single(u.GetSources()).IsActive);

        // 10 s after the first sender's last packet the port's source leaves the universe.
        _time.Advance(TimeSpan.FromSeconds(4.7)); // 9.9 s after its last packet
        port.Expire(_time.GetTimestamp());
        Assert.Single(u.GetSources());
        _time.Advance(TimeSpan.FromSeconds(0.2));
        port.Expire(_time.GetTimestamp());
        Assert.Empty(u.GetSources());

        // A sender coming back feeds the universe again.
        node.Handle(Dmx(0x001, 3, 7, 8), From("198.18.0.2"));
        Assert.Equal(new byte[] { 7, 8 }, u.GetMergedCopy());
        Assert.True(Assert.Single(u.GetSources()).IsActive);
    }

    [Fact]
    public void Receive_UpdatedHandlerTakesLockHeldByThreadAskingThePort_NoDeadlock()
    {
        (ArtNetNode node, ArtNetDevice device) = NewDevice(new ArtNetOptions());
        Assert.True(_devices.TryPatch(device.Inputs[0], 1, out string? error), error);
        Universe u = _universes.GetOrCreate(1);

        Assert.True(
            UpdatedHandlerProbe.HandlerGetsLockHeldByPortCaller(u, () => node.Handle(Dmx(0x001, 1, 1, 2, 3), From("198.18.0.2")), () => _ = device.Inputs[0].IsMerging),
            "the Updated handler ran under the port's lock");
        Assert.Equal(new byte[] { 1, 2, 3, 0 }, u.GetMergedCopy());
    }

    [Fact]
    public void Receive_ManyPortsPatched_PacketReachesItsPortAddressOnly()
    {
        // 4,096 inputs with the direct mapping (universe n = Port-Address n), every 16th patched.
        (ArtNetNode node, ArtNetDevice device) = NewDevice(new ArtNetOptions { InputPorts = 4096, Mapping = UniverseMapping.Direct });
        for (int i = 0; i < 4096; i += 16)
        {
            Assert.True(_devices.TryPatch(device.Inputs[i], i + 1, out string? error), error);
        }

        node.Handle(Dmx(4001, 1, 7, 8), From("198.18.0.2"));
        Assert.Equal(new byte[] { 7, 8 }, _universes.GetOrCreate(4001).GetMergedCopy());
        Assert.Single(_universes.GetOrCreate(4001).GetSources());
        Assert.Equal(0, node.Counters.Read(ArtNetCounters.DmxNotPatched));

        // Moved to another universe: found at its new address, no longer at the old one.
        Assert.True(_devices.TryPatch(device.Inputs[4000], 5000, out string? again), again);
        node.Handle(Dmx(4001, 2, 9, 9), From("198.18.0.2"));
        Assert.Equal(1, node.Counters.Read(ArtNetCounters.DmxNotPatched));
        node.Handle(Dmx(5000, 3, 9, 9), From("198.18.0.2"));
        Assert.Equal(new byte[] { 9, 9 }, _universes.GetOrCreate(5000).GetMergedCopy());

        // Unpatched: not found.
        Assert.True(_devices.Unpatch(device.Inputs[4000]));
        node.Handle(Dmx(5000, 4, 9, 9), From("198.18.0.2"));
        Assert.Equal(2, node.Counters.Read(ArtNetCounters.DmxNotPatched));
    }
}
