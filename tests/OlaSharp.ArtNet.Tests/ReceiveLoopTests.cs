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

/// <summary>
/// The node's real receive loop on 127.0.0.1 (port 0): odd datagrams (empty, one byte, the largest UDP
/// payload) must neither stop the valid traffic behind them nor make the receive thread spin (issue 13:
/// one empty datagram stopped the sACN loop for good; the Art-Net loop is checked the same way).
/// </summary>
public sealed class ReceiveLoopTests : IDisposable
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(10);
    private readonly string _dir = Directory.CreateTempSubdirectory("olas-artnet-rx-").FullName;
    private readonly Socket _peer = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly UniverseRegistry _universes = new();
    private readonly RefreshScheduler _clock = new();
    private readonly DeviceRegistry _devices;
    private readonly ArtNetNode _node;
    private readonly ArtNetDevice _device;
    private readonly IPEndPoint _nodeEndPoint;

    public ReceiveLoopTests()
    {
        _peer.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _devices = new DeviceRegistry(_universes, _clock, new ConfStore(_dir));
        var options = new ArtNetOptions
        {
            BindAddress = IPAddress.Loopback,
            BroadcastAddress = IPAddress.Loopback,
            Port = 0,
            RemotePort = ((IPEndPoint)_peer.LocalEndPoint!).Port,
            InputPorts = 1,
            OutputPorts = 0,
        };
        _node = new ArtNetNode(options, TimeProvider.System, NullLogger.Instance);
        _device = new ArtNetDevice(new ArtNetPlugin(), options, _node, TimeProvider.System.TimestampFrequency);
        _node.Start();
        _devices.Register(_device);
        _nodeEndPoint = new IPEndPoint(IPAddress.Loopback, _node.LocalEndPoint!.Port);
    }

    public void Dispose()
    {
        _clock.Dispose();
        _node.Dispose();
        _peer.Dispose();
        Directory.Delete(_dir, true);
    }

    private void SendDmx(byte sequence, params byte[] slots)
    {
        var buffer = new byte[600];
        int n = ArtDmxPacket.Write(buffer, sequence, 0, 1, slots);
        _peer.SendTo(buffer.AsSpan(0, n), SocketFlags.None, _nodeEndPoint);
    }

    private static async Task<bool> WaitAsync(Func<bool> condition)
    {
        DateTime deadline = DateTime.UtcNow + s_timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (condition())
            {
                return true;
            }

            await Task.Delay(20);
        }

        return condition();
    }

    // utime + stime (USER_HZ = 100 per second on Linux) of this process's threads whose name starts with prefix.
    private static long ThreadCpuTicks(string prefix) => ThreadCpuTicks(prefix, out _);

    private static long ThreadCpuTicks(string prefix, out int threads)
    {
        long ticks = 0;
        threads = 0;
        foreach (string task in Directory.GetDirectories("/proc/self/task"))
        {
            try
            {
                if (!File.ReadAllText(Path.Combine(task, "comm")).StartsWith(prefix, StringComparison.Ordinal))
                {
                    continue;
                }

                threads++;
                string stat = File.ReadAllText(Path.Combine(task, "stat"));
                string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                ticks += long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture);
            }
            catch (IOException)
            {
                // The thread ended meanwhile.
            }
        }

        return ticks;
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(65507)] // the largest IPv4 UDP payload, far past the 530-byte ArtDmx maximum
    public async Task OddDatagram_ThenValidTraffic_AllArrivesAndIsCounted(int size)
    {
        Assert.True(_devices.TryPatch(_device.Inputs[0], 1, out string? error), error);
        Universe u = _universes.GetOrCreate(1);
        _peer.SendTo(new byte[size], SocketFlags.None, _nodeEndPoint);
        for (int i = 1; i <= 40; i++)
        {
            SendDmx((byte)i, (byte)i, 22, 33);
        }

        Assert.True(await WaitAsync(() => _node.Counters.Read(ArtNetCounters.DmxReceived) == 40), $"ArtDmx received: {_node.Counters.Read(ArtNetCounters.DmxReceived)} of 40");
        Assert.True(await WaitAsync(() => u.GetMergedCopy() is [40, 22, 33, ..]), "universe 1 did not get the last packet");
        Assert.Equal(1, _node.Counters.Read(ArtNetCounters.Malformed));
    }

    [Fact]
    public async Task EmptyDatagrams_ReceiveThreadDoesNotSpin()
    {
        Assert.True(_devices.TryPatch(_device.Inputs[0], 1, out string? error), error);
        Universe u = _universes.GetOrCreate(1);
        for (int i = 0; i < 3; i++)
        {
            _peer.SendTo(ReadOnlySpan<byte>.Empty, SocketFlags.None, _nodeEndPoint);
        }

        // CPU of the process's Art-Net receive threads over one second (from /proc, so nothing in the node
        // changes for the test; other nodes' idle threads add next to nothing). A loop spinning on a readable
        // socket it never drains uses a whole core (the sACN loop did: ~85 %).
        await Task.Delay(100);
        long before = ThreadCpuTicks("artnet-rx", out int threads);
        Assert.True(threads > 0, "no artnet-rx thread found in /proc/self/task");
        await Task.Delay(1000);
        long ticks = ThreadCpuTicks("artnet-rx") - before;
        Assert.True(ticks < 30, $"Art-Net receive threads used {ticks} % of a core over 1 s");

        SendDmx(1, 7);
        Assert.True(await WaitAsync(() => u.GetMergedCopy() is [7, ..]), "valid data after the empty datagrams did not arrive");
        Assert.Equal(3, _node.Counters.Read(ArtNetCounters.Malformed));
    }
}
