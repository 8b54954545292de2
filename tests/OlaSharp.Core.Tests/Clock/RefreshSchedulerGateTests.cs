// Licensed under the MIT License. See LICENSE in the repository root.
using Microsoft.Extensions.Time.Testing;
using OlaSharp.Core.Clock;
using OlaSharp.Core.Standby;

namespace OlaSharp.Core.Tests.Clock;

/// <summary>The refresh clock and the hot-standby gate: silent while closed, the current frame at once on open.</summary>
public class RefreshSchedulerGateTests
{
    private readonly FakeTimeProvider _time = new();

    private sealed class Target(Universe universe, RefreshPolicy policy, bool emitsWhileClosed = false) : IGatedClockTarget
    {
        public List<(EmitReason Reason, byte First)> Emits { get; } = [];

        public int Closed { get; private set; }

        public Universe? Universe { get; } = universe;

        public RefreshPolicy Refresh { get; } = policy;

        public bool EmitsWhileGateClosed { get; } = emitsWhileClosed;

        public void Emit(DmxFrame frame, int priority, EmitReason reason) => Emits.Add((reason, frame.Slots[0]));

        public void OnGateClosed() => Closed++;
    }

    [Theory]
    [InlineData(RefreshMode.Fixed)]
    [InlineData(RefreshMode.Change)]
    public void Closed_NothingEmitted_OpenEmitsCurrentFrameAtOnce(RefreshMode mode)
    {
        var gate = new OutputGate();
        gate.Set(false);
        var scheduler = new RefreshScheduler(_time, gate: gate);
        var u = new Universe(1, _time);
        DmxSource source = u.AddSource("console", "test", Timeout.InfiniteTimeSpan);
        var target = new Target(u, mode == RefreshMode.Fixed ? new RefreshPolicy(RefreshMode.Fixed, 44) : new RefreshPolicy(RefreshMode.Change, 44, TimeSpan.FromSeconds(1), 3));
        scheduler.Add(target);

        // A second of a changing look while standby: nothing goes out, the universe stays current.
        for (int i = 1; i <= 44; i++)
        {
            u.Update(source, [(byte)i]);
            _time.Advance(TimeSpan.FromMilliseconds(23));
            scheduler.RunDue(_time.GetTimestamp());
        }

        Assert.Empty(target.Emits);

        // Take-over: the very next run emits the current look (44), not black and not a stale frame.
        gate.Set(true);
        scheduler.RunDue(_time.GetTimestamp());
        Assert.NotEmpty(target.Emits);
        Assert.Equal(44, target.Emits[0].First);
        Assert.All(target.Emits, e => Assert.Equal(44, e.First));
    }

    [Fact]
    public void Close_GatedTargetHearsItOnceOnTheClockThread_AndMayKeepEmitting()
    {
        var gate = new OutputGate();
        var scheduler = new RefreshScheduler(_time, gate: gate);
        var u = new Universe(1, _time);
        DmxSource source = u.AddSource("console", "test", Timeout.InfiniteTimeSpan);
        u.Update(source, [9]);
        var silent = new Target(u, new RefreshPolicy(RefreshMode.Fixed, 10));
        var lowPriority = new Target(u, new RefreshPolicy(RefreshMode.Fixed, 10), emitsWhileClosed: true);
        scheduler.Add(silent);
        scheduler.Add(lowPriority);
        _time.Advance(TimeSpan.FromMilliseconds(100));
        scheduler.RunDue(_time.GetTimestamp());
        Assert.Single(silent.Emits);

        gate.Set(false);
        Assert.Equal(0, silent.Closed);
        for (int i = 0; i < 5; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(100));
            scheduler.RunDue(_time.GetTimestamp());
        }

        Assert.Equal(1, silent.Closed);
        Assert.Equal(1, lowPriority.Closed);
        Assert.Single(silent.Emits);
        Assert.Equal(6, lowPriority.Emits.Count);
    }

    [Fact]
    public void Open_ByDefault_EmitsAsBefore()
    {
        var scheduler = new RefreshScheduler(_time);
        Assert.True(scheduler.Gate.IsOpen);
        var u = new Universe(1, _time);
        u.Update(u.AddSource("console", "test", Timeout.InfiniteTimeSpan), [5]);
        var target = new Target(u, new RefreshPolicy(RefreshMode.Fixed, 10));
        scheduler.Add(target);
        _time.Advance(TimeSpan.FromMilliseconds(100));
        scheduler.RunDue(_time.GetTimestamp());
        Assert.Single(target.Emits);
        Assert.Equal(0, target.Closed);
    }
}
