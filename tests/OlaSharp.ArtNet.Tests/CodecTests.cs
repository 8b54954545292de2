// Licensed under the MIT License. See LICENSE in the repository root.
using System.Net;
using OlaSharp.ArtNet.Packets;

namespace OlaSharp.ArtNet.Tests;

public sealed class CodecTests
{
    private static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", string.Empty, StringComparison.Ordinal));

    // ------------------------------------------------------------------ ArtPoll
    private const string PollHex = "41 72 74 2d 4e 65 74 00 00 20 00 0e 02 00";

    [Fact]
    public void ArtPoll_Write_MatchesGoldenBytes()
    {
        var buffer = new byte[32];
        int n = ArtPollPacket.Write(buffer);
        Assert.Equal(Hex(PollHex), buffer[..n]);
    }

    [Fact]
    public void ArtPoll_TryParse_GoldenBytes_ReadsFlags()
    {
        Assert.True(ArtPollPacket.TryParse(Hex(PollHex), out ArtPollPacket poll));
        Assert.True(poll.ReplyOnChange);
        Assert.False(poll.IsTargeted);
        Assert.Equal(0, poll.DiagPriority);
    }

    [Fact]
    public void ArtPoll_TryParse_Art4Targeted_ReadsRangeBigEndian()
    {
        byte[] p = Hex("41 72 74 2d 4e 65 74 00 00 20 00 0e 22 00 01 02 00 10 00 00 00 00");
        Assert.True(ArtPollPacket.TryParse(p, out ArtPollPacket poll));
        Assert.True(poll.IsTargeted);
        Assert.Equal(0x0102, poll.TargetPortAddressTop);
        Assert.Equal(0x0010, poll.TargetPortAddressBottom);
    }

    // ------------------------------------------------------------------ ArtDmx
    // Sequence 7, physical 1, SubUni 0x23, Net 0x05, Length 4 (big-endian), 4 slots.
    private const string DmxHex = "41 72 74 2d 4e 65 74 00 00 50 00 0e 07 01 23 05 00 04 0a 0b 0c 00";

    [Fact]
    public void ArtDmx_Write_OddLength_PaddedToEvenGolden()
    {
        var buffer = new byte[600];
        int n = ArtDmxPacket.Write(buffer, 7, 1, 0x0523, [0x0a, 0x0b, 0x0c]);
        Assert.Equal(Hex(DmxHex), buffer[..n]);
    }

    [Fact]
    public void ArtDmx_TryParse_GoldenBytes_ReadsFields()
    {
        Assert.True(ArtDmxPacket.TryParse(Hex(DmxHex), out ArtDmxPacket dmx));
        Assert.Equal(7, dmx.Sequence);
        Assert.Equal(1, dmx.Physical);
        Assert.Equal(0x0523, dmx.PortAddress);
        Assert.Equal(new byte[] { 0x0a, 0x0b, 0x0c, 0x00 }, dmx.Data.ToArray());
    }

    [Fact]
    public void ArtDmx_Write_OneSlot_SendsTwo()
    {
        var buffer = new byte[600];
        int n = ArtDmxPacket.Write(buffer, 1, 0, 1, [0xff]);
        Assert.Equal(20, n);
        Assert.Equal(new byte[] { 0x00, 0x02, 0xff, 0x00 }, buffer[16..20]);
    }

    [Fact]
    public void ArtDmx_Write_512Slots_LengthBigEndian()
    {
        var buffer = new byte[600];
        var slots = Enumerable.Range(0, 600).Select(i => (byte)i).ToArray();
        int n = ArtDmxPacket.Write(buffer, 255, 3, 0x7fff, slots);
        Assert.Equal(530, n);
        Assert.Equal(0x02, buffer[16]);
        Assert.Equal(0x00, buffer[17]);
        Assert.Equal(0xff, buffer[14]);
        Assert.Equal(0x7f, buffer[15]);
        Assert.True(ArtDmxPacket.TryParse(buffer.AsSpan(0, n), out ArtDmxPacket dmx));
        Assert.Equal(512, dmx.Data.Length);
        Assert.Equal(0x7fff, dmx.PortAddress);
    }

