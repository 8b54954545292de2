// Licensed under the MIT License. See LICENSE in the repository root.
using Microsoft.Extensions.Time.Testing;

namespace OlaSharp.Core.Tests.Merge;

public class UniverseMergeTests
{
    private static readonly TimeSpan s_sacn = TimeSpan.FromSeconds(2.5);
    private readonly FakeTimeProvider _time = new();

    private Universe NewUniverse(MergeMode mode = MergeMode.Ltp, LossPolicy loss = LossPolicy.Hold) =>
        new(1, _time, mergeMode: mode, lossPolicy: loss);

    [Fact]
    public void NewUniverse_Defaults_MatchOla()
    {
        var u = new Universe(7, _time);
        Assert.Equal("Universe 7", u.Name);
        Assert.Equal(MergeMode.Ltp, u.MergeMode);
        Assert.Equal(LossPolicy.Hold, u.LossPolicy);
        Assert.Equal(0, u.Length);
        Assert.Empty(u.GetMergedCopy());
    }

    [Fact]
    public void Update_SingleSource_CopiesFrameWithItsLength()
    {
        Universe u = NewUniverse();
        DmxSource a = u.AddSource("a", "test", s_sacn);
        Assert.True(u.Update(a, [1, 2, 3]));
        Assert.Equal(new byte[] { 1, 2, 3 }, u.GetMergedCopy());
        Assert.Equal(100, u.ActivePriority);
    }

    [Fact]
    public void Update_Htp_TakesPerSlotMaxAndLongestLength()
    {
        // olad verified: [100,0,50] HTP [0,200] -> [100,200,50]
        Universe u = NewUniverse(MergeMode.Htp);
        DmxSource a = u.AddSource("a", "test", s_sacn);
        DmxSource b = u.AddSource("b", "test", s_sacn);
        u.Update(a, [100, 0, 50]);
        u.Update(b, [0, 200]);
        Assert.Equal(new byte[] { 100, 200, 50 }, u.GetMergedCopy());
    }

    [Fact]
    public void Update_Ltp_NewestWholeFrameWins()
    {
        // olad verified: [100,0,50] then [0,200] LTP -> [0,200]
        Universe u = NewUniverse(MergeMode.Ltp);
        DmxSource a = u.AddSource("a", "test", s_sacn);
        DmxSource b = u.AddSource("b", "test", s_sacn);
        u.Update(a, [100, 0, 50]);
        u.Update(b, [0, 200]);
        Assert.Equal(new byte[] { 0, 200 }, u.GetMergedCopy());
        u.Update(a, [9, 9, 9, 9]);
        Assert.Equal(new byte[] { 9, 9, 9, 9 }, u.GetMergedCopy());
    }

    [Fact]
    public void Update_LowerPrioritySender_IsIgnoredWhileHigherIsLive()
    {
        Universe u = NewUniverse(MergeMode.Htp);
        DmxSource high = u.AddSource("high", "test", s_sacn, 150);
        DmxSource low = u.AddSource("low", "test", s_sacn, 100);
        Assert.True(u.Update(high, [10]));
        long version = u.Version;
        Assert.False(u.Update(low, [255, 255]));
        Assert.Equal(new byte[] { 10 }, u.GetMergedCopy());
        Assert.Equal(version, u.Version);
        Assert.Equal(150, u.ActivePriority);
    }

    [Fact]
    public void Update_HigherPriorityArrives_ReplacesLowerEvenInHtp()
    {
        Universe u = NewUniverse(MergeMode.Htp);
        DmxSource low = u.AddSource("low", "test", s_sacn, 100);
        DmxSource high = u.AddSource("high", "test", s_sacn, 120);
        u.Update(low, [255, 255, 255]);
        u.Update(high, [1]);
        Assert.Equal(new byte[] { 1 }, u.GetMergedCopy());
        Assert.Equal(120, u.ActivePriority);
    }

    [Theory]
    [InlineData(250, 200)]
    [InlineData(201, 200)]
    [InlineData(-5, 0)]
    [InlineData(0, 0)]
    [InlineData(200, 200)]
    public void Priority_OutOfRange_IsClamped(int given, int expected)
    {
        Universe u = NewUniverse();
        DmxSource a = u.AddSource("a", "test", s_sacn, given);
        Assert.Equal(expected, a.Priority);
        u.Update(a, [1], priority: given);
        Assert.Equal(expected, a.Priority);
        Assert.Equal(expected, u.ActivePriority);
    }

