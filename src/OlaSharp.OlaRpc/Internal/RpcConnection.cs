// Licensed under the MIT License. See LICENSE in the repository root.
using System.Buffers;
using System.IO.Pipelines;
using System.Threading.Channels;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using OlaSharp.Core;
using OlaSharp.OlaRpc.Protocol;

namespace OlaSharp.OlaRpc.Internal;

/// <summary>
/// One client connection: reads frames, dispatches them in order, and owns the only writer of the
/// transport, so server pushes (from other threads' universe updates) and replies never interleave
/// mid-frame. Per connection it keeps its push id counter, its source per universe and its sinks;
/// all of them are removed when it ends.
/// </summary>
internal sealed class RpcConnection
{
    // Replies wait for room; pushes are dropped when a client falls this far behind (olad has no flow
    // control and would buffer without bound). 4096 frames is about 180 ms of a client registered for 512
    // universes at 44 Hz (interop/bench lost pushes with 256, 11 ms, whenever the writer waited for a
    // thread-pool thread) and at most ~2.5 MB of pooled buffers for a client that stops reading.
    private const int OutgoingCapacity = 4096;

    private readonly IDuplexPipe _transport;
    private readonly OlaRpcService _service;
    private readonly ILogger _logger;
    private readonly Channel<OutFrame> _outgoing;
    private readonly Dictionary<int, DmxSource> _sources = [];
    private readonly Dictionary<int, Sink> _sinks = [];
    private readonly object _stateLock = new();
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
        _outgoing = Channel.CreateBounded<OutFrame>(new BoundedChannelOptions(OutgoingCapacity)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>Identity used for sources and logs (the remote endpoint).</summary>
    public string Name { get; }

    /// <summary>Pushes dropped because the client did not read.</summary>
    public long PushesDropped => Interlocked.Read(ref _pushesDropped);

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
    public DmxSource SourceFor(Universe universe)
    {
        lock (_stateLock)
        {
            if (_sources.TryGetValue(universe.Id, out DmxSource? s) && ReferenceEquals(s.Universe, universe) && !s.IsRemoved)
            {
                return s;
            }

            // Client sources count until the client disconnects (they are removed then).
            s = universe.AddSource(Name, "olarpc", Timeout.InfiniteTimeSpan);
            _sources[universe.Id] = s;
            return s;
        }
    }

    /// <summary>Registers this connection as a sink of <paramref name="universe"/> (idempotent).</summary>
    public void Register(Universe universe)
    {
        lock (_stateLock)
        {
            if (_closed || (_sinks.TryGetValue(universe.Id, out Sink? existing) && ReferenceEquals(existing.Universe, universe)))
            {
                return;
            }

            var sink = new Sink(this, universe);
            _sinks[universe.Id] = sink;
            universe.AddSink();
            universe.Updated += sink.OnUpdated;
        }
    }

    /// <summary>Removes the sink for <paramref name="universeId"/> if registered.</summary>
    public void Unregister(int universeId)
    {
        lock (_stateLock)
        {
            if (_sinks.Remove(universeId, out Sink? sink))
            {
                sink.Detach();
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

    // Called on the thread that updated the universe; never blocks it.
    private void Push(Universe universe)
    {
        if (Volatile.Read(ref _closed))
        {
            return; // an update that raced with the disconnect: nobody to send it to
        }

        Span<byte> slots = stackalloc byte[DmxFrame.MaxSlots];
        int length = universe.CopyMerged(slots);
        int priority = universe.ActivePriority;
        byte[] buffer = OutFrame.Rent(FrameEncoder.MaxPushSize);
        uint id = unchecked((uint)Interlocked.Increment(ref _pushId));
        int n = FrameEncoder.WritePush(buffer, id, universe.Id, slots[..length], priority);
        var frame = new OutFrame(buffer, n);
        if (_outgoing.Writer.TryWrite(frame))
        {
            _service.Counters.Increment(RpcCounters.Pushes);
        }
        else
        {
            _service.Counters.Increment(RpcCounters.PushesDropped);
            frame.Return();
            if (Interlocked.Increment(ref _pushesDropped) == 1)
            {
                Log.PushDropped(_logger, Name, universe.Id);
            }
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
                    if (!broken)
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

    private void Cleanup()
    {
        Sink[] sinks;
        DmxSource[] sources;
        lock (_stateLock)
        {
            _closed = true;
            sinks = [.. _sinks.Values];
            sources = [.. _sources.Values];
            _sinks.Clear();
            _sources.Clear();
        }

        foreach (Sink sink in sinks)
        {
            sink.Detach();
        }

        foreach (DmxSource source in sources)
        {
            source.Universe.RemoveSource(source);
        }
    }

    private sealed class Sink(RpcConnection owner, Universe universe)
    {
        public Universe Universe { get; } = universe;

        public void OnUpdated(Universe u, bool contentChanged) => owner.Push(u);

        public void Detach()
        {
            Universe.Updated -= OnUpdated;
            Universe.RemoveSink();
        }
    }
}
