// Licensed under the MIT License. See LICENSE in the repository root.

namespace OlaSharp.ArtNet.Packets;

/// <summary>The 10-byte header every Art-Net packet starts with: <c>"Art-Net\0"</c> and the OpCode (little-endian).</summary>
public static class ArtNetHeader
{
    /// <summary>The UDP port of Art-Net (0x1936).</summary>
    public const int Port = 6454;

    /// <summary>Protocol revision we send and the lowest we accept (Art-Net 4 keeps 14).</summary>
    public const ushort ProtocolVersion = 14;

    /// <summary>Header length: ID (8) + OpCode (2).</summary>
    public const int Length = 10;

    /// <summary>Header plus ProtVer (big-endian).</summary>
    public const int LengthWithVersion = 12;

    /// <summary>The largest packet we read (ArtDmx with 512 slots is 530; ArtPollReply 239).</summary>
    public const int MaxPacketLength = 1024;

    /// <summary>"Art-Net" followed by a zero byte.</summary>
    public static ReadOnlySpan<byte> Id => "Art-Net\0"u8;

    /// <summary>Reads the OpCode of a packet that starts with the Art-Net ID; false when too short or not Art-Net.</summary>
    public static bool TryReadOpCode(ReadOnlySpan<byte> packet, out ArtOpCode opCode)
    {
        if (packet.Length < Length || !packet[..8].SequenceEqual(Id))
        {
            opCode = default;
            return false;
        }

        opCode = (ArtOpCode)BinaryPrimitives.ReadUInt16LittleEndian(packet[8..]);
        return true;
    }

    /// <summary>
    /// True when <paramref name="packet"/> is at least <paramref name="minimumLength"/> long with the ID, the
    /// <paramref name="expected"/> OpCode and, when <paramref name="hasVersion"/>, ProtVer (big-endian) of at least 14.
    /// ArtPollReply has no ProtVer field.
    /// </summary>
    public static bool Check(ReadOnlySpan<byte> packet, ArtOpCode expected, int minimumLength, bool hasVersion = true)
    {
        return packet.Length >= Math.Max(minimumLength, hasVersion ? LengthWithVersion : Length)
            && TryReadOpCode(packet, out ArtOpCode op)
            && op == expected
            && (!hasVersion || BinaryPrimitives.ReadUInt16BigEndian(packet[Length..]) >= ProtocolVersion);
    }

    /// <summary>Writes ID, OpCode (little-endian) and, when <paramref name="withVersion"/>, ProtVer 14 (big-endian). Returns the bytes written.</summary>
    public static int Write(Span<byte> destination, ArtOpCode opCode, bool withVersion = true)
    {
        Id.CopyTo(destination);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[8..], (ushort)opCode);
        if (!withVersion)
        {
            return Length;
        }

        BinaryPrimitives.WriteUInt16BigEndian(destination[Length..], ProtocolVersion);
        return LengthWithVersion;
    }

    /// <summary>Port-Address (15 bits) from Net (7 bits) and Sub-Net/Universe (8 bits).</summary>
    public static int PortAddress(int net, int subUni) => ((net & 0x7F) << 8) | (subUni & 0xFF);
}
