// Licensed under the MIT License. See LICENSE in the repository root.
using System.Diagnostics;

namespace OlaSharp.Sacn.Packets;

/// <summary>
/// An E1.31-2018 universe discovery packet (root vector 8, framing vector 2, discovery vector 1): one
/// page of up to 512 sorted universe numbers, sent to universe 64214 every 10 s.
/// </summary>
internal readonly ref struct SacnDiscoveryPacket
{
    /// <summary>Framing vector (VECTOR_E131_EXTENDED_DISCOVERY).</summary>
    public const uint FramingVector = 0x00000002;

    /// <summary>Discovery layer vector (VECTOR_UNIVERSE_DISCOVERY_UNIVERSE_LIST).</summary>
    public const uint ListVector = 0x00000001;

    /// <summary>The discovery universe (239.255.250.214).</summary>
    public const int Universe = 64214;

    /// <summary>Universes per page.</summary>
    public const int MaxUniversesPerPage = 512;

    /// <summary>Bytes before the universe list.</summary>
    public const int HeaderLength = 120;

    /// <summary>Longest discovery packet.</summary>
    public const int MaxLength = HeaderLength + (2 * MaxUniversesPerPage);

    private const int DiscoveryOffset = 112;

    private SacnDiscoveryPacket(UInt128 cid, ReadOnlySpan<byte> sourceName, byte page, byte lastPage, ReadOnlySpan<byte> list)
    {
        Cid = cid;
        SourceName = sourceName;
        Page = page;
        LastPage = lastPage;
        _list = list;
    }

    private readonly ReadOnlySpan<byte> _list;

    /// <summary>The sender.</summary>
    public UInt128 Cid { get; }

    /// <summary>Source name up to its NUL.</summary>
    public ReadOnlySpan<byte> SourceName { get; }

    /// <summary>This page, from 0.</summary>
    public byte Page { get; }

    /// <summary>The last page's number.</summary>
    public byte LastPage { get; }

    /// <summary>Universes on this page.</summary>
    public int Count => _list.Length / 2;

    /// <summary>The <paramref name="index"/>th universe (big-endian on the wire).</summary>
    public ushort this[int index] => BinaryPrimitives.ReadUInt16BigEndian(_list[(2 * index)..]);

    /// <summary>Parses and validates a discovery packet; never throws.</summary>
    public static bool TryParse(ReadOnlySpan<byte> packet, out SacnDiscoveryPacket result)
    {
        result = default;
        if (packet.Length < HeaderLength || packet.Length > MaxLength || (packet.Length & 1) != 0
            || !SacnRootLayer.TryParse(packet, out uint vector, out UInt128 cid)
            || vector != SacnRootLayer.VectorExtended
            || !SacnFramingLayer.Check(packet, FramingVector)
            || !SacnRootLayer.TryReadFlagsAndLength(packet[DiscoveryOffset..], out int discoveryLength)
            || discoveryLength != packet.Length - DiscoveryOffset
            || BinaryPrimitives.ReadUInt32BigEndian(packet[(DiscoveryOffset + 2)..]) != ListVector)
        {
            return false;
        }

        byte page = packet[118];
        byte lastPage = packet[119];
        if (page > lastPage)
        {
            return false;
        }

        result = new SacnDiscoveryPacket(cid, SacnFramingLayer.ReadSourceName(packet), page, lastPage, packet[HeaderLength..]);
        return true;
    }

    /// <summary>Writes one page listing <paramref name="universes"/> (at most 512, sorted); returns its length.</summary>
    public static int Write(Span<byte> destination, UInt128 cid, ReadOnlySpan<byte> sourceName, byte page, byte lastPage, ReadOnlySpan<ushort> universes)
    {
        if (universes.Length > MaxUniversesPerPage)
        {
            universes = universes[..MaxUniversesPerPage];
        }

        int length = HeaderLength + (2 * universes.Length);
        SacnRootLayer.Write(destination, SacnRootLayer.VectorExtended, cid, length);
        SacnFramingLayer.Write(destination, FramingVector, length);
        SacnFramingLayer.WriteSourceName(destination, sourceName);
        BinaryPrimitives.WriteUInt32BigEndian(destination[108..], 0); // reserved
        SacnRootLayer.WriteFlagsAndLength(destination[DiscoveryOffset..], length - DiscoveryOffset);
        BinaryPrimitives.WriteUInt32BigEndian(destination[(DiscoveryOffset + 2)..], ListVector);
        destination[118] = page;
        destination[119] = lastPage;
        for (int i = 0; i < universes.Length; i++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(destination[(HeaderLength + (2 * i))..], universes[i]);
        }

        Debug.Assert(length == HeaderLength + (2 * universes.Length), "discovery packet length");
        return length;
    }
}
