// Licensed under the MIT License. See LICENSE in the repository root.
using OlaSharp.Core.Merge;

namespace OlaSharp.ArtNet.Internal;

/// <summary>
/// The Art-Net 4 two-source merge of one input port: sources keyed by IP, HTP (default) or LTP, a third
/// source ignored while two are live, a source forgotten after 10 s of silence (timer-driven through
/// <see cref="Expire"/>). Sequence numbers are honoured per source: 0 disables the check; a packet whose
/// signed 8-bit distance to the last one is in -<see cref="LateWindow"/>..0 is dropped as late or duplicate.
/// Timestamps are <see cref="TimeProvider.GetTimestamp"/> values; not thread-safe (the receive thread owns it).
/// </summary>
internal sealed class ArtNetMerger
{
    /// <summary>Art-Net 4: at most two sources merge.</summary>
    public const int MaxSources = 2;

    /// <summary>How far back (in sequence steps) a packet counts as late rather than a sender restart.</summary>
    public const int LateWindow = 20;

    private readonly Source[] _sources = [new(), new()];
    private readonly byte[] _merged = new byte[Packets.ArtDmxPacket.MaxSlots];
    private readonly long _timeoutTicks;
    private int _mergedLength;
    private long _stamp;

    /// <summary>Creates a merger whose sources expire after <paramref name="timeout"/> at <paramref name="timestampFrequency"/>.</summary>
    public ArtNetMerger(TimeSpan timeout, long timestampFrequency)
    {
        _timeoutTicks = (long)(timeout.TotalSeconds * timestampFrequency);
    }

    /// <summary>The merge mode.</summary>
    public ArtNetMergeMode Mode { get; set; }

    /// <summary>The merged frame.</summary>
    public ReadOnlySpan<byte> Merged => _merged.AsSpan(0, _mergedLength);

    /// <summary>Number of live sources (0..2).</summary>
    public int SourceCount => (_sources[0].InUse ? 1 : 0) + (_sources[1].InUse ? 1 : 0);

    /// <summary>True while two sources are live.</summary>
    public bool IsMerging => SourceCount == MaxSources;

    /// <summary>Packets dropped as late or duplicate.</summary>
    public long LateDropped { get; private set; }

    /// <summary>Packets dropped from a third source.</summary>
    public long ThirdSourceDropped { get; private set; }

    /// <summary>Offers a packet from <paramref name="ip"/>.</summary>
    public MergeOutcome Accept(uint ip, byte sequence, ReadOnlySpan<byte> data, long now)
    {
        Expire(now);
        Source? source = Find(ip);
        if (source is null)
        {
            source = _sources[0].InUse ? (_sources[1].InUse ? null : _sources[1]) : _sources[0];
            if (source is null)
            {
                ThirdSourceDropped++;
                return MergeOutcome.ThirdSourceIgnored;
            }

            source.InUse = true;
            source.Ip = ip;
            source.LastSequence = 0;
            source.PacketCount = 0;
        }
        else if (sequence != 0 && source.LastSequence != 0)
        {
            int distance = (sbyte)(byte)(sequence - source.LastSequence);
            if (distance <= 0 && distance >= -LateWindow)
            {
                LateDropped++;
                return MergeOutcome.LateSequence;
            }
        }

        source.LastSequence = sequence;
        source.LastSeen = now;
        source.PacketCount++;
        source.Length = Math.Min(data.Length, source.Data.Length);
        data[..source.Length].CopyTo(source.Data);
        source.Stamp = ++_stamp;
        Remerge();
        return MergeOutcome.Accepted;
    }

    /// <summary>Drops sources silent for the merge timeout; true when one was dropped and the merged frame was recomputed.</summary>
    public bool Expire(long now)
    {
        bool dropped = false;
        foreach (Source s in _sources)
        {
            if (s.InUse && now - s.LastSeen >= _timeoutTicks)
            {
                s.InUse = false;
                dropped = true;
            }
        }

        if (dropped && SourceCount > 0)
        {
            Remerge();
        }

        return dropped && SourceCount > 0;
    }

    /// <summary>
    /// Calls <paramref name="visit"/> for each live source: its IP (first octet most significant), slots in its
    /// last frame, packets taken from it and its last packet's timestamp (for APIs; the caller holds the lock).
    /// </summary>
    public void ForEachSource<TState>(TState state, Action<TState, uint, int, long, long> visit)
    {
        ArgumentNullException.ThrowIfNull(visit);
        foreach (Source s in _sources)
        {
            if (s.InUse)
            {
                visit(state, s.Ip, s.Length, s.PacketCount, s.LastSeen);
            }
        }
    }

    /// <summary>Forgets every source (on unpatch).</summary>
    public void Reset()
    {
        _sources[0].InUse = false;
        _sources[1].InUse = false;
        _mergedLength = 0;
    }

    private Source? Find(uint ip)
    {
        foreach (Source s in _sources)
        {
            if (s.InUse && s.Ip == ip)
            {
                return s;
            }
        }

        return null;
    }

    private void Remerge()
    {
        Source a = _sources[0];
        Source b = _sources[1];
        if (!a.InUse || !b.InUse)
        {
            Source only = a.InUse ? a : b;
            only.Data.AsSpan(0, only.Length).CopyTo(_merged);
            _mergedLength = only.Length;
            return;
        }

        if (Mode == ArtNetMergeMode.Ltp)
        {
            Source latest = a.Stamp > b.Stamp ? a : b;
            latest.Data.AsSpan(0, latest.Length).CopyTo(_merged);
            _mergedLength = latest.Length;
            return;
        }

        // HTP: the longer frame, then the per-slot maximum with the shorter one over the common part.
        (Source longer, Source shorter) = a.Length >= b.Length ? (a, b) : (b, a);
        longer.Data.AsSpan(0, longer.Length).CopyTo(_merged);
        MergeKernel.MaxInto(_merged, shorter.Data.AsSpan(0, shorter.Length));
        _mergedLength = longer.Length;
    }

    private sealed class Source
    {
        public readonly byte[] Data = new byte[Packets.ArtDmxPacket.MaxSlots];
        public bool InUse;
        public uint Ip;
        public long LastSeen;
        public long Stamp;
        public byte LastSequence;
        public int Length;
        public long PacketCount;
    }
}
