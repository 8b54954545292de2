// Licensed under the MIT License. See LICENSE in the repository root.
using Microsoft.Extensions.Time.Testing;

namespace OlaSharp.Core.Tests.Merge;

public class SourceExpiryTests
{
    private static readonly TimeSpan s_sacn = TimeSpan.FromSeconds(2.5);
    private static readonly TimeSpan s_artNet = TimeSpan.FromSeconds(10);
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void Timer_ExpiresSilentHighPrioritySource_WithoutAnyOtherPacket()
    {
        // olad only checks at merge time: its output stays frozen until the low source sends again.
        var registry = new UniverseRegistry(_time);
        Universe u = registry.GetOrCreate(1);
        DmxSource high = u.AddSource("high", "sacn", s_sacn, 150);
        DmxSource low = u.AddSource("low", "sacn", s_sacn, 100);
        u.Update(low, [50]);
        u.Update(high, [200]);
        using var monitor = new SourceExpiryMonitor(registry, _time);
        monitor.Start();
        var changes = 0;
        u.Updated += (_, changed) => changes += changed ? 1 : 0;

        _time.Advance(TimeSpan.FromSeconds(2.4));
        Assert.Equal(new byte[] { 200 }, u.GetMergedCopy());
        Assert.Equal(0, changes);

        // Keep the low source alive; only the timer may expire "high".
        u.Update(low, [50]);
        _time.Advance(TimeSpan.FromMilliseconds(200));
        Assert.False(high.IsActive);
        Assert.Equal(new byte[] { 50 }, u.GetMergedCopy());
        Assert.Equal(100, u.ActivePriority);
        Assert.Equal(1, changes);
    }

    [Fact]
    public void Expiry_EachSourceKeepsItsOwnTimeout()
    {
        var registry = new UniverseRegistry(_time);
        Universe u = registry.GetOrCreate(1);
        u.MergeMode = MergeMode.Htp;
        DmxSource sacn = u.AddSource("cid", "sacn", s_sacn);
        DmxSource artnet = u.AddSource("node", "artnet", s_artNet);
        DmxSource client = u.AddSource("client", "olarpc", Timeout.InfiniteTimeSpan);
        u.Update(sacn, [1, 0, 0]);
        u.Update(artnet, [0, 2, 0]);
        u.Update(client, [0, 0, 3]);
        using var monitor = new SourceExpiryMonitor(registry, _time);
        monitor.Start();

        _time.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(new byte[] { 0, 2, 3 }, u.GetMergedCopy());
        _time.Advance(TimeSpan.FromSeconds(8));
        Assert.Equal(new byte[] { 0, 0, 3 }, u.GetMergedCopy());
        _time.Advance(TimeSpan.FromHours(1));
        Assert.True(client.IsActive);
        Assert.Equal(new byte[] { 0, 0, 3 }, u.GetMergedCopy());
    }

    [Fact]
    public void LossPolicy_Hold_KeepsLastFrameWhenLastSourceExpires()
    {
        var registry = new UniverseRegistry(_time);
        Universe u = registry.GetOrCreate(1);
        DmxSource a = u.AddSource("a", "sacn", s_sacn);
        u.Update(a, [9, 8, 7]);
        using var monitor = new SourceExpiryMonitor(registry, _time);
        monitor.Start();
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.False(a.IsActive);
        Assert.Equal(new byte[] { 9, 8, 7 }, u.GetMergedCopy());
    }

    [Fact]
    public void LossPolicy_Blackout_ZeroesSlotsKeepsLengthAndNotifies()
    {
        var registry = new UniverseRegistry(_time, LossPolicy.Blackout);
        Universe u = registry.GetOrCreate(1);
        DmxSource a = u.AddSource("a", "sacn", s_sacn);
        u.Update(a, [9, 8, 7]);
        bool? lastChanged = null;
        u.Updated += (_, changed) => lastChanged = changed;
        using var monitor = new SourceExpiryMonitor(registry, _time);
        monitor.Start();
        _time.Advance(TimeSpan.FromSeconds(2.6));
        Assert.Equal(new byte[] { 0, 0, 0 }, u.GetMergedCopy());
        Assert.True(lastChanged);
    }

