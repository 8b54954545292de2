// Licensed under the MIT License. See LICENSE in the repository root.
namespace OlaSharp.Tests.Shared;

/// <summary>
/// Measures what a hot path allocates on this thread in steady state. A per-frame allocation shows in every
/// measured round; runtime work that happens once (a method reaching its tier-up call count, a late first call)
/// lands in one round at most, and made single-window checks fail on CI now and then (2,656 B once after a short
/// warm-up). So: warm-up rounds, then several measured rounds; the tests assert on the quietest. Linked into the
/// sACN and UART test projects.
/// </summary>
internal static class SteadyState
{
    /// <summary>Runs <paramref name="round"/> <paramref name="warmUp"/> times, then <paramref name="rounds"/> times measured.</summary>
    /// <returns>The bytes each measured round allocated on this thread.</returns>
    public static long[] AllocatedPerRound(Action round, int warmUp = 3, int rounds = 3)
    {
        ArgumentNullException.ThrowIfNull(round);
        for (int i = 0; i < warmUp; i++)
        {
            round();
        }

        var allocated = new long[rounds];
        for (int i = 0; i < rounds; i++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            round();
            allocated[i] = GC.GetAllocatedBytesForCurrentThread() - before;
        }

        return allocated;
    }

    /// <summary>Asserts that the quietest measured round allocated nothing, naming every round's bytes otherwise.</summary>
    public static void AssertAllocatesNothing(Action round, int warmUp = 3, int rounds = 3)
    {
        long[] allocated = AllocatedPerRound(round, warmUp, rounds);
        Assert.True(allocated.Min() == 0, $"allocated {string.Join(", ", allocated)} bytes in {rounds} measured rounds");
    }
}
