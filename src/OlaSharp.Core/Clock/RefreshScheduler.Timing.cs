// Licensed under the MIT License. See LICENSE in the repository root.
namespace OlaSharp.Core.Clock;

// The timing queue: the grid of fixed-mode deadlines, the change-mode wake-ups, and emitting one frame.
public sealed partial class RefreshScheduler
{
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

        if (Silenced(s))
        {
            // The standby keeps its schedule but sends nothing; the version is taken so no change stays pending.
            s.LastVersion = u.Version;
            return;
        }

        s.LastVersion = u.CopyMerged(_scratch, out int priority);
        try
        {
            s.Target.Emit(_scratch, priority, reason);
            Statistics.AddEmitted(reason);
            s.Target.CountFrameSent();
            if (s.BurstTarget is not null && !s.InBurst)
            {
                s.InBurst = true;
                _burst.Add(s);
            }
        }
        catch (Exception ex)
        {
            ReportEmitError(ex, s, now);
        }
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
                ReportEmitError(ex, s, now);
            }
        }

        _burst.Clear();
    }

    // A target threw: counted always, logged at most once per 5 s while emits keep failing.
    private void ReportEmitError(Exception ex, TargetState s, long now)
    {
        Statistics.AddError();
        if (_lastErrorLog == long.MinValue || _time.GetElapsedTime(_lastErrorLog, now) >= s_errorLogInterval)
        {
            _lastErrorLog = now;
            Log.EmitFailed(_logger, ex, s.Target.ToString() ?? "?");
        }
    }
}
