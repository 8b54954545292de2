// Licensed under the MIT License. See LICENSE in the repository root.
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Time.Testing;
using OlaSharp.Core;
using OlaSharp.Core.Clock;

namespace OlaSharp.Benchmarks;

/// <summary>
/// One refresh-clock tick: the scheduler finds the due ports, copies each universe's merged frame and
/// emits it. Driven by a fake clock so the benchmark measures the tick, not the sleep.
/// </summary>
[MemoryDiagnoser]
public class ClockBenchmarks
{
    private FakeTimeProvider _time = null!;
    private RefreshScheduler _fixed = null!;
    private RefreshScheduler _change = null!;
    private Universe[] _universes = null!;
    private DmxSource[] _sources = null!;
    private byte[] _frame = null!;
    private TimeSpan _period;

    [Params(1, 64)]
    public int Ports { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _time = new FakeTimeProvider();
        _fixed = new RefreshScheduler(_time);
        _change = new RefreshScheduler(_time);
        _universes = new Universe[Ports];
        _sources = new DmxSource[Ports];
        _frame = new byte[512];
        for (int i = 0; i < Ports; i++)
        {
            _universes[i] = new Universe(i + 1, _time);
            _sources[i] = _universes[i].AddSource("s", "bench", Timeout.InfiniteTimeSpan);
            _universes[i].Update(_sources[i], _frame);
            _fixed.Add(new NullTarget(_universes[i], new RefreshPolicy(RefreshMode.Fixed, 44)));
            _change.Add(new NullTarget(_universes[i], new RefreshPolicy(RefreshMode.Change, 44, TimeSpan.FromHours(1))));
        }

        _period = TimeSpan.FromSeconds(1.0 / 44);
        // Warm the queues and lists to their steady-state capacity.
        for (int i = 0; i < 100; i++)
        {
            FixedTick();
            ChangeTick();
        }
    }

    [Benchmark(Description = "Fixed tick: all ports emit")]
    [ZeroAllocation]
    public long FixedTick()
    {
        _time.Advance(_period);
        return _fixed.RunDue(_time.GetTimestamp());
    }

    [Benchmark(Description = "Change tick: every universe changed, all ports emit")]
    [ZeroAllocation]
    public long ChangeTick()
    {
        _time.Advance(_period);
        for (int i = 0; i < _universes.Length; i++)
        {
            _frame[0]++;
            _universes[i].Update(_sources[i], _frame);
        }

        return _change.RunDue(_time.GetTimestamp());
    }

    private sealed class NullTarget(Universe universe, RefreshPolicy policy) : IClockTarget
    {
        private int _sum;

        public Universe? Universe => universe;

        public RefreshPolicy Refresh => policy;

        public void Emit(DmxFrame frame, int priority, EmitReason reason) => _sum += frame.Length;
    }
}
