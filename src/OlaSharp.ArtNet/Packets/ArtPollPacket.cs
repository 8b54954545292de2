// Licensed under the MIT License. See LICENSE in the repository root.

namespace OlaSharp.ArtNet.Packets;

/// <summary>
/// ArtPoll (OpCode 0x2000). We send the 14-byte form olad sends (ProtVer 14, Flags, DiagPriority);
/// Art-Net 4 adds a targeted-mode range (Target Port-Address top and bottom, big-endian), ESTA and OEM
/// codes, read when present.
/// </summary>
public readonly ref struct ArtPollPacket
{
    /// <summary>The short form: header, ProtVer, Flags, DiagPriority.</summary>
    public const int ShortLength = 14;

    /// <summary>The Art-Net 4 form with targeted mode, ESTA and OEM.</summary>
    public const int FullLength = 22;

    /// <summary>Flags bit 1: send ArtPollReply whenever node conditions change.</summary>
    public const byte FlagReplyOnChange = 0x02;

    /// <summary>Flags bit 5: targeted mode.</summary>
    public const byte FlagTargeted = 0x20;

    private readonly ReadOnlySpan<byte> _raw;

    private ArtPollPacket(ReadOnlySpan<byte> raw) => _raw = raw;

    /// <summary>Flags (TalkToMe).</summary>
    public byte Flags => _raw[12];

    /// <summary>Lowest diagnostic priority wanted.</summary>
    public byte DiagPriority => _raw[13];

    /// <summary>True when the poller asks for replies on change.</summary>
    public bool ReplyOnChange => (Flags & FlagReplyOnChange) != 0;

    /// <summary>True in targeted mode (only nodes with a port in the target range reply).</summary>
    public bool IsTargeted => (Flags & FlagTargeted) != 0 && _raw.Length >= 18;

    /// <summary>Top of the targeted range (big-endian on the wire).</summary>
    public int TargetPortAddressTop => _raw.Length >= 16 ? BinaryPrimitives.ReadUInt16BigEndian(_raw[14..]) : 0x7FFF;

    /// <summary>Bottom of the targeted range (big-endian on the wire).</summary>
    public int TargetPortAddressBottom => _raw.Length >= 18 ? BinaryPrimitives.ReadUInt16BigEndian(_raw[16..]) : 0;

    /// <summary>Parses an ArtPoll of at least 14 bytes with ProtVer ≥ 14; never throws.</summary>
    public static bool TryParse(ReadOnlySpan<byte> packet, out ArtPollPacket poll)
    {
        if (!ArtNetHeader.Check(packet, ArtOpCode.Poll, ShortLength))
        {
            poll = default;
            return false;
        }

        poll = new ArtPollPacket(packet);
        return true;
    }

    /// <summary>Writes the 14-byte ArtPoll; returns 14.</summary>
    public static int Write(Span<byte> destination, byte flags = FlagReplyOnChange, byte diagPriority = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, ShortLength);
        int n = ArtNetHeader.Write(destination, ArtOpCode.Poll);
        destination[n++] = flags;
        destination[n++] = diagPriority;
        return n;
    }
}
