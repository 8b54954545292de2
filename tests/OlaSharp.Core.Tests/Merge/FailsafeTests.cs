// Licensed under the MIT License. See LICENSE in the repository root.
using Microsoft.Extensions.Time.Testing;
using OlaSharp.Tests.Shared;

namespace OlaSharp.Core.Tests.Merge;

/// <summary>Issue 17 item 1: the failsafe per universe, per mode, with and without After, and the startup scene.</summary>
public sealed class FailsafeTests : IDisposable
{
    private static readonly TimeSpan s_sacn = TimeSpan.FromSeconds(2.5);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 3, 12, 1, 0, TimeSpan.Zero));
    private readonly UniverseRegistry _registry;
    private readonly SourceExpiryMonitor _monitor;

    public FailsafeTests()
    {
        _registry = new UniverseRegistry(_time);
        _monitor = new SourceExpiryMonitor(_registry, _time);
        _monitor.Start();
    }

    public void Dispose() => _monitor.Dispose();

    [Fact]
    public void Hold_NoAfter_KeepsFrame_MarksFailsafeWhenLastSourceExpires()
    {
        Universe u = _registry.GetOrCreate(1);
        Assert.True(u.SetFailsafe(new FailsafeSettings(LossPolicy.Hold)).Ok);
        DmxSource a = u.AddSource("a", "sacn", s_sacn);
        u.Update(a, [9, 8, 7]);
        int notified = 0;
        u.Updated += (_, _) => notified++;

        _time.Advance(TimeSpan.FromSeconds(2.4));
        Assert.False(u.InFailsafe);
        _time.Advance(TimeSpan.FromMilliseconds(200));

        Assert.False(a.IsActive);
        Assert.Equal(new byte[] { 9, 8, 7 }, u.GetMergedCopy());
        FailsafeStatus s = u.GetFailsafeStatus();
        Assert.True(s.Active);
        Assert.Equal(LossPolicy.Hold, s.Mode);
        Assert.Equal(1, s.Activations);
        Assert.Equal(_time.GetUtcNow(), s.Since!.Value, TimeSpan.FromMilliseconds(150));
        Assert.Equal(1, notified);
    }

    [Fact]
    public void Blackout_NoAfter_ZerosAtCurrentLength()
    {
        Universe u = _registry.GetOrCreate(1);
        u.SetFailsafe(new FailsafeSettings(LossPolicy.Blackout));
        DmxSource a = u.AddSource("a", "olarpc", Timeout.InfiniteTimeSpan);
        u.Update(a, [1, 2, 3, 4]);
        long version = u.Version;
        bool? changed = null;
        u.Updated += (_, c) => changed = c;

        u.RemoveSource(a);

        Assert.Equal(new byte[4], u.GetMergedCopy());
        Assert.True(u.InFailsafe);
        Assert.True(changed);
        Assert.True(u.Version > version);
    }

    [Fact]
    public void Full_NoAfter_255AtCurrentLength()
    {
        Universe u = _registry.GetOrCreate(1);
        u.SetFailsafe(new FailsafeSettings(LossPolicy.Full));
        DmxSource a = u.AddSource("a", "olarpc", Timeout.InfiniteTimeSpan);
        u.Update(a, [1, 2, 3]);
        u.RemoveSource(a);
        Assert.Equal(new byte[] { 255, 255, 255 }, u.GetMergedCopy());
        Assert.Equal(LossPolicy.Full, u.GetFailsafeStatus().Mode);
    }

    [Fact]
    public void Scene_NoAfter_SceneSlotsAndLength()
    {
        Universe u = _registry.GetOrCreate(1);
        DmxSource a = u.AddSource("a", "olarpc", Timeout.InfiniteTimeSpan);
        u.Update(a, [10, 20, 30, 40, 50]);
        Assert.True(u.CaptureScene("look_1").Ok);
        u.Update(a, [0, 0]);
        Assert.True(u.SetFailsafe(new FailsafeSettings(LossPolicy.Scene, null, "look_1")).Ok);

        u.RemoveSource(a);

        Assert.Equal(new byte[] { 10, 20, 30, 40, 50 }, u.GetMergedCopy());
        Assert.Equal(LossPolicy.Scene, u.GetFailsafeStatus().Mode);
    }

    [Fact]
    public void After_ShorterThanSourceTimeout_ActsAtLastFramePlusAfter()
    {
        Universe u = _registry.GetOrCreate(1);
        u.SetFailsafe(new FailsafeSettings(LossPolicy.Blackout, TimeSpan.FromSeconds(1)));
        DmxSource a = u.AddSource("a", "sacn", s_sacn);
        u.Update(a, [100, 100]);
        _time.Advance(TimeSpan.FromMilliseconds(500));
        u.Update(a, [100, 101]);

        _time.Advance(TimeSpan.FromMilliseconds(900));
        Assert.False(u.InFailsafe);
        _time.Advance(TimeSpan.FromMilliseconds(200));

        Assert.True(u.InFailsafe);
        Assert.True(a.IsActive); // its own 2.5 s timeout has not passed
        Assert.Equal(new byte[2], u.GetMergedCopy());

        // The source expiring later changes nothing.
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.False(a.IsActive);
        Assert.Equal(new byte[2], u.GetMergedCopy());
        Assert.Equal(1, u.GetFailsafeStatus().Activations);
    }

    [Fact]
    public void After_LongerThanSourceTimeout_HoldsThenActs()
    {
        // "Hold the look for a minute, then blackout", as hardware nodes do.
        Universe u = _registry.GetOrCreate(1);
        u.SetFailsafe(new FailsafeSettings(LossPolicy.Blackout, TimeSpan.FromSeconds(60)));
        DmxSource a = u.AddSource("a", "sacn", s_sacn);
        u.Update(a, [77]);

        _time.Advance(TimeSpan.FromSeconds(3));
        Assert.False(a.IsActive);
        Assert.False(u.InFailsafe);
        Assert.Equal(new byte[] { 77 }, u.GetMergedCopy());
        Assert.False(_monitor.IsIdle); // the deadline keeps it ticking

        _time.Advance(TimeSpan.FromSeconds(57.2));
        Assert.True(u.InFailsafe);
        Assert.Equal(new byte[] { 0 }, u.GetMergedCopy());
        _time.Advance(TimeSpan.FromMilliseconds(200));
        Assert.True(_monitor.IsIdle);
    }

    [Fact]
    public void After_ClientWithoutTimeoutStopsSending_Acts()
    {
        Universe u = _registry.GetOrCreate(1);
        u.SetFailsafe(new FailsafeSettings(LossPolicy.Full, TimeSpan.FromSeconds(3)));
        DmxSource rpc = u.AddSource("client", "olarpc", Timeout.InfiniteTimeSpan);
        u.Update(rpc, [1, 2]);
        _time.Advance(TimeSpan.FromSeconds(3.1));
        Assert.True(rpc.IsActive);
        Assert.True(u.InFailsafe);
        Assert.Equal(new byte[] { 255, 255 }, u.GetMergedCopy());
    }

    [Fact]
    public void SourceComingBack_ResumesMergingAtOnce()
    {
        Universe u = _registry.GetOrCreate(1);
        u.SetFailsafe(new FailsafeSettings(LossPolicy.Blackout, TimeSpan.FromSeconds(1)));
        DmxSource a = u.AddSource("a", "sacn", s_sacn);
        u.Update(a, [50, 60]);
        _time.Advance(TimeSpan.FromSeconds(1.2));
        Assert.True(u.InFailsafe);

        bool? changed = null;
        u.Updated += (_, c) => changed = c;
        Assert.True(u.Update(a, [50, 60]));

        Assert.False(u.InFailsafe);
        Assert.Null(u.GetFailsafeStatus().Since);
        Assert.Equal(new byte[] { 50, 60 }, u.GetMergedCopy());
        Assert.True(changed);

        // And it acts again after the next loss.
        _time.Advance(TimeSpan.FromSeconds(1.2));
        Assert.True(u.InFailsafe);
        Assert.Equal(2, u.GetFailsafeStatus().Activations);
    }

    [Fact]
    public void LowerPrioritySourceComingBack_ResumesMerging()
    {
        Universe u = _registry.GetOrCreate(1);
        u.SetFailsafe(new FailsafeSettings(LossPolicy.Blackout));
        DmxSource high = u.AddSource("high", "olarpc", Timeout.InfiniteTimeSpan, 150);
        DmxSource low = u.AddSource("low", "olarpc", Timeout.InfiniteTimeSpan, 100);
        u.Update(high, [200]);
        u.RemoveSource(high);
        Assert.True(u.InFailsafe);

        Assert.True(u.Update(low, [30]));
        Assert.Equal(new byte[] { 30 }, u.GetMergedCopy());
        Assert.False(u.InFailsafe);
    }

    [Fact]
    public void SlotPrioritySources_FailsafeFrameClearsSlotPriorities()
    {
        Universe u = _registry.GetOrCreate(1);
        u.SetFailsafe(new FailsafeSettings(LossPolicy.Full));
        DmxSource a = u.AddSource("cid-a", "sacn", s_sacn);
        DmxSource b = u.AddSource("cid-b", "sacn", s_sacn);
        u.Update(a, [10, 10, 10], 100, [100, 0, 100], slotPrioritiesEnabled: true);
        u.Update(b, [20, 20, 20], 100, [0, 100, 0], slotPrioritiesEnabled: true);
        Assert.Equal(new byte[] { 10, 20, 10 }, u.GetMergedCopy());
        Span<byte> prio = stackalloc byte[DmxFrame.MaxSlots];
        Assert.Equal(3, u.CopySlotPriorities(prio, out long before));

        _time.Advance(TimeSpan.FromSeconds(2.6));

        Assert.True(u.InFailsafe);
        Assert.Equal(new byte[] { 255, 255, 255 }, u.GetMergedCopy());
        Assert.Equal(-1, u.CopySlotPriorities(prio, out long after));
        Assert.NotEqual(before, after);

        // One of them back: its per-slot merge again (slot 1 has no source: 0).
        u.Update(a, [11, 11, 11], 100, [100, 0, 100], slotPrioritiesEnabled: true);
        Assert.False(u.InFailsafe);
        Assert.Equal(new byte[] { 11, 0, 11 }, u.GetMergedCopy());
    }

    [Fact]
    public void InFailsafe_OtherSourceExpiring_DoesNotBringBackStaleData()
    {
        Universe u = _registry.GetOrCreate(1);
        u.MergeMode = MergeMode.Htp;
        u.SetFailsafe(new FailsafeSettings(LossPolicy.Blackout, TimeSpan.FromSeconds(1)));
        DmxSource a = u.AddSource("a", "sacn", s_sacn);
        DmxSource b = u.AddSource("b", "artnet", TimeSpan.FromSeconds(10));
        u.Update(a, [5]);
        u.Update(b, [9]);
        _time.Advance(TimeSpan.FromSeconds(3));
        Assert.False(a.IsActive);
        Assert.True(b.IsActive);
        Assert.Equal(new byte[] { 0 }, u.GetMergedCopy());
        u.MergeMode = MergeMode.Ltp;
        Assert.Equal(new byte[] { 0 }, u.GetMergedCopy());
    }

    [Fact]
    public void StartupScene_ShownFromCreationUntilFirstSource()
    {
        Universe u = _registry.GetOrCreate(1);
        u.SetScene("boot", [1, 2, 3]);
        int updates = 0;
        u.Updated += (_, _) => updates++;
        Assert.True(u.SetStartupScene("boot").Ok);
        Assert.Equal(new byte[] { 1, 2, 3 }, u.GetMergedCopy());
        Assert.True(u.GetFailsafeStatus().StartupSceneShown);
        Assert.Equal(1, updates);

        DmxSource a = u.AddSource("a", "artnet", TimeSpan.FromSeconds(10), 50);
        Assert.True(u.Update(a, [9]));
        Assert.Equal(new byte[] { 9 }, u.GetMergedCopy());
        Assert.False(u.GetFailsafeStatus().StartupSceneShown);

        // Later changes of the startup scene do not touch a universe that has had data.
        u.SetScene("other", [4]);
        u.SetStartupScene("other");
        Assert.Equal(new byte[] { 9 }, u.GetMergedCopy());
    }

    [Fact]
    public void StartupScene_WithAfter_NoDeadlineUntilFirstFrame()
    {
        Universe u = _registry.GetOrCreate(1);
        u.SetScene("boot", [7, 7]);
        u.SetStartupScene("boot");
        u.SetFailsafe(new FailsafeSettings(LossPolicy.Blackout, TimeSpan.FromSeconds(1)));
        Assert.False(u.HasPendingFailsafe);
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(new byte[] { 7, 7 }, u.GetMergedCopy());
        Assert.False(u.InFailsafe);
    }

    [Fact]
    public void Scenes_NameRules_DeleteRefusedWhileInUse()
    {
        Universe u = _registry.GetOrCreate(1);
        Assert.Equal(FailsafeError.FailedPrecondition, u.CaptureScene("empty").Error);
        DmxSource a = u.AddSource("a", "olarpc", Timeout.InfiniteTimeSpan);
        u.Update(a, [1]);
        foreach (string bad in new[] { string.Empty, "has space", "a.b", new string('x', 33), "é" })
        {
            FailsafeResult r = u.CaptureScene(bad);
            Assert.Equal(FailsafeError.InvalidArgument, r.Error);
            Assert.Contains("1 to 32 characters", r.Message, StringComparison.Ordinal);
        }

        Assert.True(u.CaptureScene(new string('x', 32)).Ok);
        Assert.True(u.CaptureScene("Look-2_b").Ok);
        Assert.Equal(FailsafeError.SceneNotFound, u.SetFailsafe(new FailsafeSettings(LossPolicy.Scene, null, "nope")).Error);
        Assert.Equal(FailsafeError.InvalidArgument, u.SetFailsafe(new FailsafeSettings(LossPolicy.Scene)).Error);
        Assert.Equal(FailsafeError.InvalidArgument, u.SetFailsafe(new FailsafeSettings(LossPolicy.Hold, TimeSpan.Zero)).Error);
        Assert.True(u.SetFailsafe(new FailsafeSettings(LossPolicy.Scene, null, "Look-2_b")).Ok);
        Assert.True(u.SetStartupScene(new string('x', 32)).Ok);

        FailsafeResult inUse = u.DeleteScene("Look-2_b");
        Assert.Equal(FailsafeError.FailedPrecondition, inUse.Error);
        Assert.Contains("failsafe scene", inUse.Message, StringComparison.Ordinal);
        Assert.Contains("startup scene", u.DeleteScene(new string('x', 32)).Message, StringComparison.Ordinal);
        Assert.Equal(FailsafeError.SceneNotFound, u.DeleteScene("gone").Error);

        u.SetFailsafe(new FailsafeSettings(LossPolicy.Blackout));
        u.SetStartupScene(null);
        Assert.True(u.DeleteScene("Look-2_b").Ok);
        Assert.Equal([new string('x', 32)], u.GetScenes().Select(s => s.Name));
    }

    [Fact]
    public void SetFailsafe_WhileActive_AppliesNewModeAtOnce()
    {
        Universe u = _registry.GetOrCreate(1);
        DmxSource a = u.AddSource("a", "olarpc", Timeout.InfiniteTimeSpan);
        u.Update(a, [40, 41]);
        u.RemoveSource(a);
        Assert.True(u.InFailsafe);
        Assert.Equal(new byte[] { 40, 41 }, u.GetMergedCopy());

        u.SetFailsafe(new FailsafeSettings(LossPolicy.Blackout));
        Assert.Equal(new byte[2], u.GetMergedCopy());
        Assert.Equal(LossPolicy.Blackout, u.GetFailsafeStatus().Mode);
        Assert.Equal(1, u.GetFailsafeStatus().Activations);
    }

    [Fact]
    public void Monitor_IdleWithoutDeadline_RearmedByFirstFrameWithAfter()
    {
        Universe u = _registry.GetOrCreate(1);
        u.SetFailsafe(new FailsafeSettings(LossPolicy.Blackout, TimeSpan.FromSeconds(2)));
        _time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.True(_monitor.IsIdle);

        // A client without a timeout: nothing to expire, only the deadline wakes the monitor.
        DmxSource a = u.AddSource("a", "olarpc", Timeout.InfiniteTimeSpan);
        u.Update(a, [3]);
        Assert.False(_monitor.IsIdle);
        _time.Advance(TimeSpan.FromSeconds(2.1));
        Assert.True(u.InFailsafe);
        _time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.True(_monitor.IsIdle);
    }

    [Fact]
    public void DefaultLossPolicy_NotConfigured_SceneRefused()
    {
        var registry = new UniverseRegistry(_time, LossPolicy.Full);
        Universe u = registry.GetOrCreate(3);
        Assert.Equal(LossPolicy.Full, u.Failsafe.Mode);
        Assert.False(u.FailsafeConfigured);
        Assert.Throws<ArgumentOutOfRangeException>(() => u.LossPolicy = LossPolicy.Scene);
        Assert.True(MergeModeText.TryParseLossPolicy("full", out LossPolicy p));
        Assert.Equal(LossPolicy.Full, p);
        Assert.False(MergeModeText.TryParseLossPolicy("scene", out _));
        Assert.True(MergeModeText.TryParseFailsafeMode("Scene", out p));
        Assert.Equal(LossPolicy.Scene, p);
    }

    [Fact]
    public void FramePath_WithAfterDeadline_AndFailsafeCycles_AllocatesNothing()
    {
        // The merge hot path with a failsafe deadline moving on every frame, the failsafe acting (full) and a
        // source resuming: no allocation per frame or per episode.
        var u = new Universe(9, _time);
        u.SetFailsafe(new FailsafeSettings(LossPolicy.Full, TimeSpan.FromMilliseconds(500)));
        DmxSource a = u.AddSource("a", "sacn", s_sacn);
        byte[] frame = new byte[DmxFrame.MaxSlots];
        u.Update(a, frame);
        int episodes = 0;
        SteadyState.AssertAllocatesNothing(() =>
        {
            for (int i = 0; i < 100; i++)
            {
                frame[0] = (byte)i;
                u.Update(a, frame);
            }

            u.ExpireSources(_time.GetTimestamp() + _time.TimestampFrequency);
            episodes += u.InFailsafe ? 1 : 0;
            u.Update(a, frame);
        });
        Assert.Equal(6, episodes);
        Assert.False(u.InFailsafe);
    }

    [Fact]
    public void Log_OneLinePerStateChange()
    {
        var log = new Conf.ListLogger();
        var registry = new UniverseRegistry(_time, logger: log);
        using var monitor = new SourceExpiryMonitor(registry, _time);
        monitor.Start();
        Universe u = registry.GetOrCreate(5);
        u.SetFailsafe(new FailsafeSettings(LossPolicy.Blackout, TimeSpan.FromSeconds(1)));
        DmxSource a = u.AddSource("a", "olarpc", Timeout.InfiniteTimeSpan);
        u.Update(a, [1]);
        _time.Advance(TimeSpan.FromSeconds(5));
        u.Update(a, [2]);
        u.Update(a, [3]);

        Assert.Equal(
            ["Universe 5: data lost (no frame for 1 s); failsafe blackout is the output until a source sends again",
             "Universe 5: a source sends again; failsafe ended"],
            log.Entries.Select(e => e.Message));
        Assert.Equal([1200, 1201], log.Entries.Select(e => e.Id.Id));
    }
}
