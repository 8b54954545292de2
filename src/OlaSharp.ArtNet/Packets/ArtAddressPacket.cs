// Licensed under the MIT License. See LICENSE in the repository root.
namespace OlaSharp.ArtNet.Packets;

/// <summary>
/// ArtAddress (OpCode 0x6000, 107 bytes): header, ProtVer (big-endian), NetSwitch 12, BindIndex 13,
/// ShortName 14 (18), LongName 32 (64), SwIn 96 (4), SwOut 100 (4), SubSwitch 104, AcnPriority 105,
/// Command 106. Parsed and logged only: remote programming is not applied (the conf file rules).
/// </summary>
public readonly ref struct ArtAddressPacket
{
    /// <summary>Packet length.</summary>
    public const int Length = 107;

    private readonly ReadOnlySpan<byte> _raw;

    private ArtAddressPacket(ReadOnlySpan<byte> raw) => _raw = raw;

    /// <summary>Net switch; bit 7 set means "program", 0x7F in the low bits with bit 7 clear means "no change".</summary>
    public byte NetSwitch => _raw[12];

    /// <summary>BindIndex the command targets.</summary>
    public byte BindIndex => _raw[13];

    /// <summary>Sub-Net switch (same program bit convention).</summary>
    public byte SubSwitch => _raw[104];

    /// <summary>The command (0 = none; 0x01 cancel merge, 0x10..0x13 merge LTP, 0x50..0x53 merge HTP, ...).</summary>
    public byte Command => _raw[106];

    /// <summary>Short name (up to the first zero).</summary>
    public ReadOnlySpan<byte> ShortName => Trim(_raw.Slice(14, 18));

    /// <summary>Long name (up to the first zero).</summary>
    public ReadOnlySpan<byte> LongName => Trim(_raw.Slice(32, 64));

    /// <summary>SwIn[4].</summary>
    public ReadOnlySpan<byte> SwIn => _raw.Slice(96, 4);

    /// <summary>SwOut[4].</summary>
    public ReadOnlySpan<byte> SwOut => _raw.Slice(100, 4);

    /// <summary>Parses an ArtAddress of at least 107 bytes with ProtVer ≥ 14; never throws.</summary>
    public static bool TryParse(ReadOnlySpan<byte> packet, out ArtAddressPacket address)
    {
        if (!ArtNetHeader.Check(packet, ArtOpCode.Address, Length))
        {
            address = default;
            return false;
        }

        address = new ArtAddressPacket(packet[..Length]);
        return true;
    }

    private static ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> field)
    {
        int end = field.IndexOf((byte)0);
        return end < 0 ? field : field[..end];
    }
}
