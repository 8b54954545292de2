// Licensed under the MIT License. See LICENSE in the repository root.

namespace OlaSharp.Sacn.Packets;

/// <summary>An E1.31 universe synchronisation packet (root vector 8, framing vector 1; 49 bytes).</summary>
/// <param name="Cid">The sender.</param>
/// <param name="Sequence">Sequence number (shared with nothing else: a sync address has its own sequence).</param>
/// <param name="SyncAddress">The synchronisation universe, 1..63999.</param>
internal readonly record struct SacnSyncPacket(UInt128 Cid, byte Sequence, ushort SyncAddress)
{
    /// <summary>Framing vector (VECTOR_E131_EXTENDED_SYNCHRONIZATION).</summary>
    public const uint FramingVector = 0x00000001;

    /// <summary>Length of a sync packet.</summary>
    public const int Length = 49;

    /// <summary>Parses and validates a sync packet; never throws.</summary>
    public static bool TryParse(ReadOnlySpan<byte> packet, out SacnSyncPacket result)
    {
        result = default;
        if (packet.Length != Length
            || !SacnRootLayer.TryParse(packet, out uint vector, out UInt128 cid)
            || vector != SacnRootLayer.VectorExtended
            || !SacnFramingLayer.Check(packet, FramingVector))
        {
            return false;
        }

        ushort address = BinaryPrimitives.ReadUInt16BigEndian(packet[45..]);
        if (address is < SacnDataPacket.MinUniverse or > SacnDataPacket.MaxUniverse)
        {
            return false;
        }

        result = new SacnSyncPacket(cid, packet[44], address);
        return true;
    }

    /// <summary>Writes a sync packet; returns 49.</summary>
    public static int Write(Span<byte> destination, UInt128 cid, byte sequence, ushort syncAddress)
    {
        SacnRootLayer.Write(destination, SacnRootLayer.VectorExtended, cid, Length);
        SacnFramingLayer.Write(destination, FramingVector, Length);
        destination[44] = sequence;
        BinaryPrimitives.WriteUInt16BigEndian(destination[45..], syncAddress);
        BinaryPrimitives.WriteUInt16BigEndian(destination[47..], 0);
        return Length;
    }
}
