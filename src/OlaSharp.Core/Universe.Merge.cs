// Licensed under the MIT License. See LICENSE in the repository root.
using OlaSharp.Core.Merge;

namespace OlaSharp.Core;

public sealed partial class Universe
{
    // Per-slot merge scratch (under _lock): the running ranks, one source's ranks, live source indices.
    private readonly byte[] _rank = new byte[DmxFrame.MaxSlots];
    private readonly byte[] _sourceRank = new byte[DmxFrame.MaxSlots];
    private int[] _order = new int[8];

    // The merge, under _lock. It writes into _scratch and swaps it with _merged when the content
    // differs, so an unchanged frame costs one compare and no copy. Returns false when the sender
    // (if any) is not among the winners; OLA then neither changes the buffer nor sends anything.
    private bool MergeLocked(DmxSource? sender, long now)
    {
        int top = -1;
        bool anySlotPriorities = false;
        int live = 0;
        for (int i = 0; i < _sources.Count; i++)
        {
            DmxSource s = _sources[i];
            if (!IsLive(s, now))
            {
                continue;
            }

            live++;
            if (s.Priority > top)
            {
                top = s.Priority;
            }

            anySlotPriorities |= s.SlotPrioritiesEnabled;
        }

        if (live == 0)
        {
            return false;
        }

        int length;
        int activePriority;
        if (anySlotPriorities)
        {
            length = MergePerSlot(now, out activePriority);
        }
        else
        {
            if (sender is not null && sender.Priority < top)
            {
                // Not winning: no change and no output (olad: "a client at 100 is ignored while a client at 150 is live").
                return false;
            }

            length = MergeWholeFrames(now, top);
            activePriority = top;
        }

        if (anySlotPriorities)
        {
            // The winners' priorities per slot, kept for outputs that forward them (sACN 0xDD).
            if (!_hasMergedPriorities || length != _mergedLength
                || !_priorityScratch.AsSpan(0, length).SequenceEqual(_mergedPriorities.AsSpan(0, length)))
            {
                (_mergedPriorities, _priorityScratch) = (_priorityScratch, _mergedPriorities);
                _hasMergedPriorities = true;
                SlotPriorityVersion++;
            }
        }
        else
        {
            ClearMergedPrioritiesLocked();
        }

        ActivePriority = activePriority;
        UpdateCount++;
        PublishScratchLocked(length);
        return true;
    }

    // The frame built in _scratch becomes the merged frame when it differs (a new Version); else nothing changes.
    private void PublishScratchLocked(int length)
    {
        if (length != _mergedLength || !_scratch.AsSpan(0, length).SequenceEqual(_merged.AsSpan(0, length)))
        {
            (_merged, _scratch) = (_scratch, _merged);
            _mergedLength = length;
            Version++;
        }
    }

    private void ClearMergedPrioritiesLocked()
    {
        if (_hasMergedPriorities)
        {
            _hasMergedPriorities = false;
            SlotPriorityVersion++;
        }
    }

    private static bool IsLive(DmxSource s, long now) => s.IsActive && s.Length > 0 && !IsExpired(s, now);

    // Priority first, then the merge mode among the sources at the top priority.
    private int MergeWholeFrames(long now, int top)
    {
        DmxSource? newest = null;
        int atTop = 0;
        int length = 0;
        for (int i = 0; i < _sources.Count; i++)
        {
            DmxSource s = _sources[i];
            if (s.Priority != top || !IsLive(s, now))
            {
                continue;
            }

            atTop++;
            if (newest is null || s.Sequence > newest.Sequence)
            {
                newest = s;
            }

            if (s.Length > length)
            {
                length = s.Length;
            }
        }

        if (atTop == 1 || _mergeMode == MergeMode.Ltp)
        {
            // LTP is whole-frame: the newest source's buffer, with its length (olad: [100,0,50] then [0,200] gives [0,200]).
            newest!.Slots.AsSpan(0, newest.Length).CopyTo(_scratch);
            return newest.Length;
        }

        // HTP: per-slot maximum; the result is as long as the longest source.
        Span<byte> dst = _scratch.AsSpan(0, length);
        dst.Clear();
        for (int i = 0; i < _sources.Count; i++)
        {
            DmxSource s = _sources[i];
            if (s.Priority != top || !IsLive(s, now))
            {
                continue;
            }

            MergeKernel.MaxInto(dst, s.Slots.AsSpan(0, s.Length));
        }

        return length;
    }

    // Per-address priority (sACN 0xDD, ETC's rules): each slot goes to the sources with the highest
    // priority for that slot; a per-slot priority of 0 means "not sourcing this slot"; ties are
    // merged by the universe mode (HTP max, LTP newest). The length is the last sourced slot + 1.
    // Source by source through the merge kernel, with rank = priority + 1 (0 = not sourcing), so a
    // source without per-slot priorities at priority 0 still sources its slots; for LTP the sources go
    // oldest first, so the newest among equals is the last to take a slot.
    private int MergePerSlot(long now, out int activePriority)
    {
        int maxLength = 0;
        int count = 0;
        if (_order.Length < _sources.Count)
        {
            _order = new int[_sources.Count * 2];
        }

        for (int i = 0; i < _sources.Count; i++)
        {
            DmxSource s = _sources[i];
            if (!IsLive(s, now))
            {
                continue;
            }

            maxLength = Math.Max(maxLength, s.Length);
            _order[count++] = i;
        }

        bool htp = _mergeMode == MergeMode.Htp;
        Span<int> order = _order.AsSpan(0, count);
        if (!htp)
        {
            SortOldestFirst(order);
        }

        Span<byte> rank = _rank.AsSpan(0, maxLength);
        Span<byte> levels = _scratch.AsSpan(0, maxLength);
        rank.Clear();
        levels.Clear();
        foreach (int i in order)
        {
            DmxSource s = _sources[i];
            int n = s.Length;
            Span<byte> sourceRank = _sourceRank.AsSpan(0, n);
            if (s.SlotPrioritiesEnabled)
            {
                int m = Math.Min(n, s.SlotPriorityLength);
                MergeKernel.ToRanks(s.SlotPriorities.AsSpan(0, m), sourceRank, (byte)OlaSharp.Core.Priority.Max);
                sourceRank[m..].Clear();
            }
            else
            {
                sourceRank.Fill(MergeKernel.Rank(s.Priority));
            }

            MergeKernel.MergeRanked(rank, levels, sourceRank, s.Slots.AsSpan(0, n), htp);
        }

        return MergeKernel.RanksToPriorities(rank, _priorityScratch, out activePriority);
    }

    // Insertion sort of source indices by update sequence, oldest first; among equal sequences the later
    // index goes first, so the earlier-added source is the last to take a tied slot (the scalar rule kept
    // the first source met unless a strictly newer one came).
    private void SortOldestFirst(Span<int> order)
    {
        for (int i = 1; i < order.Length; i++)
        {
            int x = order[i];
            long seq = _sources[x].Sequence;
            int j = i - 1;
            while (j >= 0 && (_sources[order[j]].Sequence > seq || (_sources[order[j]].Sequence == seq && order[j] < x)))
            {
                order[j + 1] = order[j];
                j--;
            }

            order[j + 1] = x;
        }
    }
}
