// Licensed under the MIT License. See LICENSE in the repository root.
using System.Diagnostics;
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

/// <summary>The node on 127.0.0.1 (port 0) against a test UDP socket on 127.0.0.1; nothing leaves loopback.</summary>
public sealed class LoopbackNodeTests : IDisposable
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(10);
    private readonly string _dir = Directory.CreateTempSubdirectory("olas-artnet-").FullName;
    private readonly Socket _peer = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly UniverseRegistry _universes = new();
    private readonly RefreshScheduler _clock = new();
    private readonly DeviceRegistry _devices;
    private readonly ArtNetNode _node;
    private readonly ArtNetDevice _device;
    private readonly IPEndPoint _nodeEndPoint;

    public LoopbackNodeTests()
    {
        _peer.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _peer.ReceiveTimeout = 200;
        _devices = new DeviceRegistry(_universes, _clock, new ConfStore(_dir));
        var options = new ArtNetOptions
        {
            BindAddress = IPAddress.Loopback,
            BroadcastAddress = IPAddress.Loopback,
            Port = 0,
            RemotePort = ((IPEndPoint)_peer.LocalEndPoint!).Port,
            InputPorts = 6,
            OutputPorts = 6,
            PollInterval = TimeSpan.FromMilliseconds(300),
            NodeTimeout = TimeSpan.FromSeconds(3),
        };
        _node = new ArtNetNode(options, TimeProvider.System, NullLogger.Instance);
        _device = new ArtNetDevice(new ArtNetPlugin(), options, _node, TimeProvider.System.TimestampFrequency);
        _node.Start();
        _devices.Register(_device);
        _nodeEndPoint = new IPEndPoint(IPAddress.Loopback, _node.LocalEndPoint!.Port);
        _clock.Start();
    }

    public void Dispose()
    {
        _clock.Dispose();
        _node.Dispose();
        _peer.Dispose();
        Directory.Delete(_dir, true);
    }

    private void SendDmx(int portAddress, byte sequence, params byte[] slots)
    {
        var buffer = new byte[600];
        int n = ArtDmxPacket.Write(buffer, sequence, 0, portAddress, slots);
        _peer.SendTo(buffer.AsSpan(0, n), SocketFlags.None, _nodeEndPoint);
    }

    private static async Task<bool> WaitAsync(Func<bool> condition)
    {
        var elapsed = Stopwatch.StartNew();
        while (elapsed.Elapsed < s_timeout)
        {
            if (condition())
            {
                return true;
            }

            await Task.Delay(20);
        }

        return condition();
    }

    /// <summary>Receives until <paramref name="match"/> accepts a datagram or the timeout passes.</summary>
    private byte[]? ReceiveUntil(Func<byte[], bool> match, TimeSpan? timeout = null)
    {
        var buffer = new byte[1024];
        // Durations on the monotonic clock: the wall clock can be stepped under a running test (CI saw a 2 s
        // test find "4 s" between two packets).
        var elapsed = Stopwatch.StartNew();
        while (elapsed.Elapsed < (timeout ?? s_timeout))
        {
            try
            {
                int n = _peer.Receive(buffer);
                byte[] packet = buffer[..n];
                if (match(packet))
                {
                    return packet;
                }
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.TimedOut)
            {
            }
        }

        return null;
    }

    private static bool Is(byte[] packet, ArtOpCode op) => ArtNetHeader.TryReadOpCode(packet, out ArtOpCode o) && o == op;

    [Fact]
    public async Task ArtDmxIn_PatchedInputPort_UniverseGetsData()
    {
        Assert.True(_devices.TryPatch(_device.Inputs[0], 3, out string? error), error);
        Universe universe = _universes.GetOrCreate(3);

        SendDmx(0x003, 1, 10, 20, 30);
        Assert.True(await WaitAsync(() => universe.GetMergedCopy().Length >= 3), "no data in universe 3");
        Assert.Equal(new byte[] { 10, 20, 30, 0 }, universe.GetMergedCopy());

        // A late packet is dropped; a newer one is taken.
        SendDmx(0x003, 1, 99, 99);
        SendDmx(0x003, 2, 5, 6);
        Assert.True(await WaitAsync(() => universe.GetMergedCopy()[0] == 5));
        Assert.Equal(1, _node.Counters.Read(ArtNetCounters.DmxLate));
    }

    [Fact]
    public async Task ArtDmxIn_OtherPortAddress_Ignored()
    {
        Assert.True(_devices.TryPatch(_device.Inputs[1], 4, out string? error), error);
        Universe universe = _universes.GetOrCreate(4);
        SendDmx(0x005, 0, 1, 2);
        SendDmx(0x004, 0, 7, 8);
        Assert.True(await WaitAsync(() => universe.GetMergedCopy().Length == 2));
        Assert.Equal(new byte[] { 7, 8 }, universe.GetMergedCopy());
    }

    [Fact]
    public async Task ArtSyncIn_HoldsDataUntilSync()
    {
        Assert.True(_devices.TryPatch(_device.Inputs[0], 1, out string? error), error);
        Universe universe = _universes.GetOrCreate(1);
        var sync = new byte[14];
        ArtSyncPacket.Write(sync);

        SendDmx(0x001, 0, 1, 1);
        Assert.True(await WaitAsync(() => universe.GetMergedCopy().Length == 2));
        _peer.SendTo(sync, _nodeEndPoint); // now synchronous
        Assert.True(await WaitAsync(() => _node.Counters.Read(ArtNetCounters.SyncReceived) == 1));
        SendDmx(0x001, 0, 9, 9);
        Assert.True(await WaitAsync(() => _node.Counters.Read(ArtNetCounters.DmxReceived) == 2));
        await Task.Delay(100);
        Assert.Equal(new byte[] { 1, 1 }, universe.GetMergedCopy()); // held
        _peer.SendTo(sync, _nodeEndPoint);
        Assert.True(await WaitAsync(() => universe.GetMergedCopy()[0] == 9), "ArtSync did not release the held frame");
    }

    [Fact]
    public void ArtPoll_AnsweredWithOneReplyPerPort()
    {
        Assert.True(_devices.TryPatch(_device.Inputs[2], 7, out string? error), error);
        var poll = new byte[14];
        ArtPollPacket.Write(poll);
        _peer.SendTo(poll, _nodeEndPoint);

        var binds = new HashSet<int>();
        byte[]? input = ReceiveUntil(p =>
        {
            if (ArtPollReplyPacket.TryParse(p, out ArtPollReplyPacket r))
            {
                binds.Add(r.BindIndex);
                return r.BindIndex == 3 && r.PortTypes[0] == ArtPollReplyPacket.PortTypeOutput;
            }

            return false;
        });
        Assert.NotNull(input);
        Assert.True(ArtPollReplyPacket.TryParse(input, out ArtPollReplyPacket reply));
        Assert.Equal(0x007, reply.OutputPortAddress(0));
        Assert.Equal(1, reply.NumPorts);
        Assert.Equal(0x80, reply.GoodOutputA[0] & 0x80);
        Assert.Equal(0x08, reply.Status2 & 0x08);
        ReceiveUntil(p => ArtPollReplyPacket.TryParse(p, out ArtPollReplyPacket r) && binds.Add(r.BindIndex) && binds.Count == 12);
        Assert.Equal(Enumerable.Range(1, 12).ToHashSet(), binds);
    }

    [Fact]
    public void ArtPoll_Targeted_OnlyPortsInRangeReply()
    {
        Assert.True(_devices.TryPatch(_device.Inputs[0], 3, out string? e1), e1);
        Assert.True(_devices.TryPatch(_device.Outputs[5], 9, out string? e2), e2);
        Assert.True(_devices.TryPatch(_device.Outputs[4], 10, out string? e3), e3);
        Thread.Sleep(300); // let the unsolicited replies for the patches go out first
        while (true)
        {
            try
            {
                _peer.Receive(new byte[1024]);
            }
            catch (SocketException)
            {
                break;
            }
        }

        // Targeted mode (Flags bit 5), range 0:0:8 .. 0:0:9 (big-endian top, then bottom).
        byte[] poll = [.. "Art-Net\0"u8, 0x00, 0x20, 0x00, 0x0e, 0x20, 0x00, 0x00, 0x09, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00];
        _peer.SendTo(poll, _nodeEndPoint);
        var binds = new List<int>();
        ReceiveUntil(p =>
        {
            if (ArtPollReplyPacket.TryParse(p, out ArtPollReplyPacket r))
            {
                binds.Add(r.BindIndex);
            }

            return false;
        }, TimeSpan.FromSeconds(1));
        Assert.Equal([12], binds.Distinct());
    }

    [Fact]
    public void ArtDmxOut_AfterSubscriberReply_UnicastWithSequence()
    {
        Assert.True(_devices.TryPatch(_device.Outputs[0], 2, out string? error), error);
        Universe universe = _universes.GetOrCreate(2);
        DmxSource source = universe.AddSource("test", "test", Timeout.InfiniteTimeSpan);
        universe.Update(source, [1, 2, 3]);

        // The node polls once an output is patched; we answer as a node with an output port on 0:0:2.
        Assert.NotNull(ReceiveUntil(p => Is(p, ArtOpCode.Poll)));
        var fields = new ArtPollReplyFields { Ip = IPAddress.Loopback, NumPorts = 1, BindIndex = 1 };
        fields.PortTypes[0] = ArtPollReplyPacket.PortTypeOutput;
        fields.SwOut[0] = 0x02;
        var reply = new byte[239];
        ArtPollReplyPacket.Write(reply, fields);
        _peer.SendTo(reply, _nodeEndPoint);

        byte[]? first = ReceiveUntil(p => ArtDmxPacket.TryParse(p, out ArtDmxPacket d) && d.PortAddress == 2);
        Assert.NotNull(first);
        Assert.True(ArtDmxPacket.TryParse(first, out ArtDmxPacket dmx));
        Assert.Equal(new byte[] { 1, 2, 3, 0 }, dmx.Data.ToArray());
        Assert.InRange(dmx.Sequence, 1, 255);
        byte seq = dmx.Sequence;

        universe.Update(source, [4, 5]);
        byte[]? second = ReceiveUntil(p => ArtDmxPacket.TryParse(p, out ArtDmxPacket d) && d.PortAddress == 2 && d.Data[0] == 4);
        Assert.NotNull(second);
        Assert.True(ArtDmxPacket.TryParse(second, out ArtDmxPacket dmx2));
        Assert.NotEqual(seq, dmx2.Sequence);
    }

    [Fact]
    public void ArtDmxOut_StaticData_KeepAliveWithin4s()
    {
        Assert.True(_devices.TryPatch(_device.Outputs[1], 5, out string? error), error);
        Universe universe = _universes.GetOrCreate(5);
        DmxSource source = universe.AddSource("test", "test", Timeout.InfiniteTimeSpan);
        universe.Update(source, [42, 42]);
        Assert.NotNull(ReceiveUntil(p => Is(p, ArtOpCode.Poll)));
        var fields = new ArtPollReplyFields { Ip = IPAddress.Loopback, NumPorts = 1, BindIndex = 1 };
        fields.PortTypes[0] = ArtPollReplyPacket.PortTypeOutput;
        fields.SwOut[0] = 0x05;
        var reply = new byte[239];
        ArtPollReplyPacket.Write(reply, fields);
        _peer.SendTo(reply, _nodeEndPoint);

        Assert.NotNull(ReceiveUntil(p => ArtDmxPacket.TryParse(p, out ArtDmxPacket d) && d.PortAddress == 5));
        var started = Stopwatch.StartNew();
        Assert.NotNull(ReceiveUntil(p => ArtDmxPacket.TryParse(p, out ArtDmxPacket d) && d.PortAddress == 5));
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(4), $"no keep-alive within 4 s ({started.Elapsed.TotalMilliseconds:F0} ms)");
    }

    [Fact]
    public void Patch_SendsUnsolicitedReplyWithNewAddress()
    {
        Assert.True(_devices.TryPatch(_device.Inputs[4], 12, out string? error), error);
        byte[]? reply = ReceiveUntil(p => ArtPollReplyPacket.TryParse(p, out ArtPollReplyPacket r) && r.BindIndex == 5 && r.OutputPortAddress(0) == 12);
        Assert.NotNull(reply);
        Assert.True(ArtPollReplyPacket.TryParse(reply, out ArtPollReplyPacket parsed));
        Assert.Equal(12, parsed.OutputPortAddress(0));
    }

    [Fact]
    public async Task ArtDmxOut_SubscriberSilent_ForgottenAfterNodeTimeout()
    {
        Assert.True(_devices.TryPatch(_device.Outputs[3], 6, out string? error), error);
        Universe universe = _universes.GetOrCreate(6);
        DmxSource source = universe.AddSource("test", "test", Timeout.InfiniteTimeSpan);
        universe.Update(source, [6, 6]);
        var fields = new ArtPollReplyFields { Ip = IPAddress.Loopback, NumPorts = 1, BindIndex = 1 };
        fields.PortTypes[0] = ArtPollReplyPacket.PortTypeOutput;
        fields.SwOut[0] = 0x06;
        var reply = new byte[239];
        ArtPollReplyPacket.Write(reply, fields);
        _peer.SendTo(reply, _nodeEndPoint);
        Assert.NotNull(ReceiveUntil(p => ArtDmxPacket.TryParse(p, out ArtDmxPacket d) && d.PortAddress == 6));

        // We never answer the node's later polls: after 3 s (+1 s scan) it stops sending to us.
        await Task.Delay(TimeSpan.FromSeconds(4.5));
        long sent = _node.Counters.Read(ArtNetCounters.DmxSent);
        universe.Update(source, [7, 7]);
        await Task.Delay(500);
        Assert.Equal(sent, _node.Counters.Read(ArtNetCounters.DmxSent));
    }

    [Fact]
    public void ArtDmxOut_NoSubscriber_NothingSent()
    {
        Assert.True(_devices.TryPatch(_device.Outputs[2], 9, out string? error), error);
        Universe universe = _universes.GetOrCreate(9);
        DmxSource source = universe.AddSource("test", "test", Timeout.InfiniteTimeSpan);
        universe.Update(source, [1, 1]);
        Thread.Sleep(500);
        Assert.Equal(0, _node.Counters.Read(ArtNetCounters.DmxSent));
        Assert.True(_node.Counters.Read(ArtNetCounters.DmxSuppressed) > 0);
    }

    [Fact]
    public void Handle_Garbage_CountedNeverThrows()
    {
        var random = new Random(7);
        var from = new IPEndPoint(IPAddress.Loopback, 9).Serialize();
        var buffer = new byte[600];
        for (int i = 0; i < 20_000; i++)
        {
            Span<byte> p = buffer.AsSpan(0, random.Next(buffer.Length));
            random.NextBytes(p);
            if (p.Length >= 12)
            {
                ArtNetHeader.Write(p, (ArtOpCode)(new ushort[] { 0x5000, 0x2100, 0x5200, 0x6000, 0xf800 })[i % 5], withVersion: i % 3 != 0);
            }

            _node.Handle(p, from);
        }

        Assert.True(_node.Counters.Read(ArtNetCounters.Malformed) > 0);
    }
}