    [Fact]
    public void LossPolicy_Blackout_AlsoOnLastSourceRemoved()
    {
        Universe u = new(1, _time, lossPolicy: LossPolicy.Blackout);
        DmxSource a = u.AddSource("a", "olarpc", Timeout.InfiniteTimeSpan);
        u.Update(a, [1, 2]);
        u.RemoveSource(a);
        Assert.Equal(new byte[] { 0, 0 }, u.GetMergedCopy());
    }

    [Fact]
    public void ExpiredSource_SendingAgain_CountsAgain()
    {
        var registry = new UniverseRegistry(_time);
        Universe u = registry.GetOrCreate(1);
        DmxSource a = u.AddSource("a", "sacn", s_sacn);
        u.Update(a, [1]);
        using var monitor = new SourceExpiryMonitor(registry, _time);
        monitor.Start();
        _time.Advance(TimeSpan.FromSeconds(3));
        Assert.False(a.IsActive);
        Assert.True(u.Update(a, [2]));
        Assert.True(a.IsActive);
        Assert.Equal(new byte[] { 2 }, u.GetMergedCopy());
    }

    [Fact]
    public void Collect_RemovesUniversesWithNoPortsSourcesOrSinks_Every10s()
    {
        var registry = new UniverseRegistry(_time);
        registry.GetOrCreate(1);
        Universe withSink = registry.GetOrCreate(2);
        withSink.AddSink();
        Universe withSource = registry.GetOrCreate(3);
        withSource.AddSource("c", "olarpc", Timeout.InfiniteTimeSpan);
        var collected = new List<int>();
        using var monitor = new SourceExpiryMonitor(registry, _time);
        monitor.UniverseCollected += collected.Add;
        monitor.Start();
        _time.Advance(TimeSpan.FromSeconds(9));
        Assert.Empty(collected);
        _time.Advance(TimeSpan.FromSeconds(1.1));
        Assert.Equal(new[] { 1 }, collected);
        Assert.False(registry.TryGet(1, out _));
        Assert.True(registry.TryGet(2, out _));
        Assert.True(registry.TryGet(3, out _));
    }

    [Fact]
    public void Monitor_NothingToExpire_TicksOnlyForCollection_TimedSourceRearmsIt()
    {
        var registry = new UniverseRegistry(_time);
        Universe u = registry.GetOrCreate(1);
        DmxSource port = u.AddSource("artnet port", "artnet", Timeout.InfiniteTimeSpan);
        u.Update(port, [1]);
        using var monitor = new SourceExpiryMonitor(registry, _time);
        monitor.Start();
        _time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.True(monitor.IsIdle);

        // A timed source starting re-arms the 100 ms tick: it expires 2.5 s later, not at the next 10 s tick.
        DmxSource timed = u.AddSource("client", "dummy", s_sacn, 150);
        u.Update(timed, [200]);
        Assert.False(monitor.IsIdle);
        _time.Advance(TimeSpan.FromSeconds(2.6));
        Assert.False(timed.IsActive);
        Assert.Equal(new byte[] { 1 }, u.GetMergedCopy());
        Assert.True(monitor.IsIdle);

        // And again after it went quiet: a source coming back counts as becoming active.
        u.Update(timed, [201]);
        Assert.False(monitor.IsIdle);
        _time.Advance(TimeSpan.FromSeconds(2.6));
        Assert.False(timed.IsActive);
    }

    [Fact]
    public void Monitor_TimedSourceActive_KeepsTicking()
    {
        var registry = new UniverseRegistry(_time);
        Universe u = registry.GetOrCreate(1);
        DmxSource a = u.AddSource("a", "sacn", s_sacn);
        using var monitor = new SourceExpiryMonitor(registry, _time);
        monitor.Start();
        u.Update(a, [7]);
        for (int i = 0; i < 20; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(100));
            u.Update(a, [7]);
            Assert.False(monitor.IsIdle);
        }

        _time.Advance(TimeSpan.FromSeconds(2.5));
        Assert.False(a.IsActive);
        _time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.True(monitor.IsIdle);
    }
}
