// Licensed under the MIT License. See LICENSE in the repository root.
using Microsoft.Extensions.Logging;
using OlaSharp.Core.Plugins;

namespace OlaSharp.Core.Clock;

/// <summary>
/// The refresh clock for output ports. Each target has its own period; fixed-mode deadlines lie on
/// a grid anchored at the scheduler's epoch (deadline k = epoch + k x period, computed exactly in
/// integer arithmetic), so a late wake-up never stretches the schedule and ports of the same rate
/// tick together in one burst. Change-mode targets are woken by their universe's updates.
/// One dedicated high-priority thread runs everything; <see cref="RunDue"/> is the whole step, so
/// tests drive it with a fake clock.
/// </summary>
public sealed partial class RefreshScheduler : IDisposable
{
    private static readonly TimeSpan s_errorLogInterval = TimeSpan.FromSeconds(5);

    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly long _epoch;
    private readonly long _frequency;
    private readonly object _lock = new();
    private readonly Dictionary<IClockTarget, TargetState> _states = new(ReferenceEqualityComparer.Instance);
    private readonly PriorityQueue<(TargetState State, int Generation), long> _queue = new();
    private readonly DmxFrame _scratch = new();
    private readonly List<TargetState> _burst = [];
    private List<TargetState> _pending = [];
    private List<TargetState> _draining = [];
    private IClockWaiter? _waiter;
    private Thread? _thread;
    private CancellationTokenSource? _cts;
    private long _lastErrorLog = long.MinValue;
    private int _disposed;

    /// <summary>Creates a scheduler; its grid starts now.</summary>
    public RefreshScheduler(TimeProvider? time = null, ILogger<RefreshScheduler>? logger = null)
    {
        _time = time ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        _frequency = _time.TimestampFrequency;
        _epoch = _time.GetTimestamp();
    }

    /// <summary>Counters for metrics and benchmarks.</summary>
    public ClockStatistics Statistics { get; } = new();

