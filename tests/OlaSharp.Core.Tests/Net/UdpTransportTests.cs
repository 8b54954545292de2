// Licensed under the MIT License. See LICENSE in the repository root.
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using OlaSharp.Udp;

namespace OlaSharp.Core.Tests.Net;

/// <summary>
/// The shared UDP transport on 127.0.0.1 (port 0): one receive thread serves several sockets, an empty datagram
/// neither stops nor spins the drain, and the steady-state receive path allocates nothing.
/// </summary>
public sealed class UdpTransportTests : IDisposable
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(10);
    private readonly Handler _handler = new();
    private readonly Socket _sender = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly UdpTransport _transport;
    private readonly List<IPEndPoint> _endPoints = [];

    public UdpTransportTests()
    {
        _sender.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _transport = new UdpTransport(_handler, "udp-test-rx", 1024);
        for (int i = 0; i < 3; i++)
        {
            Socket socket = UdpSockets.Open(new UdpSocketOptions(new IPEndPoint(IPAddress.Loopback, 0)), out _);
            _endPoints.Add((IPEndPoint)socket.LocalEndPoint!);
            _transport.Add(socket);
        }

        _transport.Start();
    }

    public void Dispose()
    {
        _transport.Dispose();
        _sender.Dispose();
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

    [Fact]
    public async Task ThreeSockets_OneThreadReadsThemAll_EmptyDatagramsIncluded()
    {
        foreach (IPEndPoint endPoint in _endPoints)
        {
            _sender.SendTo(ReadOnlySpan<byte>.Empty, SocketFlags.None, endPoint);
            _sender.SendTo(new byte[] { (byte)endPoint.Port, 1 }, SocketFlags.None, endPoint);
        }

        Assert.True(await WaitAsync(() => Volatile.Read(ref _handler.Datagrams) == 6), $"datagrams: {Volatile.Read(ref _handler.Datagrams)} of 6");
        Assert.Equal(3, Volatile.Read(ref _handler.Empty));
        Assert.Equal("udp-test-rx", _handler.ThreadName);
        Assert.False(_handler.OtherThread, "datagrams arrived on more than one thread");
        Assert.Empty(_handler.LoopErrors);
        Assert.True(await WaitAsync(() => Volatile.Read(ref _handler.Ticks) > 0), "no tick");
    }

    [Fact]
    public async Task EmptyDatagrams_LoopDoesNotSpin()
    {
        foreach (IPEndPoint endPoint in _endPoints)
        {
            _sender.SendTo(ReadOnlySpan<byte>.Empty, SocketFlags.None, endPoint);
        }

        Assert.True(await WaitAsync(() => Volatile.Read(ref _handler.Empty) == 3), "empty datagrams not all read");
        long before = _transport.Wakeups;
        await Task.Delay(1000);
        long wakeups = _transport.Wakeups - before;

        // One tick every 50 ms is ~20 wake-ups a second; a loop spinning on a readable socket wakes millions of times.
        Assert.True(wakeups < 200, $"receive loop woke {wakeups} times in 1 s");
    }

    [Fact]
    public async Task IdleTransport_TicksAtItsOwnInterval()
    {
        // Art-Net asks for 250 ms (an idle line then wakes its thread 4 times a second, not 20). The bounds are
        // loose: over 1.5 s at least one tick (it does tick), far fewer than the default's 30.
        var handler = new Handler();
        using var transport = new UdpTransport(handler, "udp-test-slow", 1024, tickInterval: TimeSpan.FromMilliseconds(250));
        transport.Add(UdpSockets.Open(new UdpSocketOptions(new IPEndPoint(IPAddress.Loopback, 0)), out _));
        transport.Start();
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        int ticks = Volatile.Read(ref handler.Ticks);
        Assert.InRange(ticks, 1, 12);
        Assert.Throws<ArgumentOutOfRangeException>(() => new UdpTransport(handler, "udp-test-bad", 1024, tickInterval: TimeSpan.Zero));
    }

    [Fact]
    public async Task OversizedDatagram_TruncatedToTheBufferAndTheQueueMovesOn()
    {
        _sender.SendTo(new byte[4000], SocketFlags.None, _endPoints[0]);
        _sender.SendTo(new byte[] { 9 }, SocketFlags.None, _endPoints[0]);

        // Linux truncates to the buffer (1,024 bytes here); .NET reports it as a datagram of that length, which
        // the protocol's parser then rejects. Either way the datagram behind it arrives.
        Assert.True(await WaitAsync(() => Volatile.Read(ref _handler.Datagrams) + _handler.ReceiveErrors.Count == 2), $"datagrams {Volatile.Read(ref _handler.Datagrams)}, receive errors {_handler.ReceiveErrors.Count}");
        Assert.Equal(1, Volatile.Read(ref _handler.LastLength));
    }

    [Fact]
    public async Task SteadyState_ReceivePathAllocatesNothing()
    {
        var packet = new byte[100];
        int expected = 0;
        for (int i = 0; i < 2000; i++)
        {
            _sender.SendTo(packet, SocketFlags.None, _endPoints[i % 3]);
            expected++;
            if (i % 100 == 99)
            {
                await Task.Delay(2);
            }
        }

        Assert.True(await WaitAsync(() => Volatile.Read(ref _handler.Datagrams) == expected), "warm-up datagrams missing");

        // Warm-up also covers the idle path: a wake-up with nothing to read and the tick after it. A first tick
        // inside the measured window once counted its one-time JIT work (CI: "1 failed" in 153 ms, the first
        // tick comes 50 ms after start and 300 warm-up datagrams took less).
        int ticks = Volatile.Read(ref _handler.Ticks);
        Assert.True(await WaitAsync(() => Volatile.Read(ref _handler.Ticks) >= ticks + 3), "no idle ticks");

        // A per-datagram allocation (an address, a copy, an exception) is 24+ bytes x 1000 in every round; runtime
        // work that happens once (tier-up, a late first call) lands in one round at most. So: three rounds, and
        // the quietest must allocate next to nothing.
        var rounds = new List<long>();
        for (int round = 0; round < 3; round++)
        {
            long start = Volatile.Read(ref _handler.AllocatedAtLast);
            for (int i = 0; i < 1000; i++)
            {
                _sender.SendTo(packet, SocketFlags.None, _endPoints[i % 3]);
                expected++;
                if (i % 100 == 99)
                {
                    await Task.Delay(5); // several wake-ups, not one long drain
                }
            }

            Assert.True(await WaitAsync(() => Volatile.Read(ref _handler.Datagrams) == expected), $"datagrams: {Volatile.Read(ref _handler.Datagrams)} of {expected}");
            rounds.Add(Volatile.Read(ref _handler.AllocatedAtLast) - start);
        }

        Assert.True(rounds.Min() < 1024, $"the receive thread allocated {string.Join(", ", rounds)} bytes in three rounds of 1000 datagrams");
    }

    [Fact]
    public void Send_CountsSuccessAndErrors()
    {
        long sent = 0;
        long errors = 0;
        using Socket socket = UdpSockets.Open(new UdpSocketOptions(new IPEndPoint(IPAddress.Loopback, 0)), out _);
        _transport.Send(socket, [1, 2, 3], _endPoints[0].Serialize(), ref sent, ref errors);

        // Past the largest UDP payload (65,507 bytes): EMSGSIZE, nothing sent.
        _transport.Send(socket, new byte[70_000], _endPoints[0].Serialize(), ref sent, ref errors);
        Assert.Equal(1, sent);
        Assert.Equal(1, errors);
        Assert.Equal(SocketError.MessageSize, Assert.Single(_handler.SendErrors));
    }

    private sealed class Handler : IUdpHandler
    {
        public int Datagrams;
        public int Empty;
        public int Ticks;
        public long AllocatedAtLast;
        public int LastLength;
        public volatile bool OtherThread;
        public volatile string? ThreadName;
        public readonly ConcurrentQueue<Exception> LoopErrors = new();
        public readonly ConcurrentQueue<SocketError> ReceiveErrors = new();
        public readonly ConcurrentQueue<SocketError> SendErrors = new();
        private int _threadId;

        public void OnDatagram(ReadOnlySpan<byte> datagram, SocketAddress from, long now)
        {
            int id = Environment.CurrentManagedThreadId;
            if (_threadId == 0)
            {
                _threadId = id;
                ThreadName = Thread.CurrentThread.Name;
            }
            else if (id != _threadId)
            {
                OtherThread = true;
            }

            if (datagram.IsEmpty)
            {
                Interlocked.Increment(ref Empty);
            }
            else
            {
                Volatile.Write(ref AllocatedAtLast, GC.GetAllocatedBytesForCurrentThread());
            }

            Volatile.Write(ref LastLength, datagram.Length);
            Interlocked.Increment(ref Datagrams);
        }

        public void OnReceiveError(SocketError error) => ReceiveErrors.Enqueue(error);

        public void OnTick(long now) => Interlocked.Increment(ref Ticks);

        public void OnSendError(SocketError error) => SendErrors.Enqueue(error);

        public void OnLoopError(Exception exception) => LoopErrors.Enqueue(exception);
    }
}
