// Licensed under the MIT License. See LICENSE in the repository root.
namespace OlaSharp.Udp;

/// <summary>
/// At most one log line per interval for one kind of event (bad packets, send errors): untrusted input never
/// floods the log. Thread-safe; allocation-free.
/// </summary>
public sealed class LogThrottle(TimeProvider time, TimeSpan interval)
{
    private long _last = long.MinValue;

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