    /// <summary>Number of targets.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _states.Count;
            }
        }
    }

    /// <summary>Adds a target; fixed-mode targets get the next grid deadline, change-mode ones emit their current frame at once.</summary>
    public void Add(IClockTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        lock (_lock)
        {
            if (_states.ContainsKey(target))
            {
                return;
            }

            var state = new TargetState(this, target);
            _states.Add(target, state);
            Configure(state, _time.GetTimestamp());
        }

        _waiter?.Signal();
    }

    /// <summary>Removes a target; it is not called again once this returns (unless a call is running on the clock thread).</summary>
    public bool Remove(IClockTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        lock (_lock)
        {
            if (!_states.Remove(target, out TargetState? state))
            {
                return false;
            }

            state.Removed = true;
            state.Generation++;
            state.Detach();
            return true;
        }
    }

    /// <summary>Re-reads a target's policy and universe (after a patch or settings change).</summary>
    public void Reschedule(IClockTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        lock (_lock)
        {
            if (_states.TryGetValue(target, out TargetState? state))
            {
                state.Detach();
                Configure(state, _time.GetTimestamp());
            }
        }

        _waiter?.Signal();
    }

    /// <summary>
    /// Runs everything due at <paramref name="now"/>: targets whose universe changed and targets whose
    /// deadline passed. Returns the next deadline, or <see cref="long.MaxValue"/> when nothing is scheduled.
    /// Only one thread may call this at a time (the clock thread, or a test).
    /// </summary>
    public long RunDue(long now)
    {
        List<TargetState> batch;
        lock (_lock)
        {
            batch = _pending;
            _pending = _draining;
            _draining = batch;
        }

        for (int i = 0; i < batch.Count; i++)
        {
            TargetState s = batch[i];
            Volatile.Write(ref s.Pending, 0);
            Evaluate(s, now);
        }

        batch.Clear();
        long next;
        while (true)
        {
            TargetState state;
            lock (_lock)
            {
                if (!_queue.TryPeek(out (TargetState State, int Generation) entry, out long deadline) || deadline > now)
                {
                    next = _queue.Count == 0 ? long.MaxValue : deadline;
                    break;
                }

                _queue.Dequeue();
                if (entry.Generation != entry.State.Generation || entry.State.Removed)
                {
                    continue;
                }

                state = entry.State;
                state.QueuedDeadline = long.MaxValue;
            }

            Evaluate(state, now);
        }

        EndBurst(now);
        return next;
    }

    // Tells the burst targets that emitted at this wake-up that it is over (sACN: the sync packet).
    private void EndBurst(long now)
    {
        for (int i = 0; i < _burst.Count; i++)
        {
            TargetState s = _burst[i];
            s.InBurst = false;
            try
            {
                s.BurstTarget!.EndBurst();
            }
            catch (Exception ex)
            {
                Statistics.AddError();
                if (_lastErrorLog == long.MinValue || _time.GetElapsedTime(_lastErrorLog, now) >= s_errorLogInterval)
                {
                    _lastErrorLog = now;
                    Log.EmitFailed(_logger, ex, s.Target.ToString() ?? "?");
                }
            }
        }

        _burst.Clear();
    }

    /// <summary>Starts the clock thread (Linux: timerfd; elsewhere, or with a non-system clock: TimeProvider timers).</summary>
    public void Start(IClockWaiter? waiter = null)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (_thread is not null)
        {
            return;
        }

        _waiter = waiter ?? (ReferenceEquals(_time, TimeProvider.System) && TimerFdWaiter.IsSupported
            ? new TimerFdWaiter()
            : new TimeProviderWaiter(_time));
        _cts = new CancellationTokenSource();
        _thread = new Thread(Loop)
        {
            Name = "olasharp-clock",
            IsBackground = true,
            Priority = ThreadPriority.Highest,
        };
        _thread.Start();
    }

    /// <summary>Stops the clock thread (bounded wait).</summary>
    public void Stop()
    {
        if (_thread is null)
        {
            return;
        }

        _cts!.Cancel();
        _waiter!.Signal();
        if (!_thread.Join(TimeSpan.FromSeconds(5)))
        {
            Log.ClockThreadStuck(_logger);
        }

        _thread = null;
        _cts.Dispose();
        _cts = null;
        _waiter.Dispose();
        _waiter = null;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            Stop();
            lock (_lock)
            {
                foreach (TargetState s in _states.Values)
                {
                    s.Detach();
                }

                _states.Clear();
                _queue.Clear();
            }
        }
    }

    // Fixed-mode deadline k: epoch + k * frequency / rate, exact (rate in millihertz, Int128 math), so
    // 10^4 ticks at 44 Hz land on the same nanosecond as 1 tick of 10^4 / 44 s.
    internal long DeadlineOf(TargetState s, long k) =>
        _epoch + (long)((Int128)k * _frequency * 1000 / s.RateMilliHz);

    private long FirstIndexAfter(TargetState s, long now)
    {
        // Smallest k with DeadlineOf(k) >= now.
        long k = (long)((Int128)(now - _epoch) * s.RateMilliHz / ((Int128)_frequency * 1000));
        while (DeadlineOf(s, k) < now)
        {
            k++;
        }

        return k;
    }

    private void Configure(TargetState state, long now)
    {
        RefreshPolicy policy = state.Target.Refresh;
        state.Mode = policy.Mode;
        state.RateMilliHz = Math.Max(1, (long)Math.Round(policy.RateHz * 1000));
        state.PeriodTicks = TimeUtil.ToTimestampTicks(policy.Period, _frequency);
        state.KeepAliveTicks = TimeUtil.ToTimestampTicks(policy.KeepAlive, _frequency);
        state.RepeatsAfterChange = policy.RepeatsAfterChange;
        state.Generation++;
        state.QueuedDeadline = long.MaxValue;
        if (state.Mode == RefreshMode.Fixed)
        {
            state.TickIndex = FirstIndexAfter(state, now + 1);
            EnqueueLocked(state, DeadlineOf(state, state.TickIndex));
        }
        else
        {
            state.LastVersion = -1;
            state.LastEmit = long.MinValue;
            state.Attach();
            EnqueueLocked(state, now);
        }
    }

    private void EnqueueLocked(TargetState state, long deadline)
    {
        if (deadline >= state.QueuedDeadline)
        {
            // An earlier wake is already queued; it re-evaluates and queues the rest.
            return;
        }

        state.Generation++;
        state.QueuedDeadline = deadline;
        _queue.Enqueue((state, state.Generation), deadline);
    }

    private void Enqueue(TargetState state, long deadline)
    {
        lock (_lock)
        {
            if (!state.Removed)
            {
                EnqueueLocked(state, deadline);
            }
        }
    }

    private void MarkPending(TargetState state)
    {
        if (Interlocked.Exchange(ref state.Pending, 1) != 0)
        {
            return;
        }

        lock (_lock)
        {
            _pending.Add(state);
        }

        _waiter?.Signal();
    }

    private void Evaluate(TargetState s, long now)
    {
        if (s.Removed)
        {
            return;
        }

        if (s.Mode == RefreshMode.Fixed)
        {
            long deadline = DeadlineOf(s, s.TickIndex);
            if (now >= deadline)
            {
                Statistics.RecordLateness(now - deadline, _time.TimestampFrequency);
                Emit(s, EmitReason.Tick, now);
                s.TickIndex++;
                long next = DeadlineOf(s, s.TickIndex);
                if (next <= now)
                {
                    // More than a period late: skip the missed ticks, keep the phase (no burst, no stretch).
                    long k = FirstIndexAfter(s, now + 1);
                    Statistics.AddSkipped(k - s.TickIndex);
                    s.TickIndex = k;
                }
            }

            Enqueue(s, DeadlineOf(s, s.TickIndex));
            return;
        }

        Universe? u = s.Target.Universe;
        if (u is null)
        {
            return;
        }

        bool changed = u.Version != s.LastVersion;
        long earliest = s.LastEmit == long.MinValue ? now : s.LastEmit + s.PeriodTicks;
        long nextDeadline;
        if (changed || s.RepeatsLeft > 0)
        {
            if (now >= earliest)
            {
                Emit(s, changed ? EmitReason.Change : EmitReason.Repeat, now);
                s.RepeatsLeft = changed ? s.RepeatsAfterChange : s.RepeatsLeft - 1;
                nextDeadline = s.RepeatsLeft > 0 ? now + s.PeriodTicks : now + s.KeepAliveTicks;
            }
            else
            {
                // Rate cap: the change goes out one period after the previous emit.
                nextDeadline = earliest;
            }
        }
        else if (now - s.LastEmit >= s.KeepAliveTicks)
        {
            Emit(s, EmitReason.KeepAlive, now);
            nextDeadline = now + s.KeepAliveTicks;
        }
        else
        {
            nextDeadline = s.LastEmit + s.KeepAliveTicks;
        }

        Enqueue(s, nextDeadline);
    }

    private void Emit(TargetState s, EmitReason reason, long now)
    {
        s.LastEmit = now;
        Universe? u = s.Target.Universe;
        if (u is null)
        {
            return;
        }

        s.LastVersion = u.CopyMerged(_scratch, out int priority);
        try
        {
            s.Target.Emit(_scratch, priority, reason);
            Statistics.AddEmitted(reason);
            (s.Target as OutputPort)?.CountFrameSent();
            if (s.BurstTarget is not null && !s.InBurst)
            {
                s.InBurst = true;
                _burst.Add(s);
            }
        }
        catch (Exception ex)
        {
            Statistics.AddError();
            if (_lastErrorLog == long.MinValue || _time.GetElapsedTime(_lastErrorLog, now) >= s_errorLogInterval)
            {
                _lastErrorLog = now;
                Log.EmitFailed(_logger, ex, s.Target.ToString() ?? "?");
            }
        }
    }

    private void Loop()
    {
        CancellationToken ct = _cts!.Token;
        IClockWaiter waiter = _waiter!;
        while (!ct.IsCancellationRequested)
        {
            long next;
            try
            {
                next = RunDue(_time.GetTimestamp());
            }
            catch (Exception ex)
            {
                // Targets' exceptions are caught in Emit; anything here is a bug. Keep the clock alive.
                Log.ClockLoopFailed(_logger, ex);
                next = _time.GetTimestamp() + _frequency / 10;
            }

            waiter.WaitUntil(next, ct);
        }
    }

    internal sealed class TargetState
    {
        public readonly IClockTarget Target;
        public readonly IClockBurstTarget? BurstTarget;
        public bool InBurst;
        public int Generation;
        public bool Removed;
        public int Pending;
        public RefreshMode Mode;
        public long RateMilliHz;
        public long PeriodTicks;
        public long KeepAliveTicks;
        public int RepeatsAfterChange;
        public int RepeatsLeft;
        public long TickIndex;
        public long QueuedDeadline = long.MaxValue;
        public long LastEmit = long.MinValue;
        public long LastVersion = -1;
        private readonly RefreshScheduler _owner;
        private readonly UniverseUpdatedHandler _onUpdated;
        private Universe? _attached;

        public TargetState(RefreshScheduler owner, IClockTarget target)
        {
            _owner = owner;
            Target = target;
            BurstTarget = target as IClockBurstTarget;
            _onUpdated = OnUpdated;
        }

        public void Attach()
        {
            Universe? u = Target.Universe;
            if (u is not null && !ReferenceEquals(u, _attached))
            {
                Detach();
                u.Updated += _onUpdated;
                _attached = u;
            }
        }

        public void Detach()
        {
            if (_attached is not null)
            {
                _attached.Updated -= _onUpdated;
                _attached = null;
            }
        }

        private void OnUpdated(Universe universe, bool contentChanged)
        {
            if (contentChanged && !Removed)
            {
                _owner.MarkPending(this);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 100, Level = LogLevel.Warning, Message = "Output {Target} failed to emit a frame (further failures suppressed for 5 s)")]
        public static partial void EmitFailed(ILogger logger, Exception exception, string target);

        [LoggerMessage(EventId = 101, Level = LogLevel.Error, Message = "Refresh clock loop failed; continuing")]
        public static partial void ClockLoopFailed(ILogger logger, Exception exception);

        [LoggerMessage(EventId = 102, Level = LogLevel.Warning, Message = "Refresh clock thread did not stop within 5 s")]
        public static partial void ClockThreadStuck(ILogger logger);
    }
}

