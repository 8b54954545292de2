// Licensed under the MIT License. See LICENSE in the repository root.
using System.Threading.Channels;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using OlaSharp.Core;
using OlaSharp.Grpc.V1;
using Universe = OlaSharp.Core.Universe;

namespace OlaSharp.Grpc.Internal;

/// <summary>
/// One WatchFrames call. Each watched universe has a "pending" flag set by <see cref="Universe.Updated"/>
/// and by the refresh timer, and one capacity-1 signal wakes the writer loop: a slow client holds at
/// most one unsent frame per universe (the newest, read when it is written), so memory stays bounded
/// whatever the send rate. Registered as a sink so the watched universes are not collected.
/// </summary>
internal sealed class FrameWatcher : IDisposable
{
    private readonly Entry[] _entries;
    private readonly TimeProvider _time;
    private readonly Channel<bool> _signal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = true,
        SingleWriter = false,
    });

    private readonly DmxFrame _frame = new();
    private readonly WatchFramesResponse _message = new();
    private readonly Timestamp _timestamp = new();
    private readonly ITimer? _refreshTimer;
    private readonly CounterTable? _counters;
    private int _disposed;

    public FrameWatcher(IReadOnlyList<Universe> universes, TimeProvider time, TimeSpan refreshInterval, CounterTable? counters = null)
    {
        _time = time;
        _counters = counters;
        _entries = new Entry[universes.Count];
        for (int i = 0; i < universes.Count; i++)
        {
            _entries[i] = new Entry(universes[i], this);
        }

        if (refreshInterval > TimeSpan.Zero)
        {
            _refreshTimer = time.CreateTimer(static s => ((FrameWatcher)s!).OnRefreshTick(), this, refreshInterval, refreshInterval);
        }
    }

    /// <summary>Messages written so far; also the last sequence number.</summary>
    public long Sent { get; private set; }

    /// <summary>Writes the current frames at once, then changes and refreshes, until cancelled or the client goes.</summary>
    public async Task RunAsync(IServerStreamWriter<WatchFramesResponse> writer, CancellationToken cancellationToken)
    {
        foreach (Entry e in _entries)
        {
            e.Pending = 1;
        }

        ChannelReader<bool> reader = _signal.Reader;
        while (true)
        {
            foreach (Entry e in _entries)
            {
                bool changed = Interlocked.Exchange(ref e.Pending, 0) != 0;
                bool refresh = Interlocked.Exchange(ref e.RefreshDue, 0) != 0;
                if (!changed && !refresh)
                {
                    continue;
                }

                WatchFramesResponse message = Snapshot(e, refresh && !changed);
                Volatile.Write(ref e.SentSinceTick, 1);
                await writer.WriteAsync(message, cancellationToken).ConfigureAwait(false);
                if (_counters is not null)
                {
                    _counters.Increment(GrpcCounters.FramesSent);
                }
            }

            if (!await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return;
            }

            reader.TryRead(out _);
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _refreshTimer?.Dispose();
        foreach (Entry e in _entries)
        {
            e.Subscription.Dispose();
        }

        _signal.Writer.TryComplete();
    }

    // One message, timestamp and slot buffer per watcher, reused: WriteAsync has serialized the
    // message when its task completes, and the next Snapshot runs only after that.
    private WatchFramesResponse Snapshot(Entry e, bool refresh)
    {
        long version = e.Universe.CopyMerged(_frame, out int priority);
        long unixTicks = _time.GetUtcNow().UtcTicks - DateTime.UnixEpoch.Ticks;
        _timestamp.Seconds = unixTicks / TimeSpan.TicksPerSecond;
        _timestamp.Nanos = (int)(unixTicks % TimeSpan.TicksPerSecond * TimeSpan.NanosecondsPerTick);
        WatchFramesResponse m = _message;
        m.Universe = (uint)e.Universe.Id;
        m.Slots = UnsafeByteOperations.UnsafeWrap(_frame.Memory);
        m.StartCode = _frame.StartCode;
        m.Priority = (uint)priority;
        m.Sequence = (ulong)++Sent;
        m.Version = (ulong)version;
        m.Timestamp = _timestamp;
        m.Refresh = refresh;
        return m;
    }

    private void Signal() => _signal.Writer.TryWrite(true);

    // Each tick resends the universes that sent nothing since the previous tick.
    private void OnRefreshTick()
    {
        bool any = false;
        foreach (Entry e in _entries)
        {
            if (Interlocked.Exchange(ref e.SentSinceTick, 0) == 0)
            {
                Volatile.Write(ref e.RefreshDue, 1);
                any = true;
            }
        }

        if (any)
        {
            Signal();
        }
    }

    private sealed class Entry
    {
        public readonly Universe Universe;
        public readonly UniverseSubscription Subscription;
        public int Pending;
        public int RefreshDue;
        public int SentSinceTick;
        private readonly FrameWatcher _owner;

        public Entry(Universe universe, FrameWatcher owner)
        {
            Universe = universe;
            _owner = owner;
            Subscription = ServerCore.Subscribe(universe, OnUpdated);
        }

        private void OnUpdated(Universe u, bool contentChanged)
        {
            if (!contentChanged)
            {
                return;
            }

            Volatile.Write(ref Pending, 1);
            _owner.Signal();
        }
    }
}
