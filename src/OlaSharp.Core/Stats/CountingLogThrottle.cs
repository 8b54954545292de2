// Licensed under the MIT License. See LICENSE in the repository root.
namespace OlaSharp.Core.Stats;

/// <summary>
/// Lets one log line through per <c>interval</c> and counts the ones it held back, so the next line can
/// say how many there were: bad requests from the LAN must not flood the log (HTTP's request guard and
/// bad bodies, gRPC's refused calls).
/// </summary>
/// <param name="time">The clock.</param>
/// <param name="interval">At most one line per interval.</param>
public sealed class CountingLogThrottle(TimeProvider time, TimeSpan interval)
{
    private long _last = long.MinValue;
    private long _suppressed;

    /// <summary>True when a line may be written now; <paramref name="suppressed"/> is how many were held back since the last.</summary>
    public bool TryEnter(out long suppressed)
    {
        long now = time.GetTimestamp();
        long last = Interlocked.Read(ref _last);
        if ((last != long.MinValue && time.GetElapsedTime(last, now) < interval) || Interlocked.CompareExchange(ref _last, now, last) != last)
        {
            Interlocked.Increment(ref _suppressed);
            suppressed = 0;
            return false;
        }

        suppressed = Interlocked.Exchange(ref _suppressed, 0);
        return true;
    }
}
