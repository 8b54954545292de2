// Licensed under the MIT License. See LICENSE in the repository root.
namespace OlaSharp.Standby;

/// <summary>The role a node announces in its heartbeat (<see cref="StandbyRole"/> plus the hand-over).</summary>
public enum AnnouncedRole : byte
{
    /// <summary>Listening before choosing; outputs closed.</summary>
    Starting = 1,

    /// <summary>Outputs closed; the partner drives them.</summary>
    Standby = 2,

    /// <summary>Drives the outputs.</summary>
    Active = 3,

    /// <summary>Was active, has closed its outputs and asks the partner to open its own (failback, manual switch-over).</summary>
    Yielding = 4,
}

/// <summary>Which end of the pair the conf makes a node (<c>role</c> in <c>ola-standby.conf</c>).</summary>
public enum ConfRole : byte
{
    /// <summary>Preferred: wins a tie, and takes the outputs back with <c>failback = auto</c>.</summary>
    Primary = 0,

    /// <summary>The other one.</summary>
    Backup = 1,
}

/// <summary>
/// The heartbeat both nodes of a pair send every <c>heartbeat_ms</c> (docs/standby.md has the layout):
/// 40 bytes, big-endian: "OSSB", version 1, announced role, conf role, flags (<see cref="ReleasedFlag"/>), term (u32),
/// sequence (u32), the sender's CID (16 bytes, RFC 4122 order), uptime in ms (u64).
/// </summary>
public readonly record struct HeartbeatPacket(AnnouncedRole Role, ConfRole ConfRole, uint Term, uint Sequence, UInt128 Cid, ulong UptimeMs)
{
    /// <summary>The packet's length.</summary>
    public const int Length = 40;

    /// <summary>The protocol version this code writes and reads.</summary>
    public const byte Version = 1;

    /// <summary>"OSSB" (OlaSharp StandBy).</summary>
    public const uint Magic = 0x4F53_5342;

    /// <summary>
    /// Flag of a <see cref="AnnouncedRole.Yielding"/> heartbeat: every output of the sender has let go of its shared
    /// line (the UART writers' driver-enable pins are inactive), so the partner may open now. The partner opens on
    /// this, never on a yield without it.
    /// </summary>
    public const byte ReleasedFlag = 0x01;

    /// <summary>The flags byte (<see cref="ReleasedFlag"/>; other bits are ignored on receipt).</summary>
    public byte Flags { get; init; }

    /// <summary>True when <see cref="ReleasedFlag"/> is set.</summary>
    public bool Released => (Flags & ReleasedFlag) != 0;

    /// <summary>Writes the packet; returns <see cref="Length"/>, or 0 when <paramref name="destination"/> is too short.</summary>
    public int Write(Span<byte> destination)
    {
        if (destination.Length < Length)
        {
            return 0;
        }

        BinaryPrimitives.WriteUInt32BigEndian(destination, Magic);
        destination[4] = Version;
        destination[5] = (byte)Role;
        destination[6] = (byte)ConfRole;
        destination[7] = Flags;
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], Term);
        BinaryPrimitives.WriteUInt32BigEndian(destination[12..], Sequence);
        BinaryPrimitives.WriteUInt128BigEndian(destination[16..], Cid);
        BinaryPrimitives.WriteUInt64BigEndian(destination[32..], UptimeMs);
        return Length;
    }

    /// <summary>
    /// Parses a heartbeat; false (never an exception) for anything else: short, wrong magic or version, an
    /// unknown role. Longer packets are accepted (a later version may append fields).
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> data, out HeartbeatPacket packet)
    {
        packet = default;
        if (data.Length < Length || BinaryPrimitives.ReadUInt32BigEndian(data) != Magic || data[4] != Version)
        {
            return false;
        }

        byte role = data[5];
        byte confRole = data[6];
        if (role is < (byte)AnnouncedRole.Starting or > (byte)AnnouncedRole.Yielding || confRole > (byte)ConfRole.Backup)
        {
            return false;
        }

        packet = new HeartbeatPacket(
            (AnnouncedRole)role,
            (ConfRole)confRole,
            BinaryPrimitives.ReadUInt32BigEndian(data[8..]),
            BinaryPrimitives.ReadUInt32BigEndian(data[12..]),
            BinaryPrimitives.ReadUInt128BigEndian(data[16..]),
            BinaryPrimitives.ReadUInt64BigEndian(data[32..]))
        {
            Flags = data[7],
        };
        return true;
    }
}
