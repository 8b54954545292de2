// Licensed under the MIT License. See LICENSE in the repository root.
using OlaSharp.Sacn.Packets;

namespace OlaSharp.Sacn.Tests;

public sealed class CodecTests
{
    private static readonly UInt128 s_cid = new(0x0001020304050607, 0x08090a0b0c0d0e0f);

    // E1.31-2018 Table 4-1, written out field by field: a 3-slot data packet for universe 1 from
    // source "OLA", priority 100, sequence 7, no options.
    private const string GoldenData3 =
        "0010 0000 4153432d45312e3137000000" + // preamble, postamble, ACN packet identifier
        "7071 00000004 000102030405060708090a0b0c0d0e0f" + // root: flags+length (129-16=113), vector 4, CID
        "705b 00000002" + // framing: flags+length (129-38=91), vector 2
        "4f4c4100000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000" + // source name
        "64 0000 07 00 0001" + // priority 100, sync 0, sequence 7, options, universe 1
        "700e 02 a1 0000 0001 0004" + // DMP: flags+length (129-115=14), vector, type, first, increment, count 1+3
        "00 0a141e"; // start code, slots

    private const string GoldenSync =
        "0010 0000 4153432d45312e3137000000 7021 00000008 000102030405060708090a0b0c0d0e0f" +
        "700b 00000001 2a 1f40 0000"; // flags+length (49-38=11), vector 1, sequence 42, sync address 8000, reserved

    private const string GoldenDiscovery =
        "0010 0000 4153432d45312e3137000000 706e 00000008 000102030405060708090a0b0c0d0e0f" +
        "7058 00000002" +
        "4f4c4100000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000" +
        "00000000" + // reserved
        "700e 00000001 00 00 0001 0002 fa00"; // flags+length (126-112=14), page 0 of 0, universes 1, 2, 64000

    private static byte[] Hex(string text) => Convert.FromHexString(text.Replace(" ", string.Empty, StringComparison.Ordinal));

    [Fact]
    public void WriteData_MatchesGoldenBytes()
    {
        var buffer = new byte[SacnDataPacket.MaxLength];
        int n = SacnDataPacket.Write(buffer, s_cid, "OLA"u8, 100, 0, 7, SacnFramingOptions.None, 1, 0, [10, 20, 30]);
        Assert.Equal(Convert.ToHexString(Hex(GoldenData3)), Convert.ToHexString(buffer, 0, n));
    }

    [Fact]
    public void ParseData_GoldenBytes_ReadsEveryField()
    {
        Assert.True(SacnDataPacket.TryParse(Hex(GoldenData3), out SacnDataPacket p));
        Assert.Equal(s_cid, p.Cid);
        Assert.Equal("OLA", System.Text.Encoding.UTF8.GetString(p.SourceName));
        Assert.Equal(100, p.Priority);
        Assert.Equal(0, p.SyncAddress);
        Assert.Equal(7, p.Sequence);
        Assert.False(p.IsPreview);
        Assert.False(p.IsTerminated);
        Assert.Equal(1, p.Universe);
        Assert.Equal(0, p.StartCode);
        Assert.Equal(new byte[] { 10, 20, 30 }, p.Slots.ToArray());
    }

