// Licensed under the MIT License. See LICENSE in the repository root.
using System.IO.Pipelines;
using System.Runtime.InteropServices;
using System.Threading.Channels;
using OlaSharp.Core;

namespace OlaSharp.OlaRpc.Internal;

/// <summary>
/// One client connection: reads frames, dispatches them in order, and owns the only writer of the
/// transport, so server pushes (from other threads' universe updates) and replies never interleave
/// mid-frame. Per connection it keeps its push id counter, its sources (<see cref="ClientSources"/>) and its
/// sinks (<see cref="UniverseSubscription"/>); all of them are removed when it ends.
/// </summary>
/// <remarks>
/// A push is produced apart from its notification: the universe's Updated handler, on the producer's
/// thread, only copies the merged slots into a pooled buffer and queues it (no encoding, no lock, no
/// allocation once the pool is warm); the writer loop encodes it as an UpdateDmxData request straight into
/// the transport. The copy stays with the producer because the next update overwrites the merged frame, and
/// olad sends every update to a client that keeps up. A client that falls behind has its pushes coalesced:
/// once the queue is full a universe is marked pending and the writer sends its newest frame when it gets
/// there, so memory stays bounded and the client ends on the current state (that frame may come twice when an
/// update lands between the writer's copy and the queue; never out of order).
/// </remarks>
internal sealed class RpcConnection
{
    // Replies wait for room; pushes are coalesced when a client falls this far behind (olad has no flow
    // control and would buffer without bound). 4096 frames is about 180 ms of a client registered for 512
    // universes at 44 Hz (interop/bench lost pushes with 256, 11 ms, whenever the writer waited for a
    // thread-pool thread) and at most ~2.5 MB of pooled buffers for a client that stops reading.
    private const int OutgoingCapacity = 4096;

    private readonly IDuplexPipe _transport;
    private readonly OlaRpcService _service;
    private readonly ILogger _logger;
    private readonly Channel<OutFrame> _outgoing;
    private readonly ClientSources _sources;
    private readonly Dictionary<int, Sink> _sinks = [];
    private readonly object _stateLock = new();

    // Sinks marked pending (queue full): the writer sends each one's newest frame. Held only to add or take.
    private readonly List<Sink> _pending = [];
    private readonly List<Sink> _pendingScratch = [];

    // The writer's own: per universe (the object: one collected and made again counts from 0), the stamp of
    // the last copy pushed (see WritePush). One entry per universe ever registered on the connection.
    private readonly Dictionary<Universe, long> _lastPushed = new(ReferenceEqualityComparer.Instance);
    private int _pushId = -1;
    private long _pushesDropped;
    private bool _closed;

    // What this connection's unfinished frame took from the service's partial-frame budget (0: none).
    private long _reserved;

