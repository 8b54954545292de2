// Licensed under the MIT License. See LICENSE in the repository root.
using System.Diagnostics;
using OlaSharp.Core.Interop;

namespace OlaSharp.Uart.Internal;

/// <summary>
/// The real line clock: <see cref="Stopwatch"/>, which is CLOCK_MONOTONIC in nanoseconds on Linux and read
/// through the vDSO, so reading it makes no system call. A wait sleeps with one <c>clock_nanosleep</c> to an
/// absolute CLOCK_MONOTONIC time (<c>TIMER_ABSTIME</c>) a spin window before the deadline, then spins. The
/// window is the calling thread's own <see cref="WakeLatency"/>: the 90th percentile of how late its last 64 sleeps
/// ended, plus a margin, between 20 and 300 µs. A wait shorter than the window plus
/// <see cref="MinSleepNanoseconds"/> is spun whole, with no system call (a 100 µs break on a machine that wakes
/// 55 µs late); a 24 ms malf costs one wake-up plus the window. The line thread runs SCHED_FIFO with a 1 µs
/// timer slack (<see cref="UartLineWriter"/>), so the kernel adds nothing to the sleep itself. The absolute
/// sleep does not drift by the time spent computing it or being preempted before the call; a platform whose
/// <see cref="Stopwatch"/> is not CLOCK_MONOTONIC nanoseconds sleeps relative to now instead.
/// </summary>
internal sealed unsafe class MonotonicLineClock : ILineClock
{
    /// <summary>A sleep shorter than this is not worth its system calls and wake-up: spin instead.</summary>
    public const long MinSleepNanoseconds = 20_000;

    // Sleep at most this long per call so a cancelled wait returns within this much.
    private const long SliceNanoseconds = 50_000_000;

    private static readonly bool s_nanosecondTicks = Stopwatch.Frequency == 1_000_000_000;

    private static readonly double s_nsPerTick = 1e9 / Stopwatch.Frequency;

    // Each line thread learns its own wake-up latency (one writer per UART, each on its own thread).
    [ThreadStatic]
    private static WakeLatency? s_latency;

    public static MonotonicLineClock Instance { get; } = new();

    /// <summary>True when <see cref="NowNanoseconds"/> is CLOCK_MONOTONIC, so sleeps use absolute deadlines.</summary>
    public static bool AbsoluteSleep { get; } = ProbeAbsoluteSleep();

    /// <summary>The calling thread's spin window now, in nanoseconds.</summary>
    public static long SpinNanoseconds => s_latency?.SpinNanoseconds ?? WakeLatency.MaxSpinNanoseconds;

    /// <inheritdoc />
    public long NowNanoseconds => s_nanosecondTicks ? Stopwatch.GetTimestamp() : (long)(Stopwatch.GetTimestamp() * s_nsPerTick);

    /// <inheritdoc />
    public void WaitUntil(long deadlineNanoseconds, CancellationToken cancellationToken)
    {
        WakeLatency latency = s_latency ??= new WakeLatency();
        long window = latency.SpinNanoseconds;
        while (true)
        {
            long now = NowNanoseconds;
            long remaining = deadlineNanoseconds - now;
            if (remaining <= 0 || cancellationToken.IsCancellationRequested)
            {
                return;
            }

            if (remaining > window + MinSleepNanoseconds)
            {
                long wake = Math.Min(deadlineNanoseconds - window, now + SliceNanoseconds);
                if (AbsoluteSleep)
                {
                    var ts = new Libc.Timespec { Seconds = wake / 1_000_000_000, Nanoseconds = wake % 1_000_000_000 };
                    _ = Libc.ClockNanosleep(Libc.ClockMonotonic, Libc.TimerAbstime, &ts, null);
                }
                else
                {
                    long sleep = wake - now;
                    var ts = new Libc.Timespec { Seconds = sleep / 1_000_000_000, Nanoseconds = sleep % 1_000_000_000 };
                    _ = Libc.ClockNanosleep(Libc.ClockMonotonic, 0, &ts, null);
                }

                latency.Record(NowNanoseconds - wake);
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

        Libc.Timespec ts;
        long before = Stopwatch.GetTimestamp();
        if (Libc.ClockGettime(Libc.ClockMonotonic, &ts) != 0)
        {
            return false;
        }

        long after = Stopwatch.GetTimestamp();
        long mono = (ts.Seconds * 1_000_000_000) + ts.Nanoseconds;
        return mono >= before - 1_000 && mono <= after + 1_000;
    }
}
