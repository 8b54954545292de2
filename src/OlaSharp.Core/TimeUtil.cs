// Licensed under the MIT License. See LICENSE in the repository root.
namespace OlaSharp.Core;

/// <summary>Conversions between <see cref="TimeSpan"/> and <see cref="TimeProvider"/> timestamps.</summary>
public static class TimeUtil
{
    /// <summary>Converts a duration to timestamp ticks at <paramref name="frequency"/>; infinite becomes <see cref="long.MaxValue"/>.</summary>
    public static long ToTimestampTicks(TimeSpan duration, long frequency)
    {
        if (duration == Timeout.InfiniteTimeSpan || duration == TimeSpan.MaxValue)
        {
            return long.MaxValue;
        }

        // Int128 keeps ns-resolution clocks (1e9 Hz) exact for any TimeSpan.
        Int128 ticks = (Int128)duration.Ticks * frequency / TimeSpan.TicksPerSecond;
        return ticks > long.MaxValue ? long.MaxValue : (long)ticks;
    }

    /// <summary>Converts timestamp ticks back to a duration.</summary>
    public static TimeSpan FromTimestampTicks(long ticks, long frequency) =>
        TimeSpan.FromTicks((long)((Int128)ticks * TimeSpan.TicksPerSecond / frequency));
}
