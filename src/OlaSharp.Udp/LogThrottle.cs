// Licensed under the MIT License. See LICENSE in the repository root.
namespace OlaSharp.Udp;

/// <summary>
/// At most one log line per interval for one kind of event (bad packets, send errors): untrusted input never
/// floods the log. Thread-safe; allocation-free.
/// </summary>
public sealed class LogThrottle(TimeProvider time, TimeSpan interval)
{
    /// <summary>How often a protocol logs bad input it dropped (once per 10 s; the counters count every packet).</summary>
    public static readonly TimeSpan BadInputInterval = TimeSpan.FromSeconds(10);

    private long _last = long.MinValue;

    /// <summary>A throttle at <see cref="BadInputInterval"/>.</summary>
    public LogThrottle(TimeProvider time)
        : this(time, BadInputInterval)
    {
    }

    /// <summary>True when a line may be written now (and the interval starts again).</summary>
    public bool ShouldLog() => ShouldLog(time.GetTimestamp());

    /// <summary>True when a line may be written at <paramref name="now"/> (and the interval starts again).</summary>
    public bool ShouldLog(long now)
    {
        long seen = Interlocked.Read(ref _last);
        if (seen != long.MinValue && time.GetElapsedTime(seen, now) < interval)
        {
            return false;
        }

        return Interlocked.CompareExchange(ref _last, now, seen) == seen;
    }
}
