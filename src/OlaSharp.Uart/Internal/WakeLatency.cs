// Licensed under the MIT License. See LICENSE in the repository root.
namespace OlaSharp.Uart.Internal;

/// <summary>
/// How late this machine wakes a sleeping line thread, as the 90th percentile of its last
/// <see cref="Samples"/> sleeps, and the spin window that follows from it: the line clock sleeps until
/// <see cref="SpinNanoseconds"/> before a deadline and spins the rest, so a wake-up up to that late still
/// meets the deadline and an earlier one spins only the difference. A fixed 300 µs window spun about 200 µs per
/// frame on the 2-vCPU VM of docs/uart-timing.md, whose wake-ups are 50-115 µs late 9 times in 10; the rest
/// (its p99 is 1-3 ms: the hypervisor) only move the period's p99, whatever window is affordable. A quick
/// machine (a Pi's SCHED_FIFO wake-up takes tens of µs) spins little. A running quantile estimate (up 9 steps
/// when late, down 1 when not) stayed near 260 µs on that VM for seconds, because its lateness between the
/// 90th and 95th percentile spreads from 115 to 300 µs: the exact percentile of a short history follows the
/// machine within a second and a half of 44 Hz frames. Both arrays are allocated once per line thread; a sleep
/// costs one sort of 64 longs (about a microsecond) and allocates nothing.
/// </summary>
internal sealed class WakeLatency
{
    /// <summary>Sleeps remembered.</summary>
    public const int Samples = 64;

    /// <summary>Sleeps measured before the window follows them; until then it is the ceiling.</summary>
    public const int MinSamples = 16;

    /// <summary>The window before enough wake-ups were measured, and its ceiling.</summary>
    public const long MaxSpinNanoseconds = 300_000;

    /// <summary>The smallest window: a wake-up and the return to user space take this long on any machine.</summary>
    public const long MinSpinNanoseconds = 20_000;

    /// <summary>Added to the percentile: the window covers 9 wake-ups in 10 with this to spare.</summary>
    public const long MarginNanoseconds = 10_000;

    private readonly long[] _ring = new long[Samples];
    private readonly long[] _sorted = new long[Samples];
    private int _count;
    private int _next;

    /// <summary>How long before a deadline to stop sleeping and start spinning, in nanoseconds.</summary>
    public long SpinNanoseconds { get; private set; } = MaxSpinNanoseconds;

    /// <summary>The 90th percentile of the remembered wake-ups' lateness, in nanoseconds (0 before any).</summary>
    public long Percentile90Nanoseconds { get; private set; }

    /// <summary>Records one sleep: it was asked to end at some time and ended <paramref name="lateNanoseconds"/> after it.</summary>
    public void Record(long lateNanoseconds)
    {
        _ring[_next] = Math.Max(lateNanoseconds, 0);
        _next = (_next + 1) % Samples;
        if (_count < Samples)
        {
            _count++;
        }

        Span<long> sorted = _sorted.AsSpan(0, _count);
        _ring.AsSpan(0, _count).CopyTo(sorted);
        sorted.Sort();
        Percentile90Nanoseconds = sorted[Math.Min(_count - 1, _count * 9 / 10)];
        if (_count >= MinSamples)
        {
            SpinNanoseconds = Math.Clamp(Percentile90Nanoseconds + MarginNanoseconds, MinSpinNanoseconds, MaxSpinNanoseconds);
        }
    }
}
