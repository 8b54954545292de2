// Licensed under the MIT License. See LICENSE in the repository root.
using Microsoft.Extensions.Time.Testing;
using OlaSharp.Core.Clock;

namespace OlaSharp.Core.Tests.Clock;

public class RefreshSchedulerTests
{
    private readonly FakeTimeProvider _time = new();

    private sealed class RecordingTarget(Universe? universe, RefreshPolicy policy, TimeProvider time) : IClockTarget
    {
        public List<(long At, EmitReason Reason, byte[] Slots, int Priority)> Emits { get; } = [];

        public Universe? Universe { get; set; } = universe;

        public RefreshPolicy Refresh { get; set; } = policy;

        public void Emit(DmxFrame frame, int priority, EmitReason reason) =>
            Emits.Add((time.GetTimestamp(), reason, frame.Slots.ToArray(), priority));
    }

    private sealed class BurstTarget(Universe universe, RefreshPolicy policy, List<string> log, string name) : IClockBurstTarget
    {
        public Universe? Universe { get; } = universe;

        public RefreshPolicy Refresh { get; } = policy;

        public void Emit(DmxFrame frame, int priority, EmitReason reason) => log.Add(name);

        public void EndBurst() => log.Add("end " + name);
    }

    private void AdvanceTo(long timestamp)
    {
        long now = _time.GetTimestamp();
        if (timestamp > now)
        {
            _time.Advance(TimeSpan.FromTicks(timestamp - now));
        }
    }

    [Fact]
    public void BurstTargets_EndBurstOnceEachAfterEveryEmitOfTheWakeup()
    {
        var scheduler = new RefreshScheduler(_time);
        var u = new Universe(1, _time);
        DmxSource s = u.AddSource("s", "test", Timeout.InfiniteTimeSpan);
        u.Update(s, [1]);
        var log = new List<string>();
        var policy = new RefreshPolicy(RefreshMode.Fixed, 10);
        scheduler.Add(new BurstTarget(u, policy, log, "a"));
        scheduler.Add(new RecordingTarget(u, policy, _time));
        scheduler.Add(new BurstTarget(u, policy, log, "b"));
        long next = scheduler.RunDue(_time.GetTimestamp());
        Assert.Empty(log);

        AdvanceTo(next);
        scheduler.RunDue(_time.GetTimestamp());
        Assert.Equal(4, log.Count);
        Assert.Equal(["a", "b"], log.Take(2).Order());
        Assert.Equal(["end a", "end b"], log.Skip(2).Order());

        // Nothing due: no burst end.
        scheduler.RunDue(_time.GetTimestamp());
        Assert.Equal(4, log.Count);
    }

    [Fact]
    public void Fixed_TenThousandTicksWithLateWakeups_StayOnAbsoluteGrid()
    {
        var scheduler = new RefreshScheduler(_time);
        var u = new Universe(1, _time);
        var target = new RecordingTarget(u, new RefreshPolicy(RefreshMode.Fixed, 44), _time);
        scheduler.Add(target);
        var rng = new Random(1234);
        long freq = _time.TimestampFrequency;
        double period = freq / 44.0;
        var deadlines = new List<long>();
        long next = scheduler.RunDue(_time.GetTimestamp());
        while (target.Emits.Count < 10_000)
        {
            deadlines.Add(next);
            // Wake up late by up to 80% of a period, every time: a relative timer would drift by the sum.
            AdvanceTo(next + (long)(rng.NextDouble() * 0.8 * period));
            next = scheduler.RunDue(_time.GetTimestamp());
        }

        Assert.Equal(10_000, target.Emits.Count);
        long first = deadlines[0];
        for (int k = 0; k < deadlines.Count; k++)
        {
            // Relative to the first deadline: absolute timestamps exceed a double's 53-bit precision.
            double ideal = k * period;
            Assert.InRange(deadlines[k] - first, ideal - 1, ideal + 1);
            Assert.True(target.Emits[k].At >= deadlines[k]);
        }

        // 10^4 periods of 1/44 s, to within one clock tick: no drift.
        Assert.InRange(deadlines[^1] - first, (9_999 * period) - 1, (9_999 * period) + 1);
        Assert.Equal(0, scheduler.Statistics.Skipped);
        Assert.Equal(10_000, scheduler.Statistics.Ticks);
    }

