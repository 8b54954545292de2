// Licensed under the MIT License. See LICENSE in the repository root.
using System.Globalization;

namespace OlaSharp.Standby;

/// <summary>The settings of <c>ola-standby.conf</c> as the controller uses them (<see cref="StandbyConf.Read"/>).</summary>
public sealed record StandbySettings
{
    /// <summary>The heartbeats' multicast group when the partner is named by CID (TTL 1: the local segment only).</summary>
    public static readonly IPAddress MulticastGroup = IPAddress.Parse("239.255.250.17");

    /// <summary>True when the pair is configured (<c>enabled = true</c> and a valid <c>partner</c>).</summary>
    public bool Enabled { get; init; }

    /// <summary>The partner as the conf names it.</summary>
    public string Partner { get; init; } = string.Empty;

    /// <summary>The partner's address (<c>partner = ADDRESS</c>), or null.</summary>
    public IPAddress? PartnerAddress { get; init; }

    /// <summary>The partner's heartbeat port: <see cref="Port"/>, or the port of <c>partner = ADDRESS:PORT</c> (two servers on one host).</summary>
    public int? PartnerPort { get; init; }

    /// <summary>The partner's CID (<c>partner = CID</c>), or null.</summary>
    public UInt128? PartnerCid { get; init; }

    /// <summary>This node's id: the sACN CID, or one of its own.</summary>
    public UInt128 Cid { get; init; }

    /// <summary>Primary or backup.</summary>
    public ConfRole ConfRole { get; init; } = ConfRole.Primary;

    /// <summary>The heartbeat period.</summary>
    public TimeSpan Heartbeat { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>The partner's silence after which the standby takes over.</summary>
    public TimeSpan Takeover { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary><c>failback = auto</c>.</summary>
    public bool AutoFailback { get; init; }

    /// <summary>How long the primary must be a healthy standby before an automatic failback.</summary>
    public TimeSpan FailbackAfter { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The heartbeats' UDP port (both ends).</summary>
    public int Port { get; init; } = StandbyConf.DefaultPort;

    /// <summary>The local address to bind and send multicast from, or null (any).</summary>
    public IPAddress? Interface { get; init; }

    /// <summary>0: the standby's sACN outputs are silent; 1..200: they keep sending at this priority.</summary>
    public int SacnStandbyPriority { get; init; }

    /// <summary>A CID as text (lower-case UUID).</summary>
    public static string FormatCid(UInt128 cid)
    {
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(bytes, cid);
        return new Guid(bytes, bigEndian: true).ToString("D", CultureInfo.InvariantCulture);
    }

    /// <summary>Parses a UUID (with or without dashes or braces) into the CID's big-endian number.</summary>
    public static bool TryParseCid(string? text, out UInt128 cid)
    {
        cid = default;
        if (!Guid.TryParse(text, out Guid guid))
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[16];
        guid.TryWriteBytes(bytes, bigEndian: true, out _);
        cid = BinaryPrimitives.ReadUInt128BigEndian(bytes);
        return true;
    }
}
