// Licensed under the MIT License. See LICENSE in the repository root.
using BenchmarkDotNet.Attributes;
using OlaSharp.Sacn.Packets;

namespace OlaSharp.Benchmarks;

/// <summary>E1.31 data packet with 512 slots: parse (every receiver check) and write.</summary>
[MemoryDiagnoser]
public class SacnBenchmarks
{
    private static readonly UInt128 s_cid = new(0x0001020304050607, 0x08090a0b0c0d0e0f);
    private readonly byte[] _slots = new byte[512];
    private readonly byte[] _packet = new byte[SacnDataPacket.MaxLength];
    private readonly byte[] _out = new byte[SacnDataPacket.MaxLength];
    private readonly byte[] _name = SacnFramingLayer.EncodeSourceName("olasharp-OLA Server");
    private byte _sequence;

    [GlobalSetup]
    public void Setup()
    {
        new Random(42).NextBytes(_slots);
        SacnDataPacket.Write(_packet, s_cid, _name, 100, 0, 1, SacnFramingOptions.None, 1, 0, _slots);
    }

    [Benchmark]
    [ZeroAllocation]
    public int ParseSacnData512()
    {
        return SacnDataPacket.TryParse(_packet, out SacnDataPacket p) ? p.Slots.Length + p.Universe : -1;
    }

    [Benchmark]
    [ZeroAllocation]
    public int WriteSacnData512()
    {
        return SacnDataPacket.Write(_out, s_cid, _name, 100, 0, ++_sequence, SacnFramingOptions.None, 1, 0, _slots);
    }
}