    [Fact]
    public void Fixed_WakeupSeveralPeriodsLate_EmitsOnceSkipsMissedKeepsPhase()
    {
        var scheduler = new RefreshScheduler(_time);
        var target = new RecordingTarget(new Universe(1, _time), new RefreshPolicy(RefreshMode.Fixed, 10), _time);
        scheduler.Add(target);
        long t0 = scheduler.RunDue(_time.GetTimestamp());
        AdvanceTo(t0);
        long next = scheduler.RunDue(_time.GetTimestamp());
        long period = _time.TimestampFrequency / 10;
        Assert.Equal(t0 + period, next);

        AdvanceTo(t0 + (long)(3.5 * period));
        next = scheduler.RunDue(_time.GetTimestamp());
        Assert.Equal(2, target.Emits.Count);
        Assert.Equal(t0 + (4 * period), next);
        Assert.Equal(2, scheduler.Statistics.Skipped);
    }

    [Fact]
    public void Fixed_TargetsOfSameRate_TickTogether()
    {
        var scheduler = new RefreshScheduler(_time);
        var a = new RecordingTarget(new Universe(1, _time), new RefreshPolicy(RefreshMode.Fixed, 44), _time);
        scheduler.Add(a);
        _time.Advance(TimeSpan.FromMilliseconds(7));
        var b = new RecordingTarget(new Universe(2, _time), new RefreshPolicy(RefreshMode.Fixed, 44), _time);
        scheduler.Add(b);
        for (int i = 0; i < 20; i++)
        {
            AdvanceTo(scheduler.RunDue(_time.GetTimestamp()));
        }

        scheduler.RunDue(_time.GetTimestamp());
        Assert.True(b.Emits.Count >= 19);
        foreach (var e in b.Emits)
        {
            Assert.Contains(a.Emits, x => x.At == e.At);
        }
    }

    [Fact]
    public void Fixed_EmitsMergedFrameAndPriority()
    {
        var scheduler = new RefreshScheduler(_time);
        var u = new Universe(1, _time);
        DmxSource s = u.AddSource("s", "test", TimeSpan.FromSeconds(2.5), 140);
        u.Update(s, [1, 2, 3]);
        var target = new RecordingTarget(u, new RefreshPolicy(RefreshMode.Fixed, 44), _time);
        scheduler.Add(target);
        AdvanceTo(scheduler.RunDue(_time.GetTimestamp()));
        scheduler.RunDue(_time.GetTimestamp());
        Assert.Equal(new byte[] { 1, 2, 3 }, target.Emits[^1].Slots);
        Assert.Equal(140, target.Emits[^1].Priority);
    }

    [Fact]
    public void Change_EmitsPromptlyOnChange_RateCapped_ThenKeepAlive()
    {
        var scheduler = new RefreshScheduler(_time);
        var u = new Universe(1, _time);
        DmxSource s = u.AddSource("s", "test", Timeout.InfiniteTimeSpan);
        var policy = new RefreshPolicy(RefreshMode.Change, 10, keepAlive: TimeSpan.FromSeconds(1));
        var target = new RecordingTarget(u, policy, _time);
        scheduler.Add(target);
        scheduler.RunDue(_time.GetTimestamp());
        Assert.Single(target.Emits); // the current (empty) frame on start
        Assert.Equal(EmitReason.Change, target.Emits[0].Reason);

        _time.Advance(TimeSpan.FromMilliseconds(500));
        u.Update(s, [42]);
        scheduler.RunDue(_time.GetTimestamp());
        Assert.Equal(2, target.Emits.Count);
        Assert.Equal(new byte[] { 42 }, target.Emits[1].Slots);
        long changeAt = target.Emits[1].At;

        // A second change 10 ms later waits for the 100 ms period.
        _time.Advance(TimeSpan.FromMilliseconds(10));
        u.Update(s, [43]);
        long next = scheduler.RunDue(_time.GetTimestamp());
        Assert.Equal(2, target.Emits.Count);
        Assert.Equal(changeAt + (_time.TimestampFrequency / 10), next);
        AdvanceTo(next);
        scheduler.RunDue(_time.GetTimestamp());
        Assert.Equal(3, target.Emits.Count);
        Assert.Equal(new byte[] { 43 }, target.Emits[2].Slots);

        // Nothing changes: a keep-alive 1 s after the last emit, and not before.
        _time.Advance(TimeSpan.FromMilliseconds(990));
        scheduler.RunDue(_time.GetTimestamp());
        Assert.Equal(3, target.Emits.Count);
        _time.Advance(TimeSpan.FromMilliseconds(10));
        scheduler.RunDue(_time.GetTimestamp());
        Assert.Equal(4, target.Emits.Count);
        Assert.Equal(EmitReason.KeepAlive, target.Emits[3].Reason);
        Assert.Equal(new byte[] { 43 }, target.Emits[3].Slots);
    }

