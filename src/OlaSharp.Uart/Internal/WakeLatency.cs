// Licensed under the MIT License. See LICENSE in the repository root.
namespace OlaSharp.Uart.Internal;

/// <summary>
/// How late this machine wakes a sleeping line thread, tracked as a running 90th percentile, and the spin
/// window that follows from it: the line clock sleeps until <see cref="SpinNanoseconds"/> before a deadline
/// and spins the rest, so a wake-up up to that late still meets the deadline and an earlier one spins only the
/// difference. A fixed 300 µs window spins about 250 µs per frame on a machine that wakes 50 µs late, and
/// wake-ups later than any affordable window (the p99 of the 2-vCPU VM of docs/uart-timing.md is 1-3 ms: its
/// hypervisor) only move the period's p99 whatever the window; the 90th percentile keeps 9 frames in 10 on
/// time and lets a quick machine (a Pi's SCHED_FIFO wake-up is tens of µs) spin little.
/// The estimate moves up <see cref="UpStepNanoseconds"/> when a wake-up was later than it and down
/// <see cref="DownStepNanoseconds"/> otherwise, so it settles where 1 wake-up in 10 is later (Robbins-Monro
/// quantile tracking: a single outlier moves it one step, however large). No allocation, no locks; one per thread.
/// </summary>
internal struct WakeLatency
{
    /// <summary>The window before any wake-up was measured, and its ceiling.</summary>
    public const long MaxSpinNanoseconds = 300_000;

    /// <summary>The smallest window: a wake-up and the return to user space take this long on any machine.</summary>
    public const long MinSpinNanoseconds = 20_000;

    /// <summary>Added to the estimate: the window covers the 90th percentile with this to spare.</summary>
    public const long MarginNanoseconds = 10_000;

    /// <summary>Step down per wake-up on time.</summary>
    public const long DownStepNanoseconds = 1_000;

    /// <summary>Step up per late wake-up: 9 × down, so the estimate settles at the 90th percentile.</summary>
    public const long UpStepNanoseconds = 9 * DownStepNanoseconds;

    // Starts at the ceiling: the first seconds spin as the fixed window did, then the window shrinks by at most
    // 1 µs per sleep (300 µs to 100 µs in 200 sleeps, about 5 s of 44 Hz frames).
    private long _estimate;
    private bool _started;

    /// <summary>The current 90th-percentile estimate of a wake-up's lateness, in nanoseconds.</summary>
    public readonly long EstimateNanoseconds => _started ? _estimate : MaxSpinNanoseconds;

    /// <summary>How long before a deadline to stop sleeping and start spinning.</summary>
    public readonly long SpinNanoseconds => Math.Clamp(EstimateNanoseconds + MarginNanoseconds, MinSpinNanoseconds, MaxSpinNanoseconds);

    /// <summary>Records one sleep: it was asked to end at some time and ended <paramref name="lateNanoseconds"/> after it.</summary>
    public void Record(long lateNanoseconds)
    {
        if (!_started)
        {
            _started = true;
            _estimate = MaxSpinNanoseconds;
        }

        // Bounded both ways so a long stall cannot push it far above what a window can use.
        _estimate = lateNanoseconds > _estimate
            ? Math.Min(_estimate + UpStepNanoseconds, MaxSpinNanoseconds)
            : Math.Max(_estimate - DownStepNanoseconds, 0);
    }
}
