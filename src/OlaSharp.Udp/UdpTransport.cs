// Licensed under the MIT License. See LICENSE in the repository root.

namespace OlaSharp.Udp;

/// <summary>
/// The UDP transport a protocol node (Art-Net, sACN) runs on: its sockets, one receive thread, the housekeeping
/// tick and the send path.
/// <para>
/// Threading: <b>one receive thread per transport serves all of its sockets</b> (Art-Net's wildcard, loopback and
/// own-address sockets cost one thread, not three; that matters on a Raspberry Pi). The thread waits on all the
/// sockets together (<c>Socket.Select</c>, i.e. <c>poll(2)</c>) for at most <see cref="TickInterval"/>;
/// each readable socket is read at least once and then drained while <see cref="Socket.Available"/> is above 0,
/// and after every wake-up the handler's <see cref="IUdpHandler.OnTick"/> runs on the same thread. So datagrams
/// and ticks never run concurrently with each other. An empty datagram reads as one (empty) datagram and leaves
/// FIONREAD at the next one, so it neither stops the drain for good nor spins it (issue 10); the drain ends on
/// <c>Available == 0</c>, not on a WouldBlock exception, so no exception is thrown per wake-up, and nothing is
/// allocated per packet (the buffer and the source address are reused).
/// </para>
/// <para>
/// Sends (<see cref="Send"/>) come from other threads (the refresh clock): the sockets are non-blocking, so a
/// full send buffer drops the packet and counts it instead of stalling the clock. <see cref="Dispose"/> stops the
/// loop, closes the sockets (which ends a read in progress) and joins the thread.
/// </para>
/// </summary>
public sealed class UdpTransport : IDisposable
{
    /// <summary>The default longest wait between two ticks when nothing arrives.</summary>
    public static readonly TimeSpan TickInterval = TimeSpan.FromMilliseconds(50);

    private readonly IUdpHandler _handler;
    private readonly string _threadName;
    private readonly byte[] _buffer;
    private readonly TimeProvider _time;
    private readonly int _tickMicros;
    private readonly List<Socket> _sockets = [];
    private readonly List<Socket> _readable = [];
    private Thread? _thread;
    private volatile bool _stopping;
    private long _wakeups;
    private int _disposed;

    /// <param name="handler">Receives the datagrams, the ticks and the errors (all on the receive thread but send errors).</param>
    /// <param name="threadName">The receive thread's name (tests find it in <c>/proc/self/task</c>).</param>
    /// <param name="bufferBytes">The receive buffer: at least the protocol's largest packet; longer datagrams are truncated and reported as <see cref="SocketError.MessageSize"/>.</param>
    /// <param name="time">The clock whose timestamps the handler gets.</param>
    /// <param name="tickInterval">The longest wait between two ticks (default <see cref="TickInterval"/>): the
    /// finest timing the handler's housekeeping needs. Each tick on an idle line is a wake-up of its own.</param>
    public UdpTransport(IUdpHandler handler, string threadName, int bufferBytes, TimeProvider? time = null, TimeSpan? tickInterval = null)
    {
        _handler = handler ?? throw new ArgumentNullException(nameof(handler));
        _threadName = threadName;
        _buffer = new byte[bufferBytes];
        _time = time ?? TimeProvider.System;
        TimeSpan tick = tickInterval ?? TickInterval;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(tick, TimeSpan.Zero, nameof(tickInterval));
        _tickMicros = (int)Math.Min(tick.TotalMicroseconds, int.MaxValue);
    }

    /// <summary>Wake-ups of the receive loop (each readable wake-up or tick); tests check it does not spin.</summary>
    public long Wakeups => Interlocked.Read(ref _wakeups);

    /// <summary>True after <see cref="Dispose"/>.</summary>
    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    /// <summary>Adds a socket the thread reads (before <see cref="Start"/>); the transport owns and disposes it.</summary>
    public void Add(Socket socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        if (_thread is not null)
        {
            throw new InvalidOperationException("Add sockets before Start.");
        }

        socket.Blocking = false;
        _sockets.Add(socket);
    }

