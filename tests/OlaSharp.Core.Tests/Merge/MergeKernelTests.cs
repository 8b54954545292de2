// Licensed under the MIT License. See LICENSE in the repository root.
using OlaSharp.Core.Merge;

namespace OlaSharp.Core.Tests.Merge;

/// <summary>The merge kernel against a scalar, slot-major reference over random rounds.</summary>
public class MergeKernelTests
{
    private delegate byte TieRule(byte current, byte candidate, bool htp);

    // The rule the kernel must follow: HTP takes the maximum among equal ranks, LTP the later source.
    private static byte CorrectTie(byte current, byte candidate, bool htp) => htp ? Math.Max(current, candidate) : candidate;

    // A broken rule (ties keep the first source), to check the random rounds notice a wrong tie rule.
    private static byte FirstWinsTie(byte current, byte candidate, bool htp) => current;

    [Fact]
    public void MaxInto_RandomLengths_MatchesScalarMaximum()
    {
        var rng = new Random(7);
        for (int round = 0; round < 300; round++)
        {
            int dstLength = rng.Next(0, 513);
            byte[] dst = RandomBytes(rng, dstLength);
            byte[] src = RandomBytes(rng, rng.Next(0, dstLength + 1));
            byte[] expected = (byte[])dst.Clone();
            for (int i = 0; i < src.Length; i++)
            {
                expected[i] = Math.Max(expected[i], src[i]);
            }

            MergeKernel.MaxInto(dst, src);
            Assert.Equal(expected, dst);
        }
    }

    [Fact]
    public void ToRanks_RandomPriorities_ZeroIsNotSourcingAndClampsToMax()
    {
        var rng = new Random(11);
        for (int round = 0; round < 300; round++)
        {
            byte[] priorities = RandomBytes(rng, rng.Next(0, 513));
            for (int i = 0; i < priorities.Length; i += 5)
            {
                priorities[i] = 0;
            }

            byte[] rank = new byte[priorities.Length];
            MergeKernel.ToRanks(priorities, rank, 200);
            for (int i = 0; i < priorities.Length; i++)
            {
                byte expected = priorities[i] == 0 ? (byte)0 : (byte)(Math.Min((int)priorities[i], 200) + 1);
                Assert.Equal(expected, rank[i]);
            }
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void MergeRanked_RandomSources_MatchesScalarReference(bool htp)
    {
        var rng = new Random(htp ? 1 : 2);
        for (int round = 0; round < 300; round++)
        {
            Round r = Round.Random(rng);
            (byte[] rank, byte[] levels, byte[] priorities, int length, int top) = RunKernel(r, htp);
            (byte[] eRank, byte[] eLevels, int eLength, int eTop) = Reference(r, htp, CorrectTie);
            Assert.Equal(eRank, rank);
            Assert.Equal(eLevels, levels);
            Assert.Equal(eLength, length);
            Assert.Equal(eTop, top);
            for (int k = 0; k < r.MaxLength; k++)
            {
                Assert.Equal(eRank[k] == 0 ? 0 : eRank[k] - 1, priorities[k]);
            }
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void MergeRanked_BrokenTieRuleInReference_IsCaughtByTheRounds(bool htp)
    {
        // The same rounds against a reference whose ties keep the first source: they must disagree,
        // or the rounds above would not notice a kernel with that defect.
        var rng = new Random(htp ? 1 : 2);
        int mismatches = 0;
        for (int round = 0; round < 300; round++)
        {
            Round r = Round.Random(rng);
            (_, byte[] levels, _, _, _) = RunKernel(r, htp);
            (_, byte[] broken, _, _) = Reference(r, htp, FirstWinsTie);
            if (!levels.AsSpan().SequenceEqual(broken))
            {
                mismatches++;
            }
        }

        Assert.True(mismatches > 100, $"only {mismatches} of 300 rounds told the broken tie rule apart");
    }

    private static (byte[] Rank, byte[] Levels, byte[] Priorities, int Length, int Top) RunKernel(Round r, bool htp)
    {
        byte[] rank = new byte[r.MaxLength];
        byte[] levels = new byte[r.MaxLength];
        byte[] priorities = new byte[r.MaxLength];
        for (int s = 0; s < r.Ranks.Length; s++)
        {
            MergeKernel.MergeRanked(rank, levels, r.Ranks[s], r.Levels[s], htp);
        }

        int length = MergeKernel.RanksToPriorities(rank, priorities, out int top);
        return (rank, levels, priorities, length, top);
    }

    // Slot-major, source by source in order: the highest rank wins, equal non-zero ranks follow the tie rule.
    private static (byte[] Rank, byte[] Levels, int Length, int Top) Reference(Round r, bool htp, TieRule tie)
    {
        byte[] rank = new byte[r.MaxLength];
        byte[] levels = new byte[r.MaxLength];
        int length = 0;
        int top = 0;
        for (int k = 0; k < r.MaxLength; k++)
        {
            for (int s = 0; s < r.Ranks.Length; s++)
            {
                if (k >= r.Ranks[s].Length || r.Ranks[s][k] == 0)
                {
                    continue;
                }

                byte candidate = r.Levels[s][k];
                if (r.Ranks[s][k] > rank[k])
                {
                    rank[k] = r.Ranks[s][k];
                    levels[k] = candidate;
                }
                else if (r.Ranks[s][k] == rank[k])
                {
                    levels[k] = tie(levels[k], candidate, htp);
                }
            }

            if (rank[k] != 0)
            {
                length = k + 1;
                top = Math.Max(top, rank[k] - 1);
            }
        }

        return (rank, levels, length, top);
    }

    private static byte[] RandomBytes(Random rng, int length)
    {
        byte[] b = new byte[length];
        rng.NextBytes(b);
        return b;
    }

    private sealed record Round(byte[][] Ranks, byte[][] Levels, int MaxLength)
    {
        // 1-6 sources of random lengths (not multiples of the vector width), ranks from a small set so
        // ties and "not sourcing" (0) are frequent, the occasional source at the highest rank (201).
        public static Round Random(Random rng)
        {
            int count = rng.Next(1, 7);
            var ranks = new byte[count][];
            var levels = new byte[count][];
            int max = 0;
            for (int s = 0; s < count; s++)
            {
                int n = rng.Next(0, 513);
                max = Math.Max(max, n);
                ranks[s] = new byte[n];
                levels[s] = RandomBytes(rng, n);
                for (int k = 0; k < n; k++)
                {
                    int pick = rng.Next(0, 5);
                    ranks[s][k] = pick == 4 ? (byte)201 : (byte)pick;
                }
            }

            return new Round(ranks, levels, max);
        }
    }
}
