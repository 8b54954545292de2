// Licensed under the MIT License. See LICENSE in the repository root.
using System.Numerics;

namespace OlaSharp.Core;

public sealed partial class Universe
{
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
        else if (_hasMergedPriorities)
        {
            _hasMergedPriorities = false;
            SlotPriorityVersion++;
        }

        ActivePriority = activePriority;
        UpdateCount++;
        if (length != _mergedLength || !_scratch.AsSpan(0, length).SequenceEqual(_merged.AsSpan(0, length)))
        {
            (_merged, _scratch) = (_scratch, _merged);
            _mergedLength = length;
            Version++;
        }

        return true;
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

            MaxInto(dst, s.Slots.AsSpan(0, s.Length));
        }

        return length;
    }

    // dst[i] = max(dst[i], src[i]) for i < src.Length. Vectorized: the scalar loop measured
    // ~1.9 us for 4 x 512 slots on the CI machine (AMD EPYC, 2 cores).
    private static void MaxInto(Span<byte> dst, ReadOnlySpan<byte> src)
    {
        int k = 0;
        if (Vector.IsHardwareAccelerated)
        {
            int width = Vector<byte>.Count;
            for (; k <= src.Length - width; k += width)
            {
                Vector.Max(new Vector<byte>(dst[k..]), new Vector<byte>(src[k..])).CopyTo(dst[k..]);
            }
        }

        for (; k < src.Length; k++)
        {
            if (src[k] > dst[k])
            {
                dst[k] = src[k];
            }
        }
    }

    // Per-address priority (sACN 0xDD, ETC's rules): each slot goes to the sources with the highest
    // priority for that slot; a per-slot priority of 0 means "not sourcing this slot"; ties are
    // merged by the universe mode (HTP max, LTP newest). The length is the last sourced slot + 1.
    private int MergePerSlot(long now, out int activePriority)
    {
        int length = 0;
        int maxLength = 0;
        activePriority = 0;
        for (int i = 0; i < _sources.Count; i++)
        {
            DmxSource s = _sources[i];
            if (IsLive(s, now) && s.Length > maxLength)
            {
                maxLength = s.Length;
            }
        }

        bool htp = _mergeMode == MergeMode.Htp;
        for (int slot = 0; slot < maxLength; slot++)
        {
            int bestPriority = -1;
            long bestSequence = -1;
            byte value = 0;
            for (int i = 0; i < _sources.Count; i++)
            {
                DmxSource s = _sources[i];
                if (slot >= s.Length || !IsLive(s, now))
                {
                    continue;
                }

                int p;
                if (s.SlotPrioritiesEnabled)
                {
                    p = slot < s.SlotPriorityLength ? s.SlotPriorities![slot] : 0;
                    if (p == 0)
                    {
                        continue;
                    }
                }
                else
                {
                    p = s.Priority;
                }

                byte v = s.Slots[slot];
                if (p > bestPriority)
                {
                    bestPriority = p;
                    bestSequence = s.Sequence;
                    value = v;
                }
                else if (p == bestPriority)
                {
                    if (htp)
                    {
                        if (v > value)
                        {
                            value = v;
                        }
                    }
                    else if (s.Sequence > bestSequence)
                    {
                        bestSequence = s.Sequence;
                        value = v;
                    }
                }
            }

            _priorityScratch[slot] = (byte)Math.Max(bestPriority, 0);
            if (bestPriority >= 0)
            {
                _scratch[slot] = value;
                length = slot + 1;
                if (bestPriority > activePriority)
                {
                    activePriority = bestPriority;
                }
            }
            else
            {
                _scratch[slot] = 0;
            }
        }

        return length;
    }
}