    [Fact]
    public void Update_Over512Slots_IsCutTo512()
    {
        Universe u = NewUniverse();
        DmxSource a = u.AddSource("a", "test", s_sacn);
        u.Update(a, new byte[600]);
        Assert.Equal(512, u.Length);
    }

    [Fact]
    public void Update_EmptyFrame_DoesNotCountAsSource()
    {
        Universe u = NewUniverse(MergeMode.Htp);
        DmxSource a = u.AddSource("a", "test", s_sacn);
        DmxSource b = u.AddSource("b", "test", s_sacn);
        u.Update(a, [5, 5]);
        Assert.False(u.Update(b, []));
        Assert.Equal(new byte[] { 5, 5 }, u.GetMergedCopy());
        Assert.False(b.IsActive);
    }

    [Fact]
    public void Update_IdenticalFrame_IsAcceptedButVersionUnchanged()
    {
        Universe u = NewUniverse();
        DmxSource a = u.AddSource("a", "test", s_sacn);
        var events = new List<bool>();
        u.Updated += (_, changed) => events.Add(changed);
        u.Update(a, [1, 2]);
        long v = u.Version;
        u.Update(a, [1, 2]);
        Assert.Equal(v, u.Version);
        Assert.Equal(new[] { true, false }, events);
        Assert.Equal(2, u.UpdateCount);
    }

    [Fact]
    public void MergeMode_Change_RemergesImmediately()
    {
        Universe u = NewUniverse(MergeMode.Ltp);
        DmxSource a = u.AddSource("a", "test", s_sacn);
        DmxSource b = u.AddSource("b", "test", s_sacn);
        u.Update(a, [100, 0, 50]);
        u.Update(b, [0, 200]);
        u.MergeMode = MergeMode.Htp;
        Assert.Equal(new byte[] { 100, 200, 50 }, u.GetMergedCopy());
    }

    [Fact]
    public void SlotPriorities_HigherPerSlotWins_ZeroMeansNotSourcing()
    {
        Universe u = NewUniverse(MergeMode.Htp);
        DmxSource a = u.AddSource("a", "sacn", s_sacn, 100);
        DmxSource b = u.AddSource("b", "sacn", s_sacn, 100);
        u.Update(a, [10, 10, 10, 10]);
        u.Update(b, [20, 20, 20, 20]);
        // a: slot0 prio 150, slot1 prio 50, slot2 not sourced (0), slot3 prio 100 (tie -> HTP)
        u.SetSlotPriorities(a, [150, 50, 0, 100]);
        Assert.Equal(new byte[] { 10, 20, 20, 20 }, u.GetMergedCopy());
        Assert.Equal(150, u.ActivePriority);
        // a stops sending 0xDD: back to packet priority (tie, HTP)
        u.SetSlotPriorities(a, [], enabled: false);
        Assert.Equal(new byte[] { 20, 20, 20, 20 }, u.GetMergedCopy());
    }

    [Fact]
    public void SlotPriorities_NoSourceForTrailingSlots_ShortensFrame()
    {
        Universe u = NewUniverse();
        DmxSource a = u.AddSource("a", "sacn", s_sacn);
        u.Update(a, [1, 2, 3, 4]);
        u.SetSlotPriorities(a, [100, 100]);
        Assert.Equal(new byte[] { 1, 2 }, u.GetMergedCopy());
    }

    [Fact]
    public void RemoveSource_RemergesRemainingSources()
    {
        Universe u = NewUniverse(MergeMode.Htp);
        DmxSource high = u.AddSource("high", "test", Timeout.InfiniteTimeSpan, 150);
        DmxSource low = u.AddSource("low", "test", Timeout.InfiniteTimeSpan, 100);
        u.Update(low, [7, 7]);
        u.Update(high, [1]);
        u.RemoveSource(high);
        Assert.Equal(new byte[] { 7, 7 }, u.GetMergedCopy());
        Assert.Equal(100, u.ActivePriority);
        Assert.False(u.Update(high, [200]));
        Assert.Equal(1, u.SourceCount);
    }

