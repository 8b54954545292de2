// Licensed under the MIT License. See LICENSE in the repository root.

namespace OlaSharp.Sacn.Packets;

/// <summary>
/// The start of the framing layer every E1.31 packet has after the root layer (E1.31-2018 §6.2, §6.3, §6.4):
/// flags and length at 38, covering the rest of the datagram, then the framing vector at 40. Data and discovery
/// packets then carry the 64-byte source name at 44; a sync packet does not.
/// </summary>
internal static class SacnFramingLayer
{
    /// <summary>Offset of the framing layer (the root layer's length).</summary>
    public const int Offset = SacnRootLayer.Length;

    /// <summary>Offset of the source name of data and discovery packets.</summary>
    public const int SourceNameOffset = 44;

    /// <summary>Bytes of the source name field (UTF-8, NUL-terminated).</summary>
    public const int SourceNameLength = 64;

    /// <summary>True when the framing layer's flags and length cover the rest of the datagram and its vector is <paramref name="vector"/>.</summary>
    public static bool Check(ReadOnlySpan<byte> packet, uint vector) =>
        packet.Length >= Offset + 6
        && SacnRootLayer.TryReadFlagsAndLength(packet[Offset..], out int length)
        && length == packet.Length - Offset
        && BinaryPrimitives.ReadUInt32BigEndian(packet[(Offset + 2)..]) == vector;

    /// <summary>Writes the framing layer's flags and length and its vector for a packet of <paramref name="totalLength"/> bytes.</summary>
    public static void Write(Span<byte> destination, uint vector, int totalLength)
    {
        SacnRootLayer.WriteFlagsAndLength(destination[Offset..], totalLength - Offset);
        BinaryPrimitives.WriteUInt32BigEndian(destination[(Offset + 2)..], vector);
    }

    /// <summary>The source name of a data or discovery packet up to its NUL.</summary>
    public static ReadOnlySpan<byte> ReadSourceName(ReadOnlySpan<byte> packet)
    {
        ReadOnlySpan<byte> name = packet.Slice(SourceNameOffset, SourceNameLength);
        int nul = name.IndexOf((byte)0);
        return nul >= 0 ? name[..nul] : name;
    }

    /// <summary>Writes the 64-byte source name field: <paramref name="name"/> cut to 63 bytes, NUL-padded.</summary>
    public static void WriteSourceName(Span<byte> destination, ReadOnlySpan<byte> name)
    {
        Span<byte> field = destination.Slice(SourceNameOffset, SourceNameLength);
        field.Clear();
        name[..Math.Min(name.Length, SourceNameLength - 1)].CopyTo(field);
    }

    /// <summary>UTF-8 source name cut to 63 bytes (the field keeps a NUL), for the packets' writers.</summary>
    public static byte[] EncodeSourceName(string name)
    {
        byte[] bytes = System.Text.Encoding.UTF8.GetBytes(name ?? string.Empty);
        return bytes.Length < SourceNameLength ? bytes : bytes[..(SourceNameLength - 1)];
    }
}
