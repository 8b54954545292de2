// Licensed under the MIT License. See LICENSE in the repository root.
using System.Diagnostics;

namespace OlaSharp.Uart.Internal;

/// <summary>
/// The real line clock: <see cref="Stopwatch"/> (CLOCK_MONOTONIC on Linux). Waits sleep with
/// <c>clock_nanosleep</c> until <see cref="SpinNanoseconds"/> before the deadline, then spin, so a 100 µs
/// break is spun whole and a 24 ms malf costs one wake-up plus 300 µs of spinning.
/// </summary>
internal sealed unsafe class MonotonicLineClock : ILineClock
{
    /// <summary>The last stretch that is spun rather than slept (Linux hrtimer wake-up latency is 50-100 µs idle, more under load).</summary>
    public const long SpinNanoseconds = 300_000;

    // Sleep in slices so a cancelled wait returns within this much.
    private const long SliceNanoseconds = 50_000_000;

    private static readonly double s_nsPerTick = 1e9 / Stopwatch.Frequency;

    public static MonotonicLineClock Instance { get; } = new();

    /// <inheritdoc />
    public long NowNanoseconds => (long)(Stopwatch.GetTimestamp() * s_nsPerTick);

    /// <inheritdoc />
    public void WaitUntil(long deadlineNanoseconds, CancellationToken cancellationToken)
    {
        while (true)
        {
            long remaining = deadlineNanoseconds - NowNanoseconds;
            if (remaining <= 0 || cancellationToken.IsCancellationRequested)
            {
                return;
            }

            if (remaining > SpinNanoseconds)
            {
                long sleep = Math.Min(remaining - SpinNanoseconds, SliceNanoseconds);
                var ts = new Native.Timespec { Seconds = sleep / 1_000_000_000, Nanoseconds = sleep % 1_000_000_000 };
                _ = Native.ClockNanosleep(Native.ClockMonotonic, 0, &ts, null);
            }
            else
            {
                Thread.SpinWait(10);
            }
        }
    }
}
