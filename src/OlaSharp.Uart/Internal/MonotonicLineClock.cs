// Licensed under the MIT License. See LICENSE in the repository root.
using System.Diagnostics;

namespace OlaSharp.Uart.Internal;

/// <summary>
/// The real line clock: <see cref="Stopwatch"/>, which is CLOCK_MONOTONIC in nanoseconds on Linux and read
/// through the vDSO, so reading it makes no system call. A wait sleeps with one <c>clock_nanosleep</c> to an
/// absolute CLOCK_MONOTONIC time (<c>TIMER_ABSTIME</c>) <see cref="SpinNanoseconds"/> before the deadline,
/// then spins: a 100 µs break is spun whole, with no system call between <c>TIOCSBRK</c> and <c>TIOCCBRK</c>
/// (under a tracer every system call of the line thread is a stop), and a 24 ms malf costs one wake-up plus
/// 300 µs of spinning. The absolute sleep does not drift by the time spent computing it or being preempted
/// before the call; a platform whose <see cref="Stopwatch"/> is not CLOCK_MONOTONIC nanoseconds sleeps
/// relative to now instead.
/// </summary>
internal sealed unsafe class MonotonicLineClock : ILineClock
{
    /// <summary>The last stretch that is spun rather than slept (Linux hrtimer wake-up latency is 50-100 µs idle, more under load).</summary>
    public const long SpinNanoseconds = 300_000;

    // Sleep at most this long per call so a cancelled wait returns within this much.
    private const long SliceNanoseconds = 50_000_000;

    private static readonly bool s_nanosecondTicks = Stopwatch.Frequency == 1_000_000_000;

    private static readonly double s_nsPerTick = 1e9 / Stopwatch.Frequency;

    public static MonotonicLineClock Instance { get; } = new();

    /// <summary>True when <see cref="NowNanoseconds"/> is CLOCK_MONOTONIC, so sleeps use absolute deadlines.</summary>
    public static bool AbsoluteSleep { get; } = ProbeAbsoluteSleep();

    /// <inheritdoc />
    public long NowNanoseconds => s_nanosecondTicks ? Stopwatch.GetTimestamp() : (long)(Stopwatch.GetTimestamp() * s_nsPerTick);

    /// <inheritdoc />
    public void WaitUntil(long deadlineNanoseconds, CancellationToken cancellationToken)
    {
        while (true)
        {
            long now = NowNanoseconds;
            long remaining = deadlineNanoseconds - now;
            if (remaining <= 0 || cancellationToken.IsCancellationRequested)
            {
                return;
            }

            if (remaining > SpinNanoseconds)
            {
                if (AbsoluteSleep)
                {
                    long wake = Math.Min(deadlineNanoseconds - SpinNanoseconds, now + SliceNanoseconds);
                    var ts = new Native.Timespec { Seconds = wake / 1_000_000_000, Nanoseconds = wake % 1_000_000_000 };
                    _ = Native.ClockNanosleep(Native.ClockMonotonic, Native.TimerAbstime, &ts, null);
                }
                else
                {
                    long sleep = Math.Min(remaining - SpinNanoseconds, SliceNanoseconds);
                    var ts = new Native.Timespec { Seconds = sleep / 1_000_000_000, Nanoseconds = sleep % 1_000_000_000 };
                    _ = Native.ClockNanosleep(Native.ClockMonotonic, 0, &ts, null);
                }
            }
            else
            {
                Thread.SpinWait(10);
            }
        }
    }

    // .NET on Linux reads CLOCK_MONOTONIC for Stopwatch; confirm it against clock_gettime once rather than rely on it.
    private static bool ProbeAbsoluteSleep()
    {
        if (!OperatingSystem.IsLinux() || !s_nanosecondTicks)
        {
            return false;
        }

        Native.Timespec ts;
        long before = Stopwatch.GetTimestamp();
        if (Native.ClockGettime(Native.ClockMonotonic, &ts) != 0)
        {
            return false;
        }

        long after = Stopwatch.GetTimestamp();
        long mono = (ts.Seconds * 1_000_000_000) + ts.Nanoseconds;
        return mono >= before - 1_000 && mono <= after + 1_000;
    }
}
