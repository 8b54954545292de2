// Licensed under the MIT License. See LICENSE in the repository root.
using OlaSharp.Core.Merge;

namespace OlaSharp.Sacn.Internal;

/// <summary>The sACN input port's merge of its senders (E1.31 priority, HTP among equals, ETC's 0xDD per slot).</summary>
internal sealed partial class SacnInputPort
{
    private readonly byte[] _rank = new byte[DmxFrame.MaxSlots];
    private readonly byte[] _senderRank = new byte[DmxFrame.MaxSlots];

    // Senders whose levels count (past the 0xDD wait and sync hold). Without 0xDD (or with a static port
    // priority): the top priority's senders, HTP per slot, as long as the longest. With 0xDD: per slot, the
    // highest priority (0xDD value, or the packet priority for a sender without 0xDD; 0 = not sourcing),
    // HTP among equals; the winners' priorities go up with the levels.
    protected override int MergeLocked(Span<byte> levels, Span<byte> slotPriorities, out int? priority, out bool perSlot)
    {
        int top = -1;
        bool perAddress = false;
        for (int i = 0; i < _list.Count; i++)
        {
            SacnSender s = _list[i];
            if (s.LevelsLength < 0)
            {
                continue;
            }

            if (s.Priority > top)
            {
                top = s.Priority;
            }

            perAddress |= s.PerAddressActive;
        }

        perAddress &= PriorityMode != PriorityMode.Static;
        priority = top;
        perSlot = perAddress;
        return top < 0 ? 0 : perAddress ? MergePerAddress(levels, slotPriorities) : MergeTop(top, levels);
    }

    private int MergeTop(int top, Span<byte> levels)
    {
        int length = 0;
        for (int i = 0; i < _list.Count; i++)
        {
            SacnSender s = _list[i];
            if (s.Priority == top && s.LevelsLength > length)
            {
                length = s.LevelsLength;
            }
        }

        Span<byte> dst = levels[..length];
        dst.Clear();
        for (int i = 0; i < _list.Count; i++)
        {
            SacnSender s = _list[i];
            if (s.Priority == top && s.LevelsLength > 0)
            {
                MergeKernel.MaxInto(dst, s.Levels.AsSpan(0, s.LevelsLength));
            }
        }

        return length;
    }

    // Per slot: the highest rank wins, HTP among equal ranks. A rank is priority + 1 (0 = not sourcing), so
    // a sender without 0xDD at priority 0 still sources its slots inside the port. Sender by sender over
    // the slots, vectorized. SacnReceiveBenchmarks (PerAddress=true, 2 senders x 512 slots, a packet from
    // each, --job short on the shared 2-core CI box): 9.3 us with a scalar slot-major loop, 8.3 us with
    // this one; most of the rest is the universe's own per-slot merge (MergeBenchmarks: 6.9 us at 4 x 512).
    private int MergePerAddress(Span<byte> levels, Span<byte> slotPriorities)
    {
        int length = 0;
        for (int i = 0; i < _list.Count; i++)
        {
            if (_list[i].LevelsLength > length)
            {
                length = _list[i].LevelsLength;
            }
        }

        Span<byte> rank = _rank.AsSpan(0, length);
        levels = levels[..length];
        rank.Clear();
        levels.Clear();
        for (int i = 0; i < _list.Count; i++)
        {
            SacnSender s = _list[i];
            int n = s.LevelsLength;
            if (n <= 0)
            {
                continue;
            }

            Span<byte> senderRank = _senderRank.AsSpan(0, n);
            if (s.PerAddressActive)
            {
                // ETC: 0 = not sourcing; a short 0xDD packet leaves the rest at 0.
                int m = Math.Min(n, s.PerAddressLength);
                MergeKernel.ToRanks(s.PerAddress.AsSpan(0, m), senderRank, (byte)SacnDataPacket.MaxPriority);
                senderRank[m..].Clear();
            }
            else
            {
                senderRank.Fill(MergeKernel.Rank(s.Priority));
            }

            MergeKernel.MergeRanked(rank[..n], levels[..n], senderRank, s.Levels.AsSpan(0, n), htp: true);
        }

        // Upward, a slot's priority is its rank - 1 (0 when nobody sources it).
        MergeKernel.RanksToPriorities(rank, slotPriorities, out _);
        return length;
    }
}
