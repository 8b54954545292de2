// Licensed under the MIT License. See LICENSE in the repository root.
namespace OlaSharp.Standby.Tests;

public class HeartbeatPacketTests
{
    private static readonly HeartbeatPacket s_sample = new(AnnouncedRole.Active, ConfRole.Backup, 7, 0x01020304,
        (UInt128.One << 120) | 0xABCDEF, 123_456_789_012);

    [Fact]
    public void Write_Sample_MatchesDocumentedLayout()
    {
        byte[] buffer = new byte[HeartbeatPacket.Length];
        Assert.Equal(HeartbeatPacket.Length, s_sample.Write(buffer));
        Assert.Equal(
            "4F535342" + "01" + "03" + "01" + "00" + "00000007" + "01020304"
            + "01000000000000000000000000ABCDEF" + "0000001CBE991A14",
            Convert.ToHexString(buffer));
    }

    [Fact]
    public void TryParse_WhatWriteWrote_RoundTrips()
    {
        byte[] buffer = new byte[HeartbeatPacket.Length + 4];
        s_sample.Write(buffer);
        Assert.True(HeartbeatPacket.TryParse(buffer, out HeartbeatPacket parsed));
        Assert.Equal(s_sample, parsed);
    }

    [Theory]
    [InlineData(0, -1)]
    [InlineData(39, -1)]
    [InlineData(40, 0)]
    [InlineData(40, 4)]
    [InlineData(40, 5)]
    [InlineData(40, 6)]
    public void TryParse_ShortOrCorrupt_FalseWithoutThrowing(int length, int corruptAt)
    {
        byte[] buffer = new byte[HeartbeatPacket.Length];
        s_sample.Write(buffer);
        if (corruptAt >= 0)
        {
            buffer[corruptAt] = 0xEE;
        }

        Assert.False(HeartbeatPacket.TryParse(buffer.AsSpan(0, length), out _));
    }

    [Fact]
    public void TryParse_RandomBytes_NeverThrows()
    {
        var random = new Random(17);
        byte[] buffer = new byte[64];
        int accepted = 0;
        for (int i = 0; i < 20_000; i++)
        {
            random.NextBytes(buffer);
            if (i % 2 == 0)
            {
                s_sample.Write(buffer);
                buffer[random.Next(HeartbeatPacket.Length)] = (byte)random.Next(256);
            }

            accepted += HeartbeatPacket.TryParse(buffer.AsSpan(0, random.Next(buffer.Length + 1)), out _) ? 1 : 0;
        }

        // Mutated valid packets still parse when the byte hit a free field: the parser accepts some, rejects the rest.
        Assert.InRange(accepted, 1, 19_999);
    }

    [Theory]
    [InlineData("00010203-0405-0607-0809-0a0b0c0d0e0f")]
    [InlineData("000102030405060708090A0B0C0D0E0F")]
    public void TryParseCid_Uuid_BigEndianNumber(string text)
    {
        Assert.True(StandbySettings.TryParseCid(text, out UInt128 cid));
        Assert.Equal(UInt128.Parse("000102030405060708090a0b0c0d0e0f", System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture), cid);
        Assert.Equal("00010203-0405-0607-0809-0a0b0c0d0e0f", StandbySettings.FormatCid(cid));
    }
}
