// Licensed under the MIT License. See LICENSE in the repository root.

namespace OlaSharp.Sacn.Packets;

/// <summary>
/// The ACN root layer shared by every E1.31 packet (E1.31-2018 §5): preamble size 0x0010, postamble 0,
/// the 12-byte ACN packet identifier, flags and length, the root vector and the sender's CID.
/// All multi-byte fields are big-endian.
/// </summary>
internal static class SacnRootLayer
{
    /// <summary>UDP port of E1.31.</summary>
    public const int Port = 5568;

    /// <summary>Bytes of the root layer; the framing layer starts here.</summary>
    public const int Length = 38;

    /// <summary>Root vector of a data packet (VECTOR_ROOT_E131_DATA).</summary>
    public const uint VectorData = 0x00000004;

    /// <summary>Root vector of sync and discovery packets (VECTOR_ROOT_E131_EXTENDED).</summary>
    public const uint VectorExtended = 0x00000008;

    /// <summary>The flags nibble every PDU carries in its flags-and-length field (E1.31 §5.4).</summary>
    public const int Flags = 0x7;

    /// <summary>Offset of the CID.</summary>
    public const int CidOffset = 22;

    /// <summary>Preamble size, postamble size and ACN packet identifier ("ASC-E1.17\0\0\0").</summary>
    public static ReadOnlySpan<byte> Preamble =>
    [
        0x00, 0x10, 0x00, 0x00,
        0x41, 0x53, 0x43, 0x2d, 0x45, 0x31, 0x2e, 0x31, 0x37, 0x00, 0x00, 0x00,
    ];

    /// <summary>
    /// Checks the preamble, the root flags and length (which must cover exactly the rest of the datagram)
    /// and reads the vector and CID. Never throws.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> packet, out uint vector, out UInt128 cid)
    {
        vector = 0;
        cid = default;
        if (packet.Length < Length || !packet[..16].SequenceEqual(Preamble))
        {
            return false;
        }

        if (!TryReadFlagsAndLength(packet[16..], out int pduLength) || pduLength != packet.Length - 16)
        {
            return false;
        }

        vector = BinaryPrimitives.ReadUInt32BigEndian(packet[18..]);
        cid = ReadCid(packet);
        return true;
    }

    /// <summary>The sender's CID of a packet whose root layer was checked.</summary>
    public static UInt128 ReadCid(ReadOnlySpan<byte> packet) => BinaryPrimitives.ReadUInt128BigEndian(packet[CidOffset..]);

    /// <summary>Writes the root layer of a packet of <paramref name="totalLength"/> bytes.</summary>
    public static void Write(Span<byte> destination, uint vector, UInt128 cid, int totalLength)
    {
        Preamble.CopyTo(destination);
        WriteFlagsAndLength(destination[16..], totalLength - 16);
        BinaryPrimitives.WriteUInt32BigEndian(destination[18..], vector);
        BinaryPrimitives.WriteUInt128BigEndian(destination[CidOffset..], cid);
    }

    /// <summary>Reads a PDU's flags-and-length field; false unless the flags are 0x7.</summary>
    public static bool TryReadFlagsAndLength(ReadOnlySpan<byte> field, out int length)
    {
        ushort v = BinaryPrimitives.ReadUInt16BigEndian(field);
        length = v & 0x0FFF;
        return v >> 12 == Flags;
    }

    /// <summary>Writes a PDU's flags-and-length field (flags 0x7).</summary>
    public static void WriteFlagsAndLength(Span<byte> field, int length) =>
        BinaryPrimitives.WriteUInt16BigEndian(field, (ushort)((Flags << 12) | (length & 0x0FFF)));

    /// <summary>Formats a CID as a UUID string (RFC 4122 order, as OLA writes it in <c>ola-e131.conf</c>).</summary>
    public static string FormatCid(UInt128 cid)
    {
        string hex = cid.ToString("x32", System.Globalization.CultureInfo.InvariantCulture);
        return $"{hex[..8]}-{hex[8..12]}-{hex[12..16]}-{hex[16..20]}-{hex[20..]}";
    }

    /// <summary>Parses a UUID string (with or without dashes) as a CID; false for anything else.</summary>
    public static bool TryParseCid(string? text, out UInt128 cid)
    {
        cid = default;
        if (text is null)
        {
            return false;
        }

        string hex = text.Trim().Replace("-", string.Empty, StringComparison.Ordinal);
        return hex.Length == 32 && UInt128.TryParse(hex, System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture, out cid);
    }
}
