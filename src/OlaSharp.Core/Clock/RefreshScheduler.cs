// Licensed under the MIT License. See LICENSE in the repository root.

using OlaSharp.Core.Standby;

namespace OlaSharp.Core.Clock;

/// <summary>
/// The refresh clock for output ports. Each target has its own period; fixed-mode deadlines lie on
/// a grid anchored at the scheduler's epoch (deadline k = epoch + k x period, computed exactly in
/// integer arithmetic), so a late wake-up never stretches the schedule and ports of the same rate
/// tick together in one burst. Change-mode targets are woken by their universe's updates.
/// One dedicated high-priority thread runs everything; <see cref="RunDue"/> is the whole step, so
/// tests drive it with a fake clock. Split by responsibility: this file holds the targets' set and the
/// thread, <c>RefreshScheduler.Timing.cs</c> the deadline queue and emitting, <c>RefreshScheduler.TargetState.cs</c>
/// the per-target state, <c>ClockStatistics.cs</c> the counters.
/// </summary>
public sealed partial class RefreshScheduler : IDisposable
{
    private static readonly TimeSpan s_errorLogInterval = TimeSpan.FromSeconds(5);

    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly long _epoch;
    private readonly long _frequency;
    // Guards _states, _queue, _pending and the targets' Removed/Generation/QueuedDeadline. A leaf lock: held
    // only for bookkeeping, never while a target's Emit/EndBurst runs or the Updated event is raised, and
    // nothing else is taken under it. Add/Remove are called by the DeviceRegistry outside its own lock
    // (registry -> scheduler no longer nests); a universe's Updated handler (MarkPending) takes it briefly.
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

    /// <summary>Creates a scheduler; its grid starts now. It emits only while <paramref name="gate"/> is open (default: always).</summary>
    public RefreshScheduler(TimeProvider? time = null, ILogger<RefreshScheduler>? logger = null, OutputGate? gate = null)
    {
        Gate = gate ?? new OutputGate();
        Gate.Changed += OnGateChanged;
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
        RunGateEvents(now);
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
            Gate.Changed -= OnGateChanged;
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
}
