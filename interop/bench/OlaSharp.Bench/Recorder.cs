// Licensed under the MIT License. See LICENSE in the repository root.
using System.Buffers.Binary;
using System.Diagnostics;

namespace OlaSharp.Bench;

/// <summary>
/// What came back from the server, per universe: frame counters (gaps, duplicates, reordering),
/// input→output latency from the send time stamped into the slots, and the period between
/// consecutive outputs of a universe. Only frames numbered in [<see cref="FirstFrame"/>,
/// <see cref="EndFrame"/>) count; the warm-up before and the tail after are ignored.
/// Called from one thread (the sink's); allocation-free after construction.
/// </summary>
internal sealed class Recorder
{
    private readonly long[] _last;
    private readonly long[] _lastTime;
    private readonly long[] _lastSent;
    private readonly long[] _received;
    private readonly double _periodTicks;

    public Recorder(int universes, double rate, long firstFrame, long endFrame)
    {
        Universes = universes;
        FirstFrame = firstFrame;
        EndFrame = endFrame;
        _last = new long[universes + 1];
        _lastTime = new long[universes + 1];
        _lastSent = new long[universes + 1];
        _received = new long[universes + 1];
        Array.Fill(_last, -1);
        _periodTicks = Stopwatch.Frequency / rate;
    }

    public int Universes { get; }

    public long FirstFrame { get; }

    public long EndFrame { get; }

    /// <summary>Input→output latency, µs.</summary>
    public Histogram Latency { get; } = new();

    /// <summary>|interval between consecutive frames of a universe − nominal period|, µs.</summary>
    public Histogram Jitter { get; } = new();

    /// <summary>The same for the send times stamped in those frames: the generator's own jitter, for reference.</summary>
    public Histogram InputJitter { get; } = new();

    /// <summary>Frames received inside the window (distinct, in order).</summary>
    public long Received { get; private set; }

    /// <summary>Received frames of any number (warm-up and tail included).</summary>
    public long ReceivedTotal { get; private set; }

    /// <summary>Places where a universe's counter jumped by more than one inside the window.</summary>
    public long Gaps { get; private set; }

    /// <summary>Frames skipped by those jumps.</summary>
    public long Skipped { get; private set; }

    /// <summary>Frames that came again or out of order.</summary>
    public long Stale { get; private set; }

    /// <summary>
    /// Frames never forwarded before each universe's first output (olasharpd holds a new sACN source's
    /// levels up to 1.5 s waiting for per-address priority, as ETC gear does; olad forwards at once).
    /// </summary>
    public long HeldAtStart { get; private set; }

    /// <summary>Messages that were not ours (wrong universe or too short).</summary>
    public long Foreign { get; private set; }

    /// <summary>Frames received in the window for universes that received nothing at all in it.</summary>
    public int SilentUniverses
    {
        get
        {
            int n = 0;
            for (int u = 1; u <= Universes; u++)
            {
                if (_received[u] == 0)
                {
                    n++;
                }
            }

            return n;
        }
    }

    /// <summary>Records one output frame of <paramref name="universe"/> received at <paramref name="now"/>.</summary>
    public void Record(int universe, ReadOnlySpan<byte> slots, long now)
    {
        if (universe < 1 || universe > Universes || slots.Length < 12)
        {
            Foreign++;
            return;
        }

        ReadCounters(slots, out long frame, out long sentAt);
        ReceivedTotal++;
        long last = _last[universe];
        if (last < 0)
        {
            HeldAtStart += frame;
        }

        if (frame <= last)
        {
            Stale++;
            return;
        }

        bool inWindow = frame >= FirstFrame && frame < EndFrame;
        if (inWindow)
        {
            Received++;
            _received[universe]++;
            Latency.Add((now - sentAt) * 1_000_000 / Stopwatch.Frequency);
            if (last >= FirstFrame && frame > last + 1)
            {
                Gaps++;
                Skipped += frame - last - 1;
            }

            if (last >= FirstFrame && frame == last + 1)
            {
                double deviation = Math.Abs((now - _lastTime[universe]) - _periodTicks);
                Jitter.Add((long)(deviation * 1_000_000 / Stopwatch.Frequency));
                double input = Math.Abs((sentAt - _lastSent[universe]) - _periodTicks);
                InputJitter.Add((long)(input * 1_000_000 / Stopwatch.Frequency));
            }
        }

        _last[universe] = frame;
        _lastTime[universe] = now;
        _lastSent[universe] = sentAt;
    }

    /// <summary>Reads the counter and send time the generator stamped into slots 0-11.</summary>
    public static void ReadCounters(ReadOnlySpan<byte> slots, out long frame, out long sentAt)
    {
        frame = BinaryPrimitives.ReadUInt32BigEndian(slots);
        sentAt = BinaryPrimitives.ReadInt64BigEndian(slots[4..]);
    }
}

/// <summary>A histogram with 1 µs buckets up to 1 s (exact percentiles in that range) and a tracked maximum.</summary>
internal sealed class Histogram
{
    private const int Buckets = 1_000_000;
    private readonly long[] _counts = new long[Buckets + 1];

    public long Count { get; private set; }

    public long Max { get; private set; }

    public void Add(long micros)
    {
        if (micros < 0)
        {
            micros = 0;
        }

        _counts[Math.Min(micros, Buckets)]++;
        Count++;
        Max = Math.Max(Max, micros);
    }

    /// <summary>The value at quantile <paramref name="q"/> (0..1), µs; 0 when empty.</summary>
    public long Percentile(double q)
    {
        if (Count == 0)
        {
            return 0;
        }

        long rank = Math.Max(1, (long)Math.Ceiling(q * Count));
        long seen = 0;
        for (int i = 0; i <= Buckets; i++)
        {
            seen += _counts[i];
            if (seen >= rank)
            {
                return i == Buckets ? Max : i;
            }
        }

        return Max;
    }
}