    [Fact]
    public void Change_IdenticalUpdate_DoesNotEmit()
    {
        var scheduler = new RefreshScheduler(_time);
        var u = new Universe(1, _time);
        DmxSource s = u.AddSource("s", "test", Timeout.InfiniteTimeSpan);
        u.Update(s, [1]);
        var target = new RecordingTarget(u, new RefreshPolicy(RefreshMode.Change, 44, TimeSpan.FromSeconds(1)), _time);
        scheduler.Add(target);
        scheduler.RunDue(_time.GetTimestamp());
        _time.Advance(TimeSpan.FromMilliseconds(100));
        u.Update(s, [1]);
        scheduler.RunDue(_time.GetTimestamp());
        Assert.Single(target.Emits);
    }

    [Fact]
    public void Change_RepeatsAfterChange_AtRefreshRate()
    {
        var scheduler = new RefreshScheduler(_time);
        var u = new Universe(1, _time);
        DmxSource s = u.AddSource("s", "test", Timeout.InfiniteTimeSpan);
        var target = new RecordingTarget(u, new RefreshPolicy(RefreshMode.Change, 40, TimeSpan.FromSeconds(1), repeatsAfterChange: 3), _time);
        scheduler.Add(target);
        u.Update(s, [5]);
        for (int i = 0; i < 10; i++)
        {
            long next = scheduler.RunDue(_time.GetTimestamp());
            if (next - _time.GetTimestamp() > _time.TimestampFrequency / 2)
            {
                break;
            }

            AdvanceTo(next);
        }

        EmitReason[] reasons = [.. target.Emits.Select(e => e.Reason)];
        Assert.Equal(new[] { EmitReason.Change, EmitReason.Repeat, EmitReason.Repeat, EmitReason.Repeat }, reasons);
        for (int i = 1; i < target.Emits.Count; i++)
        {
            Assert.Equal(_time.TimestampFrequency / 40, target.Emits[i].At - target.Emits[i - 1].At);
        }
    }

    [Fact]
    public void Remove_StopsEmissionsAndUnsubscribes()
    {
        var scheduler = new RefreshScheduler(_time);
        var u = new Universe(1, _time);
        DmxSource s = u.AddSource("s", "test", Timeout.InfiniteTimeSpan);
        var target = new RecordingTarget(u, new RefreshPolicy(RefreshMode.Change, 44), _time);
        scheduler.Add(target);
        scheduler.RunDue(_time.GetTimestamp());
        Assert.True(scheduler.Remove(target));
        u.Update(s, [1]);
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(long.MaxValue, scheduler.RunDue(_time.GetTimestamp()));
        Assert.Single(target.Emits);
        Assert.Equal(0, scheduler.Count);
    }

    [Fact]
    public void Emit_Throwing_IsCountedAndClockContinues()
    {
        var scheduler = new RefreshScheduler(_time);
        var bad = new ThrowingTarget(new Universe(1, _time));
        var good = new RecordingTarget(new Universe(2, _time), new RefreshPolicy(RefreshMode.Fixed, 44), _time);
        scheduler.Add(bad);
        scheduler.Add(good);
        for (int i = 0; i < 5; i++)
        {
            AdvanceTo(scheduler.RunDue(_time.GetTimestamp()));
        }

        Assert.True(scheduler.Statistics.Errors >= 4);
        Assert.True(good.Emits.Count >= 4);
    }

    [Fact]
    public void Thread_RealClock_RunsFixedTargets()
    {
        using var scheduler = new RefreshScheduler();
        var u = new Universe(1);
        var done = new ManualResetEventSlim();
        var target = new CountingTarget(u, 5, done);
        scheduler.Add(target);
        scheduler.Start();
        // 5 ticks at 44 Hz take ~115 ms; the bound is loose for slow CI.
        Assert.True(done.Wait(TimeSpan.FromSeconds(10)), "the clock thread did not tick");
        scheduler.Stop();
    }

