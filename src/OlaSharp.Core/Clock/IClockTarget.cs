// Licensed under the MIT License. See LICENSE in the repository root.
namespace OlaSharp.Core.Clock;

/// <summary>Something the refresh clock drives: normally an output port patched to a universe.</summary>
public interface IClockTarget
{
    /// <summary>The universe whose merged frame is emitted; null while unpatched (the target is skipped).</summary>
    Universe? Universe { get; }

    /// <summary>The clock settings; read when the target is added or <see cref="RefreshScheduler.Reschedule"/> is called.</summary>
    RefreshPolicy Refresh { get; }

    /// <summary>
    /// Emits one frame, on the clock thread. <paramref name="frame"/> is the clock's scratch copy of the
    /// merged frame, valid only during the call. Must not block for long: hand off to a send queue if needed.
    /// </summary>
    void Emit(DmxFrame frame, int priority, EmitReason reason);

    /// <summary>
    /// Counts one frame out. The refresh clock calls it after each <see cref="Emit"/> that returned; a port
    /// with a clock of its own (the UART line) calls it per frame. This is the one place frames out are
    /// counted (<c>/metrics</c> <c>olasharp_frames_out_total</c>); the default counts nothing.
    /// </summary>
    void CountFrameSent()
    {
    }
}

/// <summary>
/// A target that wants to hear when a burst ends: after <see cref="RefreshScheduler.RunDue"/> has emitted
/// everything due at one wake-up, it calls <see cref="EndBurst"/> once on each such target that emitted
/// (sACN closes the burst with a universe sync packet). Runs on the clock thread; must not block.
/// </summary>
public interface IClockBurstTarget : IClockTarget
{
    /// <summary>Everything due at this wake-up has been emitted.</summary>
    void EndBurst();
}

/// <summary>Why a frame is emitted (protocols treat keep-alives alike, but stats tell them apart).</summary>
public enum EmitReason
{
    /// <summary>A fixed-mode tick.</summary>
    Tick = 0,

    /// <summary>The merged frame changed.</summary>
    Change = 1,

    /// <summary>A repeat after a change.</summary>
    Repeat = 2,

    /// <summary>Unchanged data re-sent so receivers don't time out.</summary>
    KeepAlive = 3,
}
