// Licensed under the MIT License. See LICENSE in the repository root.

namespace OlaSharp.ArtNet.Packets;

/// <summary>
/// ArtIpProg (OpCode 0xF800): header, ProtVer (big-endian), Filler 12-13, Command 14, Filler 15,
/// ProgIp 16 (4), ProgSm 20 (4), ProgPort 24 (big-endian, deprecated), ProgDg 26 (4, Art-Net 4), spare to 34.
/// We accept from 26 bytes (through ProgPort); it is parsed and logged only, as olad does.
/// </summary>
public readonly ref struct ArtIpProgPacket
{
    /// <summary>Full Art-Net 4 length.</summary>
    public const int Length = 34;

    /// <summary>Shortest accepted (Art-Net 3, through ProgPort).</summary>
    public const int MinLength = 26;

    private readonly ReadOnlySpan<byte> _raw;

    private ArtIpProgPacket(ReadOnlySpan<byte> raw) => _raw = raw;

    /// <summary>Command bits (bit 7 enable programming, bit 6 DHCP, bit 3 reset, bits 2..0 program IP/mask/port, bit 4 gateway).</summary>
    public byte Command => _raw[14];

    /// <summary>IP to program (network order uint).</summary>
    public uint ProgIp => BinaryPrimitives.ReadUInt32BigEndian(_raw[16..]);

    /// <summary>Subnet mask to program.</summary>
    public uint ProgSubnetMask => BinaryPrimitives.ReadUInt32BigEndian(_raw[20..]);

    /// <summary>Port to program (big-endian, deprecated).</summary>
    public int ProgPort => BinaryPrimitives.ReadUInt16BigEndian(_raw[24..]);

    /// <summary>Default gateway to program (0 when the packet is Art-Net 3 length).</summary>
    public uint ProgGateway => _raw.Length >= 30 ? BinaryPrimitives.ReadUInt32BigEndian(_raw[26..]) : 0;

    /// <summary>Parses an ArtIpProg; never throws.</summary>
    public static bool TryParse(ReadOnlySpan<byte> packet, out ArtIpProgPacket ipProg)
    {
        if (!ArtNetHeader.Check(packet, ArtOpCode.IpProg, MinLength))
        {
            ipProg = default;
            return false;
        }

        ipProg = new ArtIpProgPacket(packet[..Math.Min(packet.Length, Length)]);
        return true;
    }
}