    [Fact]
    public void ArtDmx_TryParse_OddLengthField_Accepted()
    {
        byte[] p = Hex("41 72 74 2d 4e 65 74 00 00 50 00 0e 00 00 01 00 00 03 01 02 03");
        Assert.True(ArtDmxPacket.TryParse(p, out ArtDmxPacket dmx));
        Assert.Equal(3, dmx.Data.Length);
        Assert.Equal(0, dmx.Sequence);
    }

    [Fact]
    public void ArtDmx_TryParse_LengthBeyondPacket_UsesBytesReceived()
    {
        byte[] p = Hex("41 72 74 2d 4e 65 74 00 00 50 00 0e 00 00 01 00 02 00 01 02 03 04");
        Assert.True(ArtDmxPacket.TryParse(p, out ArtDmxPacket dmx));
        Assert.Equal(4, dmx.Data.Length);
    }

    [Theory]
    [InlineData("41 72 74 2d 4e 65 74 00 00 50 00 0e 00 00 01 00 00 01 05", "one slot")]
    [InlineData("41 72 74 2d 4e 65 74 00 00 50 00 0e 00 00 01 00 00 02 05", "truncated")]
    [InlineData("41 72 74 2d 4e 65 74 00 00 50 00 0d 00 00 01 00 00 02 05 06", "ProtVer 13")]
    [InlineData("41 72 74 2d 4e 65 74 01 00 50 00 0e 00 00 01 00 00 02 05 06", "wrong ID")]
    [InlineData("41 72 74 2d 4e 65 74 00 00 52 00 0e 00 00 01 00 00 02 05 06", "ArtSync OpCode")]
    [InlineData("41 72 74 2d 4e 65 74 00 00 50 00 0e 00 00 01 00 00 00 05 06", "Length 0")]
    [InlineData("41 72 74", "header only")]
    [InlineData("", "empty")]
    public void ArtDmx_TryParse_Malformed_ReturnsFalse(string hex, string why)
    {
        Assert.False(ArtDmxPacket.TryParse(Hex(hex), out _), why);
    }

    [Fact]
    public void ArtDmx_TryParse_Oversized_CutTo512()
    {
        var p = new byte[18 + 700];
        ArtDmxPacket.Write(p, 1, 0, 0, new byte[512]);
        p[16] = 0x02;
        p[17] = 0xbc; // Length 700
        Assert.True(ArtDmxPacket.TryParse(p, out ArtDmxPacket dmx));
        Assert.Equal(512, dmx.Data.Length);
    }

    // ------------------------------------------------------------------ ArtSync
    private const string SyncHex = "41 72 74 2d 4e 65 74 00 00 52 00 0e 00 00";

    [Fact]
    public void ArtSync_Write_MatchesGoldenBytes()
    {
        var buffer = new byte[14];
        Assert.Equal(14, ArtSyncPacket.Write(buffer));
        Assert.Equal(Hex(SyncHex), buffer);
        Assert.True(ArtSyncPacket.TryParse(buffer));
    }

    [Fact]
    public void ArtSync_TryParse_Short_ReturnsFalse()
    {
        Assert.False(ArtSyncPacket.TryParse(Hex(SyncHex)[..13]));
    }

    // ------------------------------------------------------------------ ArtAddress
    [Fact]
    public void ArtAddress_TryParse_GoldenBytes_ReadsFields()
    {
        var p = new byte[107];
        Hex("41 72 74 2d 4e 65 74 00 00 60 00 0e 81 02").CopyTo(p, 0);
        "Node"u8.CopyTo(p.AsSpan(14));
        "A long name"u8.CopyTo(p.AsSpan(32));
        p[96] = 0x81;
        p[100] = 0x82;
        p[104] = 0x83;
        p[106] = 0x11; // merge LTP port 1
        Assert.True(ArtAddressPacket.TryParse(p, out ArtAddressPacket a));
        Assert.Equal(0x81, a.NetSwitch);
        Assert.Equal(2, a.BindIndex);
        Assert.Equal("Node"u8.ToArray(), a.ShortName.ToArray());
        Assert.Equal("A long name"u8.ToArray(), a.LongName.ToArray());
        Assert.Equal(0x81, a.SwIn[0]);
        Assert.Equal(0x82, a.SwOut[0]);
        Assert.Equal(0x83, a.SubSwitch);
        Assert.Equal(0x11, a.Command);
        Assert.False(ArtAddressPacket.TryParse(p.AsSpan(0, 106), out _));
    }

