// Licensed under the MIT License. See LICENSE in the repository root.
namespace OlaSharp.Core.Clock;

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