    [Fact]
    public void UpdateWithSlotPriorities_LevelsAndPrioritiesInOneMerge()
    {
        Universe u = NewUniverse(MergeMode.Htp);
        DmxSource a = u.AddSource("a", "sacn", s_sacn);
        DmxSource b = u.AddSource("b", "test", s_sacn);
        u.Update(b, [50, 50, 50]);
        int updates = 0;
        u.Updated += (_, _) => updates++;

        // a owns slot 0 at 150, does not source slot 1, and is at 90 (below b) on slot 2.
        Assert.True(u.Update(a, [10, 255, 255], null, [150, 0, 90], slotPrioritiesEnabled: true));
        Assert.Equal(1, updates);
        Assert.True(a.UsesSlotPriorities);
        Assert.Equal(new byte[] { 10, 50, 50 }, u.GetMergedCopy());

        // Disabled in the same call: a merges at its priority (100, HTP with b).
        Assert.True(u.Update(a, [10, 255, 0], null, [], slotPrioritiesEnabled: false));
        Assert.False(a.UsesSlotPriorities);
        Assert.Equal(new byte[] { 50, 255, 50 }, u.GetMergedCopy());
        Assert.Equal(2, updates);
    }

    [Fact]
    public void CopySlotPriorities_PerSlotMerge_ReportsWinnersAndVersion()
    {
        Universe u = NewUniverse(MergeMode.Htp);
        DmxSource a = u.AddSource("a", "sacn", s_sacn);
        DmxSource b = u.AddSource("b", "test", s_sacn, 120);
        var buffer = new byte[DmxFrame.MaxSlots];
        Assert.Equal(-1, u.CopySlotPriorities(buffer, out long v0));

        u.Update(b, [1, 1]);
        Assert.Equal(-1, u.CopySlotPriorities(buffer, out long v1));
        Assert.Equal(v0, v1);

        u.Update(a, [9, 9, 9, 9], null, [200, 0, 100, 0], slotPrioritiesEnabled: true);
        Assert.Equal(3, u.CopySlotPriorities(buffer, out long v2));
        Assert.Equal(new byte[] { 200, 120, 100 }, buffer[..3]);
        Assert.Equal(new byte[] { 9, 1, 9 }, u.GetMergedCopy());
        Assert.NotEqual(v1, v2);

        // Same priorities again: same version.
        u.Update(a, [8, 8, 8, 8], null, [200, 0, 100, 0], slotPrioritiesEnabled: true);
        u.CopySlotPriorities(buffer, out long v3);
        Assert.Equal(v2, v3);

        // Back to whole-frame merging: no table, new version.
        u.Update(a, [8], null, [], slotPrioritiesEnabled: false);
        Assert.Equal(-1, u.CopySlotPriorities(buffer, out long v4));
        Assert.NotEqual(v3, v4);
    }

    [Fact]
    public void Update_SourceOfOtherUniverse_Throws()
    {
        Universe u1 = NewUniverse();
        var u2 = new Universe(2, _time);
        DmxSource s = u2.AddSource("x", "test", s_sacn);
        Assert.Throws<ArgumentException>(() => u1.Update(s, [1]));
    }

    [Fact]
    public void FramesInByKind_CountsEveryUpdate_AndOutlivesItsSources()
    {
        var u = new Universe(1);
        DmxSource a = u.AddSource("a", "e131", TimeSpan.FromSeconds(2.5));
        DmxSource b = u.AddSource("b", "e131", TimeSpan.FromSeconds(2.5));
        DmxSource h = u.AddSource("h", "http", Timeout.InfiniteTimeSpan);
        u.Update(a, [1]);
        u.Update(b, [2]);
        u.Update(b, [3]);
        u.Update(h, [4]);
        u.Update(h, []); // empty frames are received, though they do not count in the merge
        u.RemoveSource(a);
        u.RemoveSource(b);

        var byKind = u.GetFramesInByKind().ToDictionary(kv => kv.Key, kv => kv.Value);
        Assert.Equal(3, byKind["e131"]);
        Assert.Equal(2, byKind["http"]);

        DmxSource c = u.AddSource("c", "e131", TimeSpan.FromSeconds(2.5));
        u.Update(c, [5]);
        Assert.Equal(4, u.GetFramesInByKind().Single(kv => kv.Key == "e131").Value);
    }
}
