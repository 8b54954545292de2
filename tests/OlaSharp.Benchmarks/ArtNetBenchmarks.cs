// Licensed under the MIT License. See LICENSE in the repository root.
using BenchmarkDotNet.Attributes;
using OlaSharp.ArtNet.Internal;
using OlaSharp.ArtNet.Packets;

namespace OlaSharp.Benchmarks;

/// <summary>ArtDmx with 512 slots: parse, write, and the two-source HTP merge of the receive path.</summary>
[MemoryDiagnoser]
public class ArtNetBenchmarks
{
    private readonly byte[] _slots = new byte[512];
    private readonly byte[] _packet = new byte[ArtDmxPacket.HeaderLength + 512];
    private readonly byte[] _out = new byte[ArtDmxPacket.HeaderLength + 512];
    private ArtNetMerger _merger = null!;
    private byte _sequence;

    [GlobalSetup]
    public void Setup()
    {
        new Random(42).NextBytes(_slots);
        ArtDmxPacket.Write(_packet, 1, 0, 0x0123, _slots);
        _merger = new ArtNetMerger(TimeSpan.FromSeconds(10), TimeProvider.System.TimestampFrequency);
    }

    [Benchmark]
    [ZeroAllocation]
    public int ParseArtDmx512()
    {
        return ArtDmxPacket.TryParse(_packet, out ArtDmxPacket dmx) ? dmx.Data.Length + dmx.PortAddress : -1;
    }

    [Benchmark]
    [ZeroAllocation]
    public int WriteArtDmx512()
    {
        return ArtDmxPacket.Write(_out, ++_sequence, 0, 0x0123, _slots);
    }

    [Benchmark]
    [ZeroAllocation]
    public int MergeHtpTwoSources512()
    {
        long now = TimeProvider.System.GetTimestamp();
        _sequence = (byte)(_sequence == 255 ? 1 : _sequence + 1);
        _merger.Accept(0xc6120001, _sequence, _slots, now);
        _merger.Accept(0xc6120002, _sequence, _packet.AsSpan(ArtDmxPacket.HeaderLength, 512), now);
        return _merger.Merged.Length;
    }
}
