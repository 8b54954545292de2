// Licensed under the MIT License. See LICENSE in the repository root.

namespace OlaSharp.ArtNet.Packets;

/// <summary>
/// ArtDmx (OpCode 0x5000): header, ProtVer (big-endian), Sequence, Physical, SubUni, Net, Length
/// (big-endian, 2..512), then the slots. The Port-Address is Net (7 bits) and SubUni (8 bits).
/// Receivers accept odd lengths and use min(Length, bytes received), as olad does.
/// </summary>
public readonly ref struct ArtDmxPacket
{
    /// <summary>Header up to the first slot.</summary>
    public const int HeaderLength = 18;

    /// <summary>Fewest slots in a valid packet (Art-Net 4: "2 to 512").</summary>
    public const int MinSlots = 2;

    /// <summary>Most slots.</summary>
    public const int MaxSlots = 512;

    // The datagram up to the last slot counted (min of Length and what arrived); the properties read it.
    private readonly ReadOnlySpan<byte> _raw;

    private ArtDmxPacket(ReadOnlySpan<byte> raw) => _raw = raw;

    /// <summary>Sequence, 1..255; 0 disables sequencing.</summary>
    public byte Sequence => _raw[12];

    /// <summary>The sender's physical input port (information only).</summary>
    public byte Physical => _raw[13];

    /// <summary>15-bit Port-Address.</summary>
    public int PortAddress => ArtNetHeader.PortAddress(_raw[15], _raw[14]);

    /// <summary>The slots (a slice of the received packet, not a copy).</summary>
    public ReadOnlySpan<byte> Data => _raw[HeaderLength..];

    /// <summary>Parses an ArtDmx; false when short, not Art-Net, ProtVer below 14 or with fewer than 2 slots. Never throws.</summary>
    public static bool TryParse(ReadOnlySpan<byte> packet, out ArtDmxPacket dmx)
    {
        dmx = default;
        if (!ArtNetHeader.Check(packet, ArtOpCode.Dmx, HeaderLength + MinSlots))
        {
            return false;
        }

        int length = BinaryPrimitives.ReadUInt16BigEndian(packet[16..]);
        length = Math.Min(Math.Min(length, MaxSlots), packet.Length - HeaderLength);
        if (length < MinSlots)
        {
            return false;
        }

        dmx = new ArtDmxPacket(packet[..(HeaderLength + length)]);
        return true;
    }

    /// <summary>Bytes needed to send <paramref name="slotCount"/> slots (rounded up to even, at least 2).</summary>
    public static int PacketLength(int slotCount) => HeaderLength + WireLength(slotCount);

    /// <summary>The Length field for <paramref name="slotCount"/> slots: even, 2..512.</summary>
    public static int WireLength(int slotCount) => Math.Clamp((slotCount + 1) & ~1, MinSlots, MaxSlots);

    /// <summary>
    /// Writes an ArtDmx with <paramref name="slots"/> (cut to 512), padded with zeros to an even length of at
    /// least 2. Returns the bytes written.
    /// </summary>
    public static int Write(Span<byte> destination, byte sequence, byte physical, int portAddress, ReadOnlySpan<byte> slots)
    {
        if (slots.Length > MaxSlots)
        {
            slots = slots[..MaxSlots];
        }

        int wire = WireLength(slots.Length);
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, HeaderLength + wire);
        int n = ArtNetHeader.Write(destination, ArtOpCode.Dmx);
        destination[n++] = sequence;
        destination[n++] = physical;
        destination[n++] = (byte)(portAddress & 0xFF); // SubUni
        destination[n++] = (byte)((portAddress >> 8) & 0x7F); // Net
        BinaryPrimitives.WriteUInt16BigEndian(destination[n..], (ushort)wire);
        n += 2;
        slots.CopyTo(destination[n..]);
        destination.Slice(n + slots.Length, wire - slots.Length).Clear();
        return n + wire;
    }
}
