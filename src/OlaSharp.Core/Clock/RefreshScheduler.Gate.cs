// Licensed under the MIT License. See LICENSE in the repository root.
using OlaSharp.Core.Standby;

namespace OlaSharp.Core.Clock;

/// <summary>
/// A clock target with something to do about the hot-standby <see cref="OutputGate"/> (sACN): it may keep
/// emitting while the gate is closed, and it hears on the clock thread that the gate closed.
/// </summary>
public interface IGatedClockTarget : IClockTarget
{
    /// <summary>True when <see cref="IClockTarget.Emit"/> should still be called while the gate is closed (sACN at the standby priority).</summary>
    bool EmitsWhileGateClosed { get; }

    /// <summary>The gate closed: called once on the clock thread, after any emit in progress and before the next (sACN: stream-terminated packets).</summary>
    void OnGateClosed();
}

// The hot-standby gate: while it is closed nothing is emitted (but by IGatedClockTarget targets that ask to);
// when it opens every target emits its universe's current merged frame at once, not on its next tick or change.
public sealed partial class RefreshScheduler
{
    private readonly List<TargetState> _gateBatch = [];
    private int _gateOpened;
    private int _gateClosed;

    /// <summary>The gate the clock obeys (the server's <see cref="Plugins.PluginContext.Outputs"/>).</summary>
    public OutputGate Gate { get; }

    // On the controller's thread: only a flag and a wake-up; the work runs in RunDue on the clock thread.
    private void OnGateChanged(bool open)
    {
        Volatile.Write(ref open ? ref _gateOpened : ref _gateClosed, 1);
        _waiter?.Signal();
    }

    // True when this emit is to be skipped: the gate is closed and the target does not send while closed.
    private bool Silenced(TargetState s) =>
        !Gate.IsOpen && !(s.Target is IGatedClockTarget { EmitsWhileGateClosed: true });

    private void RunGateEvents(long now)
    {
        bool closed = Interlocked.Exchange(ref _gateClosed, 0) != 0;
        bool opened = Interlocked.Exchange(ref _gateOpened, 0) != 0;
        if (!closed && !opened)
        {
            return;
        }

        lock (_lock)
        {
            _gateBatch.AddRange(_states.Values);
        }

        bool open = Gate.IsOpen;
        for (int i = 0; i < _gateBatch.Count; i++)
        {
            TargetState s = _gateBatch[i];
            if (s.Removed)
            {
                continue;
            }

            if (!open && closed && s.Target is IGatedClockTarget gated)
            {
                try
                {
                    gated.OnGateClosed();
                }
                catch (Exception ex)
                {
                    ReportEmitError(ex, s, now);
                }
            }
            else if (open && opened)
            {
                // The first frame after a take-over is the current look: emitted now, then a change's repeats.
                Emit(s, EmitReason.Change, now);
                if (s.Mode != RefreshMode.Fixed)
                {
                    s.RepeatsLeft = s.RepeatsAfterChange;
                    Enqueue(s, now + s.PeriodTicks);
                }
            }
        }

        _gateBatch.Clear();
    }
}