/// <summary>Refresh clock counters (updated on the clock thread, read anywhere).</summary>
public sealed class ClockStatistics
{
    private long _ticks;
    private long _changes;
    private long _repeats;
    private long _keepAlives;
    private long _skipped;
    private long _errors;
    private long _maxLateness;
    private long _lastLateness;
    private readonly long[] _latenessBuckets = new long[LatenessBucketsMicroseconds.Length + 1];

    /// <summary>Fixed-mode frames emitted.</summary>
    public long Ticks => Volatile.Read(ref _ticks);

    /// <summary>Change-mode frames emitted for a change.</summary>
    public long Changes => Volatile.Read(ref _changes);

    /// <summary>Change-mode repeats.</summary>
    public long Repeats => Volatile.Read(ref _repeats);

    /// <summary>Keep-alive frames.</summary>
    public long KeepAlives => Volatile.Read(ref _keepAlives);

    /// <summary>Fixed-mode ticks skipped because the clock woke more than a period late.</summary>
    public long Skipped => Volatile.Read(ref _skipped);

    /// <summary>Emits that threw.</summary>
    public long Errors => Volatile.Read(ref _errors);

    /// <summary>Largest wake-up lateness seen, in timestamp ticks.</summary>
    public long MaxLateness => Volatile.Read(ref _maxLateness);

