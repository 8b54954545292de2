// Licensed under the MIT License. See LICENSE in the repository root.
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using OlaSharp.ArtNet.Internal;
using OlaSharp.ArtNet.Packets;
using OlaSharp.Core;
using OlaSharp.Core.Clock;
using OlaSharp.Core.Conf;
using OlaSharp.Core.Plugins;

namespace OlaSharp.ArtNet.Tests;

/// <summary><c>send_artsync</c>: fixed clock, an ArtSync follows each tick's ArtDmx. Loopback only.</summary>
public sealed class ArtSyncSendTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("olas-artsync-").FullName;
    private readonly Socket _peer = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly UniverseRegistry _universes = new();
    private readonly RefreshScheduler _clock = new();
    private readonly ArtNetNode _node;

    public ArtSyncSendTests()
    {
        _peer.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _peer.ReceiveTimeout = 200;
        var options = new ArtNetOptions
        {
            BindAddress = IPAddress.Loopback,
            BroadcastAddress = IPAddress.Loopback,
            Port = 0,
            RemotePort = ((IPEndPoint)_peer.LocalEndPoint!).Port,
            SendArtSync = true,
            AlwaysBroadcast = true,
            OutputHz = 10,
        };
        _node = new ArtNetNode(options, TimeProvider.System, NullLogger.Instance);
        Device = new ArtNetDevice(new ArtNetPlugin(), options, _node, TimeProvider.System.TimestampFrequency);
        _node.Start();
        Devices = new DeviceRegistry(_universes, _clock, new ConfStore(_dir));
        Devices.Register(Device);
        _clock.Start();
    }

    private ArtNetDevice Device { get; }

    private DeviceRegistry Devices { get; }

    public void Dispose()
    {
        _clock.Dispose();
        _node.Dispose();
        _peer.Dispose();
        Directory.Delete(_dir, true);
    }

    [Fact]
    public void SendArtSync_FixedClock_OneSyncAfterEachTicksArtDmxOfEveryPort()
    {
        Assert.Equal(RefreshMode.Fixed, Device.Outputs[0].Refresh.Mode);
        Assert.True(Devices.TryPatch(Device.Outputs[0], 1, out string? e1), e1);
        Assert.True(Devices.TryPatch(Device.Outputs[1], 2, out string? e2), e2);
        foreach (int id in new[] { 1, 2 })
        {
            Universe u = _universes.GetOrCreate(id);
            u.Update(u.AddSource("t", "t", Timeout.InfiniteTimeSpan), [(byte)id, 0]);
        }

        // Over about a second at 10 Hz: DMX for both ports, then the tick's ArtSync.
        var kinds = new List<string>();
        var buffer = new byte[1024];
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (DateTime.UtcNow < deadline && kinds.Count(k => k == "sync") < 5)
        {
            try
            {
                int n = _peer.Receive(buffer);
                ReadOnlySpan<byte> p = buffer.AsSpan(0, n);
                if (ArtSyncPacket.TryParse(p))
                {
                    kinds.Add("sync");
                }
                else if (ArtDmxPacket.TryParse(p, out ArtDmxPacket dmx))
                {
                    kinds.Add("dmx" + dmx.PortAddress);
                }
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.TimedOut)
            {
            }
        }

        // One ArtSync per tick, after both ports' ArtDmx of that tick (in whatever order the clock sent them).
        Assert.True(kinds.Count(k => k == "sync") >= 5, string.Join(",", kinds));
        int firstSync = kinds.IndexOf("sync");
        var sinceSync = new List<string>();
        foreach (string k in kinds.Skip(firstSync + 1))
        {
            if (k == "sync")
            {
                sinceSync.Sort(StringComparer.Ordinal);
                Assert.True(sinceSync.SequenceEqual(["dmx1", "dmx2"]), string.Join(",", kinds));
                sinceSync.Clear();
            }
            else
            {
                sinceSync.Add(k);
            }
        }
    }
}