    public RpcConnection(IDuplexPipe transport, OlaRpcService service, ILogger logger, string name)
    {
        _transport = transport;
        _service = service;
        _logger = logger;
        Name = name;
        _sources = service.Core.OpenClient(name, "olarpc");
        _outgoing = Channel.CreateBounded<OutFrame>(new BoundedChannelOptions(OutgoingCapacity)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>Identity used for sources and logs (the remote endpoint).</summary>
    public string Name { get; }

    /// <summary>Pushes not sent because a newer frame of their universe replaced them while the client was not reading.</summary>
    public long PushesDropped => Interlocked.Read(ref _pushesDropped);

    /// <summary>For tests: the managed thread id on which the last push was encoded (0: none yet).</summary>
    public int LastPushEncoderThreadId { get; private set; }

    /// <summary>For tests: true while a universe is marked for coalescing (its newest frame owed by the writer).</summary>
    internal bool HasPendingPushes
    {
        get
        {
            lock (_pending)
            {
                return _pending.Count > 0;
            }
        }
    }

    /// <summary>For tests: runs on the writer between clearing a universe's coalescing mark and copying its newest frame.</summary>
    internal Action? AfterPendingCleared { get; set; }

    /// <summary>Runs the connection until the client closes it or sends something that breaks framing.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        Task writer = WriteLoopAsync();
        try
        {
            await ReadLoopAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Server stopping (the token) or the transport aborted (ConnectionAbortedException).
        }
        catch (IOException ex)
        {
            Log.ConnectionError(_logger, Name, ex.Message);
        }
        finally
        {
            ReleaseReservation();
            Cleanup();
            _outgoing.Writer.TryComplete();
            await writer.ConfigureAwait(false);
        }
    }

    /// <summary>The source this connection feeds into <paramref name="universe"/>, created on first use.</summary>
    public DmxSource SourceFor(Universe universe) => _sources.For(universe);

    /// <summary>Registers this connection as a sink of <paramref name="universe"/> (idempotent).</summary>
    public void Register(Universe universe)
    {
        lock (_stateLock)
        {
            if (_closed || (_sinks.TryGetValue(universe.Id, out Sink? existing) && ReferenceEquals(existing.Universe, universe)))
            {
                return;
            }

            _sinks[universe.Id] = new Sink(this, universe);
        }
    }

    /// <summary>Removes the sink for <paramref name="universeId"/> if registered.</summary>
    public void Unregister(int universeId)
    {
        lock (_stateLock)
        {
            if (_sinks.Remove(universeId, out Sink? sink))
            {
                sink.Subscription.Dispose();
            }
        }
    }

    /// <summary>Queues RESPONSE with <paramref name="reply"/>.</summary>
    public ValueTask SendResponseAsync(uint id, IMessage reply, CancellationToken cancellationToken)
    {
        int size = reply.CalculateSize();
        byte[] buffer = OutFrame.Rent(FrameEncoder.ResponseSize(size));
        int n = FrameEncoder.WriteResponse(buffer, id, reply, size);
        return EnqueueAsync(new OutFrame(buffer, n), cancellationToken);
    }

    /// <summary>Queues RESPONSE_FAILED with <paramref name="error"/>.</summary>
    public ValueTask SendFailedAsync(uint id, string error, CancellationToken cancellationToken)
    {
        byte[] buffer = OutFrame.Rent(FrameEncoder.FailedSize(System.Text.Encoding.UTF8.GetByteCount(error)));
        int n = FrameEncoder.WriteFailed(buffer, id, error);
        return EnqueueAsync(new OutFrame(buffer, n), cancellationToken);
    }

    /// <summary>Queues RESPONSE_NOT_IMPLEMENTED.</summary>
    public ValueTask SendNotImplementedAsync(uint id, CancellationToken cancellationToken)
    {
        byte[] buffer = OutFrame.Rent(FrameEncoder.NotImplementedSize);
        int n = FrameEncoder.WriteNotImplemented(buffer, id);
        return EnqueueAsync(new OutFrame(buffer, n), cancellationToken);
    }

    // Called on the thread that updated the universe: copies and queues, never encodes or blocks.
    private void OnUpdated(Sink sink, Universe universe)
    {
        if (Volatile.Read(ref _closed))
        {
            return; // an update that raced with the disconnect: nobody to send it to
        }

        if (Volatile.Read(ref sink.Pending) != 0)
        {
            // The writer will send the newest frame once; the one it stood for is replaced.
            NoteDropped(universe.Id);
            return;
        }

        byte[] slots = OutFrame.Rent(DmxFrame.MaxSlots);
        int length = universe.CopyMerged(slots, out long stamp);
        if (_outgoing.Writer.TryWrite(OutFrame.Push(slots, length, universe, universe.ActivePriority, stamp)))
        {
            return;
        }

        ArrayPool<byte>.Shared.Return(slots);
        if (Interlocked.CompareExchange(ref sink.Pending, 1, 0) == 0)
        {
            lock (_pending)
            {
                _pending.Add(sink);
            }

            // Fails only while the queue is full, and then the writer looks at _pending once it has drained it.
            _outgoing.Writer.TryWrite(OutFrame.Wake);
        }
    }

    private void NoteDropped(int universe)
    {
        _service.Counters.Increment(RpcCounters.PushesDropped);
        if (Interlocked.Increment(ref _pushesDropped) == 1)
        {
            Log.PushDropped(_logger, Name, universe);
        }
    }

    private ValueTask EnqueueAsync(OutFrame frame, CancellationToken cancellationToken)
    {
        if (_outgoing.Writer.TryWrite(frame))
        {
            return ValueTask.CompletedTask;
        }

        return SlowAsync(frame, cancellationToken);

        async ValueTask SlowAsync(OutFrame f, CancellationToken ct)
        {
            try
            {
                await _outgoing.Writer.WriteAsync(f, ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is ChannelClosedException or OperationCanceledException)
            {
                f.Return();
            }
        }
    }

    private async Task ReadLoopAsync(CancellationToken cancellationToken)
    {
        PipeReader input = _transport.Input;
        while (true)
        {
            ReadResult result = await input.ReadAsync(cancellationToken).ConfigureAwait(false);
            ReadOnlySequence<byte> buffer = result.Buffer;
            try
            {
                // Handle every whole frame before looking at the close: ola_streaming_client sends
                // and closes at once.
                while (true)
                {
                    FrameStatus status = RpcFrame.TryRead(ref buffer, out ReadOnlySequence<byte> body, out uint header);
                    if (status == FrameStatus.Incomplete)
                    {
                        if (!TryReserveFor(header))
                        {
                            return;
                        }

                        break;
                    }

                    ReleaseReservation();

                    if (status == FrameStatus.BadVersion)
                    {
                        _service.Counters.Increment(RpcCounters.Malformed);
                        Log.BadVersion(_logger, Name, header >> 28, header);
                        return;
                    }

                    if (status == FrameStatus.TooLarge)
                    {
                        _service.Counters.Increment(RpcCounters.Malformed);
                        Log.TooLarge(_logger, Name, header & 0x0FFFFFFF, RpcFrame.MaxBodySize);
                        return;
                    }

                    _service.Counters.Increment(RpcCounters.Frames);
                    if (body.IsEmpty)
                    {
                        continue; // olad swallows a size-0 header.
                    }

                    if (TryHandleFast(body, cancellationToken, out ValueTask pending))
                    {
                        await pending.ConfigureAwait(false);
                        continue;
                    }

                    if (!RpcFrame.TryParseEnvelope(body, out RpcMessage message))
                    {
                        _service.Counters.Increment(RpcCounters.Malformed);
                        Log.BadEnvelope(_logger, Name, body.Length);
                        return;
                    }

                    await _service.DispatchAsync(this, message, cancellationToken).ConfigureAwait(false);
                }

                if (result.IsCompleted || result.IsCanceled)
                {
                    if (!buffer.IsEmpty)
                    {
                        _service.Counters.Increment(RpcCounters.Malformed);
                        Log.Truncated(_logger, Name, buffer.Length);
                    }

                    return;
                }
            }
            finally
            {
                input.AdvanceTo(buffer.Start, buffer.End);
            }
        }
    }

    // An unfinished frame is held in the transport's pipe until its last byte arrives. Frames up to
    // PartialFrameBudget.FreeFrameSize are free; a larger one reserves its announced size from the budget all
    // connections share, once, when its header is in. False: it does not fit, and the connection is closed.
    private bool TryReserveFor(uint header)
    {
        if (header == 0 || _reserved != 0)
        {
            return true; // header not in yet, or this frame already holds its share
        }

        long frame = RpcFrame.HeaderSize + (header & 0x0FFFFFFF);
        if (frame <= PartialFrameBudget.FreeFrameSize)
        {
            return true;
        }

        if (_service.PartialFrames.TryReserve(frame))
        {
            _reserved = frame;
            return true;
        }

        _service.NotePartialFrameRefused(Name, frame);
        return false;
    }

    private void ReleaseReservation()
    {
        if (_reserved != 0)
        {
            _service.PartialFrames.Release(_reserved);
            _reserved = 0;
        }
    }

    // DMX frames (the per-frame traffic) are decoded from the bytes without allocating; a body split
    // over pipe segments is copied to the stack first (DMX bodies are under 600 bytes).
    private bool TryHandleFast(in ReadOnlySequence<byte> body, CancellationToken cancellationToken, out ValueTask pending)
    {
        if (body.IsSingleSegment)
        {
            return _service.TryHandleDmxFast(this, body.FirstSpan, cancellationToken, out pending);
        }

        const int MaxCopy = 1024;
        if (body.Length > MaxCopy)
        {
            pending = ValueTask.CompletedTask;
            return false;
        }

        Span<byte> copy = stackalloc byte[MaxCopy];
        body.CopyTo(copy);
        return _service.TryHandleDmxFast(this, copy[..(int)body.Length], cancellationToken, out pending);
    }

    private async Task WriteLoopAsync()
    {
        PipeWriter output = _transport.Output;
        ChannelReader<OutFrame> reader = _outgoing.Reader;
        bool broken = false;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out OutFrame frame))
            {
                try
                {
                    if (broken || frame.IsWake)
                    {
                        continue;
                    }

                    if (frame.IsPush)
                    {
                        WritePush(output, frame.Universe!, frame.Buffer.AsSpan(0, frame.Length), frame.Priority, frame.Update);
                    }
                    else
                    {
                        frame.Buffer.AsSpan(0, frame.Length).CopyTo(output.GetSpan(frame.Length));
                        output.Advance(frame.Length);
                    }
                }
                finally
                {
                    frame.Return();
                }
            }

            WritePending(output, broken);

            if (broken)
            {
                continue;
            }

            try
            {
                FlushResult flush = await output.FlushAsync().ConfigureAwait(false);
                broken = flush.IsCompleted;
            }
            catch (Exception ex) when (ex is IOException or InvalidOperationException or ObjectDisposedException)
            {
                // The client went away; keep draining so pooled buffers go back, the read side ends the connection.
                broken = true;
            }
        }
    }

    // Encodes an UpdateDmxData request (the push) straight into the transport, with the next push id, unless
    // the client already has this universe's copy of a later (or the same) update: a producer that updates
    // between the writer clearing a coalescing mark and copying the newest frame queues its copy behind that
    // newer one, and the client must never be shown an older look after a newer one.
    private void WritePush(PipeWriter output, Universe universe, ReadOnlySpan<byte> slots, int priority, long stamp)
    {
        ref long lastSent = ref CollectionsMarshal.GetValueRefOrAddDefault(_lastPushed, universe, out bool known);
        if (known && stamp <= lastSent)
        {
            return;
        }

        lastSent = stamp;
        uint id = unchecked((uint)++_pushId);
        int n = FrameEncoder.WritePush(output.GetSpan(FrameEncoder.MaxPushSize), id, universe.Id, slots, priority);
        output.Advance(n);
        LastPushEncoderThreadId = Environment.CurrentManagedThreadId;
        _service.Counters.Increment(RpcCounters.Pushes);
    }

    // The universes coalesced while the queue was full: each gets its newest frame, in the order they were marked.
    private void WritePending(PipeWriter output, bool broken)
    {
        lock (_pending)
        {
            if (_pending.Count == 0)
            {
                return;
            }

            _pendingScratch.AddRange(_pending);
            _pending.Clear();
        }

        Span<byte> slots = stackalloc byte[DmxFrame.MaxSlots];
        foreach (Sink sink in _pendingScratch)
        {
            // Cleared before the copy: an update after it is either in this copy or queued anew.
            Volatile.Write(ref sink.Pending, 0);
            AfterPendingCleared?.Invoke();
            if (!broken && !Volatile.Read(ref _closed))
            {
                Universe u = sink.Universe;
                int length = u.CopyMerged(slots, out long stamp);
                WritePush(output, u, slots[..length], u.ActivePriority, stamp);
            }
        }

        _pendingScratch.Clear();
    }

    private void Cleanup()
    {
        Sink[] sinks;
        lock (_stateLock)
        {
            _closed = true;
            sinks = [.. _sinks.Values];
            _sinks.Clear();
        }

        foreach (Sink sink in sinks)
        {
            sink.Subscription.Dispose();
        }

        _sources.Dispose();
    }

    private sealed class Sink
    {
        // 1 while the writer owes this universe its newest frame (set by a producer, cleared by the writer).
        public int Pending;

        public Sink(RpcConnection owner, Universe universe)
        {
            Universe = universe;
            Subscription = ServerCore.Subscribe(universe, (u, _) => owner.OnUpdated(this, u));
        }

        public Universe Universe { get; }

        public UniverseSubscription Subscription { get; }
    }
}
