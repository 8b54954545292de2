// Licensed under the MIT License. See LICENSE in the repository root.
using Microsoft.Extensions.Time.Testing;

namespace OlaSharp.Core.Tests.Merge;

/// <summary>
/// The universe's per-slot priority merge (through the merge kernel) against the scalar slot-major rule it
/// replaced, over random rounds in both merge modes: per slot the highest priority wins (a per-slot priority
/// of 0 = not sourcing; a source without per-slot priorities uses its priority), ties HTP max or LTP newest.
/// </summary>
public class UniversePerSlotReferenceTests
{
    [Theory]
    [InlineData(MergeMode.Htp)]
    [InlineData(MergeMode.Ltp)]
    public void Update_RandomPerSlotRounds_MatchScalarReference(MergeMode mode)
    {
        var rng = new Random(mode == MergeMode.Htp ? 3 : 4);
        var time = new FakeTimeProvider();
        for (int round = 0; round < 300; round++)
        {
            var u = new Universe(1, time, mergeMode: mode);
            int count = rng.Next(1, 5);
            var model = new List<Model>();
            for (int i = 0; i < count; i++)
            {
                DmxSource s = u.AddSource($"s{i}", "test", TimeSpan.FromSeconds(2.5));
                model.Add(new Model(s, i == 0 || rng.Next(2) == 0));
            }

            // Every source sends at least once, in random order, some twice (the newest counts for LTP).
            var order = Enumerable.Range(0, count).Concat(Enumerable.Range(0, count).Where(_ => rng.Next(2) == 0)).OrderBy(_ => rng.Next()).ToList();
            long stamp = 0;
            foreach (int i in order)
            {
                Model m = model[i];
                m.Levels = new byte[rng.Next(1, 513)];
                rng.NextBytes(m.Levels);
                m.Priority = rng.Next(2) == 0 ? 100 : 50;
                m.Stamp = ++stamp;
                if (m.PerSlot)
                {
                    m.SlotPriorities = new byte[rng.Next(0, m.Levels.Length + 1)];
                    for (int k = 0; k < m.SlotPriorities.Length; k++)
                    {
                        m.SlotPriorities[k] = (byte)(rng.Next(3) * 50);
                    }

                    u.Update(m.Source, m.Levels, m.Priority, m.SlotPriorities, slotPrioritiesEnabled: true);
                }
                else
                {
                    u.Update(m.Source, m.Levels, m.Priority);
                }
            }

            (byte[] expected, int top) = Reference(model, mode == MergeMode.Htp);
            Assert.Equal(expected, u.GetMergedCopy());
            Assert.Equal(top, u.ActivePriority);
        }
    }

    private static (byte[] Levels, int Top) Reference(List<Model> model, bool htp)
    {
        int max = model.Max(m => m.Levels.Length);
        byte[] levels = new byte[max];
        int length = 0;
        int top = 0;
        for (int slot = 0; slot < max; slot++)
        {
            int best = -1;
            long bestStamp = -1;
            byte value = 0;
            foreach (Model m in model)
            {
                if (slot >= m.Levels.Length)
                {
                    continue;
                }

                int p = m.PerSlot ? (slot < m.SlotPriorities.Length ? m.SlotPriorities[slot] : 0) : m.Priority;
                if (m.PerSlot && p == 0)
                {
                    continue;
                }

                byte v = m.Levels[slot];
                if (p > best)
                {
                    (best, bestStamp, value) = (p, m.Stamp, v);
                }
                else if (p == best && (htp ? v > value : m.Stamp > bestStamp))
                {
                    (bestStamp, value) = (m.Stamp, v);
                }
            }

            if (best >= 0)
            {
                levels[slot] = value;
                length = slot + 1;
                top = Math.Max(top, best);
            }
        }

        return (levels[..length], top);
    }

    private sealed class Model(DmxSource source, bool perSlot)
    {
        public DmxSource Source { get; } = source;

        public bool PerSlot { get; } = perSlot;

        public byte[] Levels { get; set; } = [];

        public byte[] SlotPriorities { get; set; } = [];

        public int Priority { get; set; }

        public long Stamp { get; set; }
    }
}