    /// <summary>Last wake-up lateness, in timestamp ticks.</summary>
    public long LastLateness => Volatile.Read(ref _lastLateness);

    /// <summary>Upper bounds of the lateness histogram's buckets, in microseconds (a last bucket holds the rest).</summary>
    public static ReadOnlySpan<int> LatenessBucketsMicroseconds => [50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 25_000];

    /// <summary>
    /// Fixed-mode wake-ups by lateness: element i counts those at or under
    /// <see cref="LatenessBucketsMicroseconds"/>[i] and over the bound before; the last element the rest.
    /// </summary>
    public long[] LatenessHistogram()
    {
        long[] copy = new long[_latenessBuckets.Length];
        for (int i = 0; i < copy.Length; i++)
        {
            copy[i] = Volatile.Read(ref _latenessBuckets[i]);
        }

        return copy;
    }

    internal void RecordLateness(long lateness, long frequency)
    {
        long micros = lateness * 1_000_000 / frequency;
        ReadOnlySpan<int> bounds = LatenessBucketsMicroseconds;
        int bucket = 0;
        while (bucket < bounds.Length && micros > bounds[bucket])
        {
            bucket++;
        }

        Interlocked.Increment(ref _latenessBuckets[bucket]);
        Volatile.Write(ref _lastLateness, lateness);
        if (lateness > _maxLateness)
        {
            Volatile.Write(ref _maxLateness, lateness);
        }
    }

    internal void AddSkipped(long n) => Interlocked.Add(ref _skipped, n);

    internal void AddError() => Interlocked.Increment(ref _errors);

    internal void AddEmitted(EmitReason reason)
    {
        switch (reason)
        {
            case EmitReason.Tick:
                Interlocked.Increment(ref _ticks);
                break;
            case EmitReason.Change:
                Interlocked.Increment(ref _changes);
                break;
            case EmitReason.Repeat:
                Interlocked.Increment(ref _repeats);
                break;
            default:
                Interlocked.Increment(ref _keepAlives);
                break;
        }
    }
}
