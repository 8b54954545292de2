// Licensed under the MIT License. See LICENSE in the repository root.

namespace OlaSharp.Core.Tests.Merge;

/// <summary>The stamp given with a copy of the merged frame grows with every state a consumer must see.</summary>
public sealed class MergedStampTests
{
    [Fact]
    public void Stamp_GrowsOnEveryUpdate_IdenticalOnesToo()
    {
        Universe u = new(1);
        DmxSource a = u.AddSource("a", "test", Timeout.InfiniteTimeSpan);
        byte[] copy = new byte[DmxFrame.MaxSlots];
        u.Update(a, [1, 2, 3]);
        u.CopyMerged(copy, out long first);
        u.Update(a, [1, 2, 3]);
        int length = u.CopyMerged(copy, out long second);
        Assert.True(second > first);
        Assert.Equal(new byte[] { 1, 2, 3 }, copy[..length]);
    }

    [Fact]
    public void Stamp_GrowsWhenTheLastSourceLeavesAndTheLossPolicyBlacksOut()
    {
        Universe u = new(1, lossPolicy: LossPolicy.Blackout);
        DmxSource a = u.AddSource("a", "test", Timeout.InfiniteTimeSpan);
        byte[] copy = new byte[DmxFrame.MaxSlots];
        u.Update(a, [9, 9]);
        u.CopyMerged(copy, out long before);
        u.RemoveSource(a);
        int length = u.CopyMerged(copy, out long after);
        Assert.True(after > before);
        Assert.Equal(new byte[] { 0, 0 }, copy[..length]);
    }

    [Fact]
    public void Stamp_GrowsWhenAnotherSourceLeavesAndTheRestIsMergedAgain()
    {
        Universe u = new(1, mergeMode: MergeMode.Htp);
        DmxSource a = u.AddSource("a", "test", Timeout.InfiniteTimeSpan);
        DmxSource b = u.AddSource("b", "test", Timeout.InfiniteTimeSpan);
        byte[] copy = new byte[DmxFrame.MaxSlots];
        u.Update(a, [10]);
        u.Update(b, [200]);
        u.CopyMerged(copy, out long before);
        u.RemoveSource(b);
        int length = u.CopyMerged(copy, out long after);
        Assert.True(after > before);
        Assert.Equal(new byte[] { 10 }, copy[..length]);
    }
}
