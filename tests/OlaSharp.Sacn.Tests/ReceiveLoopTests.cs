// Licensed under the MIT License. See LICENSE in the repository root.
using System.Net;
using System.Net.Sockets;
using OlaSharp.Core;
using OlaSharp.Sacn.Internal;
using OlaSharp.Sacn.Packets;

namespace OlaSharp.Sacn.Tests;

/// <summary>
/// The node's real receive loop on 127.0.0.1 (port 0): odd datagrams (empty, one byte, the largest UDP
/// payload) must neither stop the valid traffic behind them nor make the receive thread spin. Before the
/// fix one empty datagram stopped E1.31 input for good at ~85 % of a core (it leaves FIONREAD at 0 while
/// poll keeps saying readable, and the loop read only while Available > 0).
/// </summary>
public sealed class ReceiveLoopTests : IDisposable
{
    private static readonly UInt128 s_console = new(0xC0, 1);
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(10);
    private readonly SacnTestHarness _h = new(start: true);
    private readonly Socket _sender = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly IPEndPoint _node;

    public ReceiveLoopTests()
    {
        _sender.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _node = new IPEndPoint(IPAddress.Loopback, _h.Node.LocalEndPoint!.Port);
    }

    public void Dispose()
    {
        _sender.Dispose();
        _h.Dispose();
    }

    private void SendData(byte sequence, params byte[] slots)
    {
        var buffer = new byte[SacnDataPacket.MaxLength];
        int n = SacnDataPacket.Write(buffer, s_console, "console"u8, 100, 0, sequence, SacnFramingOptions.None, 1, 0, slots);
        _sender.SendTo(buffer.AsSpan(0, n), SocketFlags.None, _node);
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

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(65507)] // the largest IPv4 UDP payload, far past the 638-byte E1.31 maximum
    public async Task OddDatagram_ThenValidTraffic_AllArrivesAndIsCounted(int size)
    {
        Universe u = _h.PatchInput(0, 1);
        _sender.SendTo(new byte[size], SocketFlags.None, _node);
        for (int i = 1; i <= 40; i++)
        {
            SendData((byte)i, (byte)i, 22, 33);
        }

        Assert.True(await WaitAsync(() => _h.Node.Counters.Read(SacnCounters.DataReceived) == 40), $"data received: {_h.Node.Counters.Read(SacnCounters.DataReceived)} of 40");
        Assert.True(await WaitAsync(() => u.GetMergedCopy() is [40, 22, 33]), "universe 1 did not get the last packet");
        Assert.Equal(41, _h.Node.Counters.Read(SacnCounters.Received));
        Assert.Equal(1, _h.Node.Counters.Read(SacnCounters.Malformed));
    }

    [Fact]
    public async Task EmptyDatagrams_ReceiveThreadDoesNotSpin()
    {
        Universe u = _h.PatchInput(0, 1);
        for (int i = 0; i < 3; i++)
        {
            _sender.SendTo(ReadOnlySpan<byte>.Empty, SocketFlags.None, _node);
        }

        // Over one second the loop wakes for its 50 ms housekeeping (~20 times) and for each datagram; a
        // spinning loop (poll readable, nothing read) wakes millions of times.
        await Task.Delay(100);
        long before = _h.Node.ReceiveWakeups;
        await Task.Delay(1000);
        long wakeups = _h.Node.ReceiveWakeups - before;
        Assert.True(wakeups < 200, $"receive loop woke {wakeups} times in 1 s");

        SendData(1, 7);
        Assert.True(await WaitAsync(() => u.GetMergedCopy() is [7]), "valid data after the empty datagrams did not arrive");
        Assert.Equal(3, _h.Node.Counters.Read(SacnCounters.Malformed));
    }
}