    // ------------------------------------------------------------------ ArtIpProg
    [Fact]
    public void ArtIpProg_TryParse_GoldenBytes_ReadsFields()
    {
        byte[] p = Hex("41 72 74 2d 4e 65 74 00 00 f8 00 0e 00 00 87 00 c6 12 00 09 ff ff ff 00 19 36 c6 12 00 fe 00 00 00 00");
        Assert.True(ArtIpProgPacket.TryParse(p, out ArtIpProgPacket ip));
        Assert.Equal(0x87, ip.Command);
        Assert.Equal(0xc6120009u, ip.ProgIp);
        Assert.Equal(0xffffff00u, ip.ProgSubnetMask);
        Assert.Equal(6454, ip.ProgPort);
        Assert.Equal(0xc61200feu, ip.ProgGateway);
        Assert.True(ArtIpProgPacket.TryParse(p.AsSpan(0, 26), out ArtIpProgPacket old));
        Assert.Equal(0u, old.ProgGateway);
        Assert.False(ArtIpProgPacket.TryParse(p.AsSpan(0, 25), out _));
    }

    // ------------------------------------------------------------------ ArtPollReply
    private static byte[] OladReply() => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Fixtures", "olad-0.10.9-artpollreply.bin"));

    [Fact]
    public void ArtPollReply_TryParse_OladCapture_ReadsOladFields()
    {
        byte[] bytes = OladReply();
        Assert.Equal(239, bytes.Length);
        Assert.True(ArtPollReplyPacket.TryParse(bytes, out ArtPollReplyPacket r));
        Assert.Equal(0xc6120001u, r.Ip);
        Assert.Equal(6454, r.UdpPort);
        Assert.Equal(0x0431, r.Oem);
        Assert.Equal(0x7a70, r.EstaMan);
        Assert.Equal(0xd2, r.Status1);
        Assert.Equal(0x08, r.Status2);
        Assert.Equal("OLA - ArtNet node", ArtPollReplyPacket.Decode(r.ShortName));
        Assert.Equal("OLA - ArtNet node", ArtPollReplyPacket.Decode(r.LongName));
        Assert.Equal("#0001 [0] OLA", ArtPollReplyPacket.Decode(r.NodeReport));
        Assert.Equal(4, r.NumPorts);
        Assert.Equal(new byte[] { 0xc0, 0xc0, 0xc0, 0xc0 }, r.PortTypes.ToArray());
        Assert.Equal(new byte[] { 0x08, 0x08, 0x08, 0x08 }, r.GoodInput.ToArray());
        Assert.Equal(0, r.BindIndex);
    }

    [Fact]
    public void ArtPollReply_Write_OladFields_ReproducesOladCapture()
    {
        byte[] olad = OladReply();
        var f = new ArtPollReplyFields
        {
            Ip = IPAddress.Parse("198.18.0.1"),
            BindIp = IPAddress.Parse("198.18.0.1"),
            ShortName = "OLA - ArtNet node",
            LongName = "OLA - ArtNet node",
            NodeReport = "#0001 [0] OLA",
            NumPorts = 4,
            BindIndex = 0,
        };
        olad.AsSpan(201, 6).CopyTo(f.Mac);
        for (int i = 0; i < 4; i++)
        {
            f.PortTypes[i] = 0xc0;
            f.GoodInput[i] = 0x08;
        }

        var buffer = new byte[300];
        Assert.Equal(239, ArtPollReplyPacket.Write(buffer, f));
        Assert.Equal(olad, buffer[..239]);
    }