    [Fact]
    public void Thread_ChangeSignal_WakesClockPromptly()
    {
        using var scheduler = new RefreshScheduler();
        var u = new Universe(1);
        DmxSource s = u.AddSource("s", "test", Timeout.InfiniteTimeSpan);
        var target = new CountingTarget(u, 2, new ManualResetEventSlim(), new RefreshPolicy(RefreshMode.Change, 44, TimeSpan.FromHours(1)));
        scheduler.Add(target);
        scheduler.Start();
        Assert.True(SpinWait.SpinUntil(() => target.Count >= 1, TimeSpan.FromSeconds(10)));
        u.Update(s, [1, 2, 3]);
        // Keep-alive is an hour away: only the change signal can produce this frame.
        Assert.True(SpinWait.SpinUntil(() => target.Count >= 2, TimeSpan.FromSeconds(10)));
        scheduler.Stop();
    }

    private sealed class FrameCountingTarget(Universe u, bool fail) : IClockTarget
    {
        public int Counted { get; private set; }

        public Universe? Universe => u;

        public RefreshPolicy Refresh => new(RefreshMode.Fixed, 10);

        public void Emit(DmxFrame frame, int priority, EmitReason reason)
        {
            if (fail)
            {
                throw new InvalidOperationException("boom");
            }
        }

        public void CountFrameSent() => Counted++;
    }

    [Fact]
    public void Emit_AnyTarget_ClockCountsEachFrameSentThroughTheTarget()
    {
        var scheduler = new RefreshScheduler(_time);
        var u = new Universe(1, _time);
        var ok = new FrameCountingTarget(u, fail: false);
        var failing = new FrameCountingTarget(u, fail: true);
        scheduler.Add(ok);
        scheduler.Add(failing);
        long next = scheduler.RunDue(_time.GetTimestamp());
        for (int i = 0; i < 5; i++)
        {
            AdvanceTo(next);
            next = scheduler.RunDue(_time.GetTimestamp());
        }

        Assert.Equal(5, ok.Counted);
        Assert.Equal(scheduler.Statistics.Ticks, ok.Counted);
        Assert.Equal(0, failing.Counted);
    }

    private sealed class ThrowingTarget(Universe u) : IClockTarget
    {
        public Universe? Universe => u;

        public RefreshPolicy Refresh => new(RefreshMode.Fixed, 44);

        public void Emit(DmxFrame frame, int priority, EmitReason reason) => throw new InvalidOperationException("boom");
    }

    private sealed class CountingTarget(Universe u, int want, ManualResetEventSlim done, RefreshPolicy? policy = null) : IClockTarget
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public Universe? Universe => u;

        public RefreshPolicy Refresh => policy ?? new RefreshPolicy(RefreshMode.Fixed, 44);

        public void Emit(DmxFrame frame, int priority, EmitReason reason)
        {
            if (Interlocked.Increment(ref _count) >= want)
            {
                done.Set();
            }
        }
    }

    [Fact]
    public void Fixed_LatenessHistogram_CountsEachWakeupInItsBucket()
    {
        var scheduler = new RefreshScheduler(_time);
        var u = new Universe(1, _time);
        var target = new RecordingTarget(u, new RefreshPolicy(RefreshMode.Fixed, 40), _time);
        scheduler.Add(target);
        long next = scheduler.RunDue(_time.GetTimestamp());
        long freq = _time.TimestampFrequency;

        // Wake 30 us, 300 us and 3 ms late, then 24 ms (under the 25 ms bound and a 25 ms period).
        foreach (int micros in new[] { 30, 300, 3_000, 24_000 })
        {
            AdvanceTo(next + (micros * freq / 1_000_000));
            next = scheduler.RunDue(_time.GetTimestamp());
        }

        long[] h = scheduler.Statistics.LatenessHistogram();
        Assert.Equal(ClockStatistics.LatenessBucketsMicroseconds.Length + 1, h.Length);
        Assert.Equal(1, h[0]); // 30 us (the first pass only starts the grid)
        Assert.Equal(1, h[3]); // <= 500 us
        Assert.Equal(1, h[6]); // <= 5 ms
        Assert.Equal(1, h[8]); // <= 25 ms
        Assert.Equal(4, h.Sum());
    }
}