    [Fact]
    public void OladCapturedData_ParsesAndOurWriterReproducesItByteForByte()
    {
        // olad 0.10.9's E1.31 output for `ola_set_dmx -u 1 -d 10,20,30`, captured by tshark in the interop test.
        byte[] olad = Hex(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "olad-0.10.9-data-u1.hex")).Trim());
        Assert.True(SacnDataPacket.TryParse(olad, out SacnDataPacket p));
        Assert.Equal("155d53f3-320d-4ffb-870e-49f280b53304", SacnRootLayer.FormatCid(p.Cid));
        Assert.Equal("vm-OLA Server", System.Text.Encoding.UTF8.GetString(p.SourceName));
        Assert.Equal(100, p.Priority);
        Assert.Equal(0, p.SyncAddress);
        Assert.Equal(0, p.Sequence);
        Assert.Equal(SacnFramingOptions.None, p.Options);
        Assert.Equal(1, p.Universe);
        Assert.Equal(0, p.StartCode);
        Assert.Equal(new byte[] { 10, 20, 30 }, p.Slots.ToArray());

        var buffer = new byte[SacnDataPacket.MaxLength];
        int n = SacnDataPacket.Write(buffer, p.Cid, p.SourceName, p.Priority, p.SyncAddress, p.Sequence, p.Options, p.Universe, p.StartCode, p.Slots);
        Assert.Equal(Convert.ToHexString(olad), Convert.ToHexString(buffer, 0, n));
    }

    [Fact]
    public void Data_512Slots_RoundTrips()
    {
        var slots = new byte[512];
        new Random(1).NextBytes(slots);
        var buffer = new byte[SacnDataPacket.MaxLength];
        int n = SacnDataPacket.Write(buffer, s_cid, "a source name that is much longer than sixty-four bytes, so it gets cut at 63"u8, 200, 7000, 255, SacnFramingOptions.Preview | SacnFramingOptions.ForceSynchronization, 63999, 0xDD, slots);
        Assert.Equal(638, n);
        Assert.True(SacnDataPacket.TryParse(buffer.AsSpan(0, n), out SacnDataPacket p));
        Assert.Equal(63, p.SourceName.Length);
        Assert.Equal(200, p.Priority);
        Assert.Equal(7000, p.SyncAddress);
        Assert.Equal(255, p.Sequence);
        Assert.True(p.IsPreview);
        Assert.Equal(SacnFramingOptions.Preview | SacnFramingOptions.ForceSynchronization, p.Options);
        Assert.Equal(63999, p.Universe);
        Assert.Equal(0xDD, p.StartCode);
        Assert.Equal(slots, p.Slots.ToArray());
    }

    [Fact]
    public void Data_TerminateWithStartCodeOnly_RoundTrips()
    {
        var buffer = new byte[SacnDataPacket.MaxLength];
        int n = SacnDataPacket.Write(buffer, s_cid, "x"u8, 100, 0, 1, SacnFramingOptions.StreamTerminated, 5, 0, []);
        Assert.Equal(SacnDataPacket.HeaderLength, n);
        Assert.True(SacnDataPacket.TryParse(buffer.AsSpan(0, n), out SacnDataPacket p));
        Assert.True(p.IsTerminated);
        Assert.True(p.Slots.IsEmpty);
    }

    [Theory]
    [InlineData(0, 0x01)] // preamble size
    [InlineData(3, 0x01)] // postamble size
    [InlineData(4, 0x42)] // ACN identifier
    [InlineData(15, 0x01)] // ACN identifier padding
    [InlineData(16, 0x60)] // root flags
    [InlineData(17, 0x72)] // root length
    [InlineData(21, 0x03)] // root vector (the 0.2 draft)
    [InlineData(38, 0x50)] // framing flags
    [InlineData(39, 0x5c)] // framing length
    [InlineData(43, 0x01)] // framing vector
    [InlineData(108, 201)] // priority above 200
    [InlineData(113, 0xfa)] // universe 64001
    [InlineData(115, 0x60)] // DMP flags
    [InlineData(116, 0x0f)] // DMP length
    [InlineData(117, 0x01)] // DMP vector
    [InlineData(118, 0xa0)] // address type
    [InlineData(120, 0x01)] // first property address
    [InlineData(122, 0x02)] // address increment
    [InlineData(124, 0x05)] // property count
    public void ParseData_BadField_ReturnsFalse(int offset, byte value)
    {
        byte[] packet = Hex(GoldenData3);
        packet[offset] = value;
        Assert.False(SacnDataPacket.TryParse(packet, out _));
    }

    [Fact]
    public void ParseData_UniverseZeroOrTruncated_ReturnsFalse()
    {
        byte[] packet = Hex(GoldenData3);
        packet[114] = 0;
        Assert.False(SacnDataPacket.TryParse(packet, out _));
        Assert.False(SacnDataPacket.TryParse(Hex(GoldenData3).AsSpan(0, 128), out _));
        Assert.False(SacnDataPacket.TryParse([], out _));
    }

    [Fact]
    public void Sync_GoldenBytes_BothWays()
    {
        var buffer = new byte[SacnSyncPacket.Length];
        Assert.Equal(49, SacnSyncPacket.Write(buffer, s_cid, 42, 8000));
        Assert.Equal(Convert.ToHexString(Hex(GoldenSync)), Convert.ToHexString(buffer));
        Assert.True(SacnSyncPacket.TryParse(buffer, out SacnSyncPacket p));
        Assert.Equal(s_cid, p.Cid);
        Assert.Equal(42, p.Sequence);
        Assert.Equal(8000, p.SyncAddress);
        buffer[43] = 2;
        Assert.False(SacnSyncPacket.TryParse(buffer, out _));
    }

    [Fact]
    public void Discovery_GoldenBytes_BothWays()
    {
        byte[] golden = Hex(GoldenDiscovery);
        var buffer = new byte[SacnDiscoveryPacket.MaxLength];
        int n = SacnDiscoveryPacket.Write(buffer, s_cid, "OLA"u8, 0, 0, [1, 2, 64000]);
        Assert.Equal(126, n);
        Assert.Equal(Convert.ToHexString(golden), Convert.ToHexString(buffer, 0, n));
        Assert.True(SacnDiscoveryPacket.TryParse(golden, out SacnDiscoveryPacket p));
        Assert.Equal(3, p.Count);
        Assert.Equal(1, p[0]);
        Assert.Equal(64000, p[2]);
        Assert.Equal(0, p.Page);
        Assert.Equal(0, p.LastPage);
    }

    [Fact]
    public void Discovery_FullPage_RoundTrips()
    {
        ushort[] list = [.. Enumerable.Range(1, 512).Select(i => (ushort)i)];
        var buffer = new byte[SacnDiscoveryPacket.MaxLength];
        int n = SacnDiscoveryPacket.Write(buffer, s_cid, "x"u8, 1, 2, list);
        Assert.Equal(SacnDiscoveryPacket.MaxLength, n);
        Assert.True(SacnDiscoveryPacket.TryParse(buffer.AsSpan(0, n), out SacnDiscoveryPacket p));
        Assert.Equal(512, p.Count);
        Assert.Equal(512, p[511]);
        Assert.Equal(1, p.Page);
        Assert.Equal(2, p.LastPage);
    }

    [Fact]
    public void Cid_FormatAndParse_RoundTrip()
    {
        Assert.Equal("00010203-0405-0607-0809-0a0b0c0d0e0f", SacnRootLayer.FormatCid(s_cid));
        Assert.True(SacnRootLayer.TryParseCid("00010203-0405-0607-0809-0a0b0c0d0e0f", out UInt128 cid));
        Assert.Equal(s_cid, cid);
        Assert.False(SacnRootLayer.TryParseCid("not a cid", out _));
        Assert.False(SacnRootLayer.TryParseCid(null, out _));
    }

    [Fact]
    public void TryParse_RandomBytesAndMutations_NeverThrow()
    {
        var random = new Random(1234);
        var buffer = new byte[1200];
        byte[] valid = Hex(GoldenData3);
        byte[] validSync = Hex(GoldenSync);
        byte[] validDiscovery = Hex(GoldenDiscovery);
        for (int i = 0; i < 20000; i++)
        {
            int n = random.Next(buffer.Length);
            random.NextBytes(buffer.AsSpan(0, n));
            Parse(buffer.AsSpan(0, n));
            foreach (byte[] source in new[] { valid, validSync, validDiscovery })
            {
                source.CopyTo(buffer, 0);
                buffer[random.Next(source.Length)] = (byte)random.Next(256);
                Parse(buffer.AsSpan(0, random.Next(source.Length + 1)));
                Parse(buffer.AsSpan(0, source.Length));
            }
        }

        static void Parse(ReadOnlySpan<byte> span)
        {
            SacnRootLayer.TryParse(span, out _, out _);
            SacnDataPacket.TryParse(span, out _);
            SacnSyncPacket.TryParse(span, out _);
            SacnDiscoveryPacket.TryParse(span, out SacnDiscoveryPacket d);
            for (int i = 0; i < d.Count; i++)
            {
                _ = d[i];
            }
        }
    }
}