    [Fact]
    public void ArtPollReply_Write_ByteOrderPerField()
    {
        var f = new ArtPollReplyFields
        {
            Ip = IPAddress.Parse("127.0.0.1"),
            VersionInfo = 0x0102,
            NetSwitch = 0x12,
            SubSwitch = 0x3,
            NumPorts = 1,
            BindIndex = 7,
            RefreshRate = 44,
        };
        f.PortTypes[0] = 0x80;
        f.SwOut[0] = 0x35;
        var b = new byte[239];
        ArtPollReplyPacket.Write(b, f);
        Assert.Equal(new byte[] { 0x00, 0x21 }, b[8..10]); // OpCode little-endian
        Assert.Equal(new byte[] { 127, 0, 0, 1 }, b[10..14]);
        Assert.Equal(new byte[] { 0x36, 0x19 }, b[14..16]); // Port little-endian
        Assert.Equal(new byte[] { 0x01, 0x02 }, b[16..18]); // VersInfo big-endian
        Assert.Equal(new byte[] { 0x04, 0x31 }, b[20..22]); // Oem big-endian
        Assert.Equal(new byte[] { 0x70, 0x7a }, b[24..26]); // EstaMan Lo, Hi
        Assert.Equal(new byte[] { 0x00, 0x01 }, b[172..174]); // NumPorts big-endian
        Assert.Equal(7, b[211]);
        Assert.Equal(new byte[] { 0x00, 44 }, b[226..228]);
        Assert.True(ArtPollReplyPacket.TryParse(b, out ArtPollReplyPacket r));
        Assert.Equal(0x1235, r.OutputPortAddress(0));
        Assert.Equal(7, r.BindIndex);
    }

    [Fact]
    public void ArtPollReply_Write_LongNames_TruncatedAndTerminated()
    {
        var f = new ArtPollReplyFields { ShortName = new string('s', 40), LongName = new string('l', 100) };
        var b = new byte[239];
        ArtPollReplyPacket.Write(b, f);
        Assert.True(ArtPollReplyPacket.TryParse(b, out ArtPollReplyPacket r));
        Assert.Equal(17, r.ShortName.Length);
        Assert.Equal(63, r.LongName.Length);
        Assert.Equal(0, b[26 + 17]);
    }

    [Theory]
    [InlineData(206)]
    [InlineData(100)]
    [InlineData(10)]
    public void ArtPollReply_TryParse_Truncated_ReturnsFalse(int length)
    {
        Assert.False(ArtPollReplyPacket.TryParse(OladReply().AsSpan(0, length), out _));
    }

    [Fact]
    public void ArtPollReply_TryParse_ArtNet2Length_Accepted()
    {
        Assert.True(ArtPollReplyPacket.TryParse(OladReply().AsSpan(0, 207), out ArtPollReplyPacket r));
        Assert.Equal(0, r.BindIndex);
        Assert.Equal(0, r.Status2);
    }

    // ------------------------------------------------------------------ random input
    [Fact]
    public void TryParse_RandomBytes_NeverThrows()
    {
        var random = new Random(1234);
        var buffer = new byte[600];
        ushort[] ops = [0x2000, 0x2100, 0x5000, 0x5200, 0x6000, 0xf800];
        for (int i = 0; i < 200_000; i++)
        {
            int length = random.Next(0, buffer.Length);
            Span<byte> p = buffer.AsSpan(0, length);
            random.NextBytes(p);
            if (length >= 12 && random.Next(4) != 0)
            {
                // Mostly valid headers so the parsers get past the ID check.
                ArtNetHeader.Write(p, (ArtOpCode)ops[random.Next(ops.Length)], withVersion: random.Next(2) == 0);
            }

            _ = ArtPollPacket.TryParse(p, out _);
            _ = ArtPollReplyPacket.TryParse(p, out ArtPollReplyPacket reply) && reply.OutputPortAddress(3) >= 0 && reply.NumPorts >= 0;
            _ = ArtDmxPacket.TryParse(p, out ArtDmxPacket dmx) && dmx.Data.Length >= 2;
            _ = ArtSyncPacket.TryParse(p);
            _ = ArtAddressPacket.TryParse(p, out ArtAddressPacket a) && a.LongName.Length >= 0;
            _ = ArtIpProgPacket.TryParse(p, out ArtIpProgPacket ip) && ip.ProgGateway >= 0;
        }
    }
}
