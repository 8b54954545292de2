// Licensed under the MIT License. See LICENSE in the repository root.
using BenchmarkDotNet.Attributes;
using OlaSharp.Core;

namespace OlaSharp.Benchmarks;

/// <summary>Merge of 512 slots from 4 sources: one accepted update re-merges the universe.</summary>
[MemoryDiagnoser]
public class MergeBenchmarks
{
    private readonly byte[][] _frames = new byte[4][];
    private Universe _htp = null!;
    private Universe _ltp = null!;
    private Universe _perSlot = null!;
    private DmxSource[] _htpSources = null!;
    private DmxSource[] _ltpSources = null!;
    private DmxSource[] _slotSources = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(42);
        for (int i = 0; i < 4; i++)
        {
            _frames[i] = new byte[512];
            rng.NextBytes(_frames[i]);
        }

        _htp = new Universe(1, mergeMode: MergeMode.Htp);
        _ltp = new Universe(2, mergeMode: MergeMode.Ltp);
        _perSlot = new Universe(3, mergeMode: MergeMode.Htp);
        _htpSources = Sources(_htp);
        _ltpSources = Sources(_ltp);
        _slotSources = Sources(_perSlot);
        byte[] prios = new byte[512];
        rng.NextBytes(prios);
        for (int i = 0; i < 4; i++)
        {
            _perSlot.SetSlotPriorities(_slotSources[i], prios);
        }
    }

    [Benchmark(Description = "HTP merge, 512 slots x 4 sources")]
    [ZeroAllocation]
    public bool Htp4x512() => Update(_htp, _htpSources);

    [Benchmark(Description = "LTP merge, 512 slots x 4 sources")]
    [ZeroAllocation]
    public bool Ltp4x512() => Update(_ltp, _ltpSources);

    [Benchmark(Description = "Per-slot (0xDD) merge, 512 slots x 4 sources")]
    [ZeroAllocation]
    public bool PerSlot4x512() => Update(_perSlot, _slotSources);

    private bool Update(Universe u, DmxSource[] sources)
    {
        int i = _next++ & 3;
        // Flip one slot so every merge produces a new frame (the swap path, not only the compare).
        _frames[i][_next & 511] ^= 0x55;
        return u.Update(sources[i], _frames[i]);
    }

    private DmxSource[] Sources(Universe u)
    {
        var s = new DmxSource[4];
        for (int i = 0; i < 4; i++)
        {
            s[i] = u.AddSource($"s{i}", "bench", TimeSpan.FromSeconds(2.5));
            u.Update(s[i], _frames[i]);
        }

        return s;
    }
}