    /// <summary>Starts the receive thread.</summary>
    public void Start()
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        if (_thread is not null || _sockets.Count == 0)
        {
            throw new InvalidOperationException("Start once, after adding a socket.");
        }

        _readable.Capacity = _sockets.Count;
        _thread = new Thread(ReceiveLoop) { IsBackground = true, Name = _threadName };
        _thread.Start();
    }

    /// <summary>
    /// Sends <paramref name="packet"/> to a pre-built <paramref name="destination"/>: on success increments
    /// <paramref name="counter"/>; on a socket error increments <paramref name="errors"/> and tells the handler
    /// (which logs throttled, see <see cref="LogThrottle"/>). After <see cref="Dispose"/> it does nothing.
    /// </summary>
    public void Send(Socket socket, ReadOnlySpan<byte> packet, SocketAddress destination, ref long counter, ref long errors)
    {
        try
        {
            socket.SendTo(packet, SocketFlags.None, destination);
            Interlocked.Increment(ref counter);
        }
        catch (SocketException ex)
        {
            Interlocked.Increment(ref errors);
            _handler.OnSendError(ex.SocketErrorCode);
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private void ReceiveLoop()
    {
        var from = new SocketAddress(AddressFamily.InterNetwork);
        int waitMicros = _tickMicros;
        while (!_stopping)
        {
            Interlocked.Increment(ref _wakeups);
            try
            {
                _readable.Clear();
                foreach (Socket socket in _sockets)
                {
                    _readable.Add(socket);
                }

                // Select leaves only the readable sockets in the list (an empty list after the timeout).
                Socket.Select(_readable, null, null, waitMicros);
                foreach (Socket socket in _readable)
                {
                    // Readable: read at least once, then drain while more is queued. Available (FIONREAD) is the
                    // size of the next datagram, so an empty one reads as 0 although it is queued: looping only
                    // while Available > 0 left it at the head of the queue for good, with poll saying readable at
                    // once, forever (~85 % of a core, no input until restart). Checking Available after each read
                    // ends the drain without the WouldBlock SocketException, which cost a throw (and its
                    // allocations) on every wake-up.
                    do
                    {
                        if (!ReceiveOne(socket, from))
                        {
                            break;
                        }
                    }
                    while (!_stopping && socket.Available > 0);
                }

                _handler.OnTick(_time.GetTimestamp());
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (Exception ex) when (!_stopping)
            {
                _handler.OnLoopError(ex);
                Thread.Sleep(100);
            }
        }
    }

    // One datagram off the socket into the handler; false when nothing was queued after all (a spurious wake-up).
    private bool ReceiveOne(Socket socket, SocketAddress from)
    {
        int n;
        try
        {
            n = socket.ReceiveFrom(_buffer, SocketFlags.None, from);
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.WouldBlock)
        {
            return false;
        }
        catch (SocketException ex) when (ex.SocketErrorCode is SocketError.MessageSize or SocketError.ConnectionReset)
        {
            // MessageSize: larger than the buffer, the kernel dropped the rest. ConnectionReset: an ICMP error
            // for one of our sends, reported on the next read. Either way the queue moved on.
            _handler.OnReceiveError(ex.SocketErrorCode);
            return true;
        }

        _handler.OnDatagram(_buffer.AsSpan(0, n), from, _time.GetTimestamp());
        return true;
    }

    /// <summary>Stops the loop, closes the sockets (a read in progress ends) and joins the thread; idempotent.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _stopping = true;
        foreach (Socket socket in _sockets)
        {
            socket.Dispose();
        }

        // The wait in Select ends within the tick interval at the latest.
        _thread?.Join(TimeSpan.FromSeconds(2));
    }
}
