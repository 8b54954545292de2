// Licensed under the MIT License. See LICENSE in the repository root.
using System.Diagnostics;

namespace OlaSharp.Sacn.Packets;

/// <summary>
/// An E1.31 data packet (root vector 4, framing vector 2, DMP set property): up to 512 slots after a
/// start code. A parsed packet holds slices of the datagram, not copies.
/// </summary>
internal readonly ref struct SacnDataPacket
{
    /// <summary>Framing vector of data (VECTOR_E131_DATA_PACKET).</summary>
    public const uint FramingVector = 0x00000002;

    /// <summary>DMP vector (VECTOR_DMP_SET_PROPERTY).</summary>
    public const byte DmpVector = 0x02;

    /// <summary>DMP address and data type: relative addressing of one-byte values.</summary>
    public const byte AddressType = 0xa1;

    /// <summary>Bytes before the first slot (the start code is the last header byte).</summary>
    public const int HeaderLength = 126;

    /// <summary>Largest data packet.</summary>
    public const int MaxLength = HeaderLength + 512;

    /// <summary>Highest priority a receiver accepts.</summary>
    public const int MaxPriority = 200;

    /// <summary>Lowest and highest data universe.</summary>
    public const int MinUniverse = 1;

    /// <summary>Highest data universe (64000-64999 are reserved, 64214 is discovery).</summary>
    public const int MaxUniverse = 63999;

    private const int PriorityOffset = 108;
    private const int SyncOffset = 109;
    private const int SequenceOffset = 111;
    private const int OptionsOffset = 112;
    private const int UniverseOffset = 113;
    private const int DmpOffset = 115;

    // The validated datagram; the properties read their fields from it (a view, no copies).
    private readonly ReadOnlySpan<byte> _raw;

    private SacnDataPacket(ReadOnlySpan<byte> raw) => _raw = raw;

    /// <summary>The sender's component identifier.</summary>
    public UInt128 Cid => SacnRootLayer.ReadCid(_raw);

    /// <summary>The source name up to its NUL (UTF-8).</summary>
    public ReadOnlySpan<byte> SourceName => SacnFramingLayer.ReadSourceName(_raw);

    /// <summary>Universe priority, 0..200.</summary>
    public byte Priority => _raw[PriorityOffset];

    /// <summary>The universe whose sync packets release this data; 0 = not synchronised.</summary>
    public ushort SyncAddress => BinaryPrimitives.ReadUInt16BigEndian(_raw[SyncOffset..]);

    /// <summary>Sequence number.</summary>
    public byte Sequence => _raw[SequenceOffset];

    /// <summary>Options.</summary>
    public SacnFramingOptions Options => (SacnFramingOptions)_raw[OptionsOffset];

    /// <summary>Universe, 1..63999.</summary>
    public ushort Universe => BinaryPrimitives.ReadUInt16BigEndian(_raw[UniverseOffset..]);

    /// <summary>DMX start code (0 levels, 0xDD per-address priority).</summary>
    public byte StartCode => _raw[HeaderLength - 1];

    /// <summary>The slots after the start code (0..512).</summary>
    public ReadOnlySpan<byte> Slots => _raw[HeaderLength..];

    /// <summary>True when Stream_Terminated is set.</summary>
    public bool IsTerminated => (Options & SacnFramingOptions.StreamTerminated) != 0;

    /// <summary>True when Preview_Data is set.</summary>
    public bool IsPreview => (Options & SacnFramingOptions.Preview) != 0;

    /// <summary>
    /// Parses and validates every field a receiver must check (E1.31-2018 §6, §7): root layer, vectors,
    /// every flags-and-length, priority ≤ 200, universe 1..63999, DMP type 0xa1, first address 0,
    /// increment 1, and a property count of 1..513 that matches the datagram. Never throws.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> packet, out SacnDataPacket result)
    {
        result = default;
        if (packet.Length < HeaderLength || packet.Length > MaxLength
            || !SacnRootLayer.TryParse(packet, out uint rootVector, out _)
            || rootVector != SacnRootLayer.VectorData
            || !SacnFramingLayer.Check(packet, FramingVector))
        {
            return false;
        }

        byte priority = packet[PriorityOffset];
        ushort universe = BinaryPrimitives.ReadUInt16BigEndian(packet[UniverseOffset..]);
        if (priority > MaxPriority || universe < MinUniverse || universe > MaxUniverse)
        {
            return false;
        }

        if (!SacnRootLayer.TryReadFlagsAndLength(packet[DmpOffset..], out int dmpLength)
            || dmpLength != packet.Length - DmpOffset
            || packet[DmpOffset + 2] != DmpVector
            || packet[DmpOffset + 3] != AddressType
            || BinaryPrimitives.ReadUInt16BigEndian(packet[(DmpOffset + 4)..]) != 0
            || BinaryPrimitives.ReadUInt16BigEndian(packet[(DmpOffset + 6)..]) != 1)
        {
            return false;
        }

        int count = BinaryPrimitives.ReadUInt16BigEndian(packet[(DmpOffset + 8)..]);
        if (count < 1 || count != packet.Length - (HeaderLength - 1))
        {
            return false;
        }

        result = new SacnDataPacket(packet);
        return true;
    }

    /// <summary>
    /// Writes a data packet; returns its length (126 + slots). <paramref name="sourceName"/> is the
    /// 64-byte NUL-padded name field (see <see cref="SacnFramingLayer.EncodeSourceName"/>). Allocates nothing.
    /// </summary>
    public static int Write(Span<byte> destination, UInt128 cid, ReadOnlySpan<byte> sourceName, byte priority, ushort syncAddress, byte sequence, SacnFramingOptions options, ushort universe, byte startCode, ReadOnlySpan<byte> slots)
    {
        if (slots.Length > 512)
        {
            slots = slots[..512];
        }

        int length = HeaderLength + slots.Length;
        SacnRootLayer.Write(destination, SacnRootLayer.VectorData, cid, length);
        SacnFramingLayer.Write(destination, FramingVector, length);
        SacnFramingLayer.WriteSourceName(destination, sourceName);
        destination[PriorityOffset] = priority;
        BinaryPrimitives.WriteUInt16BigEndian(destination[SyncOffset..], syncAddress);
        destination[SequenceOffset] = sequence;
        destination[OptionsOffset] = (byte)options;
        BinaryPrimitives.WriteUInt16BigEndian(destination[UniverseOffset..], universe);
        SacnRootLayer.WriteFlagsAndLength(destination[DmpOffset..], length - DmpOffset);
        destination[DmpOffset + 2] = DmpVector;
        destination[DmpOffset + 3] = AddressType;
        BinaryPrimitives.WriteUInt16BigEndian(destination[(DmpOffset + 4)..], 0);
        BinaryPrimitives.WriteUInt16BigEndian(destination[(DmpOffset + 6)..], 1);
        BinaryPrimitives.WriteUInt16BigEndian(destination[(DmpOffset + 8)..], (ushort)(slots.Length + 1));
        destination[HeaderLength - 1] = startCode;
        slots.CopyTo(destination[HeaderLength..]);
        Debug.Assert(length == HeaderLength + slots.Length, "data packet length");
        return length;
    }

    /// <summary>Multicast group of a universe: 239.255.hi.lo.</summary>
    public static System.Net.IPAddress MulticastGroup(int universe) =>
        new([239, 255, (byte)(universe >> 8), (byte)universe]);
}
