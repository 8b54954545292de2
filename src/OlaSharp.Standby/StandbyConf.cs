// Licensed under the MIT License. See LICENSE in the repository root.
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using OlaSharp.Core.Conf;

namespace OlaSharp.Standby;

/// <summary>
/// <c>ola-standby.conf</c> described once (for the reader here and a settings page) and read into
/// <see cref="StandbySettings"/>: a bad value gets the one warning every conf reader gives and its default.
/// </summary>
public static class StandbyConf
{
    /// <summary>The file: <c>ola-standby.conf</c>.</summary>
    public const string Prefix = "standby";

    /// <summary>The heartbeats' default UDP port.</summary>
    public const int DefaultPort = 5570;

    private static readonly PartnerValidator s_partner = new();
    private static readonly CidValidator s_cid = new();

    /// <summary>Every key of <c>ola-standby.conf</c>.</summary>
    public static ConfDescription Settings { get; } = new(
        Prefix,
        [
            ConfDescriptions.Enabled(byDefault: false, "Run as one of a hot-standby pair (needs a partner)."),
            new ConfSetting
            {
                Key = "partner", Label = "Partner", Policy = DefaultPolicy.CheckedOnUse, Validator = s_partner,
                Help = "The partner server: its IPv4 address, a.b.c.d[:port] (heartbeats by unicast), or its sACN CID (heartbeats to multicast 239.255.250.17, TTL 1).",
            },
            ConfDescriptions.Choice("role", "Role", "primary or backup: the primary wins a tie and takes the outputs back with failback = auto.", "primary", "primary", "backup"),
            ConfDescriptions.Number("heartbeat_ms", "Heartbeat (ms)", "How often each server announces itself, 10-100 ms.", 10, 100, "50"),
            ConfDescriptions.Number("takeover_ms", "Take-over (ms)", "The partner's silence after which the standby takes over, 150-900 ms.", 150, 900, "500"),
            ConfDescriptions.Choice("failback", "Failback", "manual: a restarted server stays standby until switched over; auto: the primary takes the outputs back after failback_after_s.", "manual", "manual", "auto"),
            ConfDescriptions.Number("failback_after_s", "Failback after (s)", "With failback = auto: how long the primary must be a healthy standby first, 1-3600 s.", 1, 3600, "30"),
            ConfDescriptions.Number("port", "Heartbeat port", "UDP port of the heartbeats (the same on both servers).", 1, 65535, "5570"),
            new ConfSetting
            {
                Key = "interface", Label = "Interface", Kind = SettingKind.Ip, Policy = DefaultPolicy.RemoveIfInvalid, Validator = new IPv4Validator(allowEmpty: true),
                Instead = "any interface", Help = "The local IPv4 address heartbeats are sent from and received on; empty: any.",
            },
            ConfDescriptions.Number("sacn_standby_priority", "sACN standby priority", "0: the standby's sACN outputs are silent; 1-200: they keep sending at this priority so receivers choose.", 0, 200, "0"),
            new ConfSetting
            {
                Key = "cid", Label = "Own id", Policy = DefaultPolicy.CheckedOnUse, Validator = s_cid,
                Help = "This server's id when the sACN plugin has no CID; generated when missing.",
            },
        ]);

    /// <summary>
    /// Reads <paramref name="file"/> (inserting the defaults, warning about bad values; true in
    /// <paramref name="changed"/> when the file should be saved). <paramref name="sacnCid"/> is
    /// <c>cid</c> of <c>ola-e131.conf</c>, the node's id when valid.
    /// </summary>
    public static StandbySettings Read(ConfFile file, string? sacnCid, out bool changed)
    {
        ArgumentNullException.ThrowIfNull(file);
        changed = file.SetDefaultValue(ConfDescriptions.EnabledKey, BoolValidator.Instance, "false");
        changed |= Settings.ApplyDefaults(file);
        bool enabled = file.GetBool(ConfDescriptions.EnabledKey, false);

        if (!StandbySettings.TryParseCid(sacnCid, out UInt128 cid))
        {
            string? own = file.Get("cid");
            if (!StandbySettings.TryParseCid(own, out cid))
            {
                cid = BinaryPrimitives.ReadUInt128BigEndian(Guid.NewGuid().ToByteArray(bigEndian: true));
                if (own is not null)
                {
                    file.WarnInvalid("cid", own, s_cid.Expected, "a new one, " + ConfFile.Quote(StandbySettings.FormatCid(cid)));
                }

                file.Set("cid", StandbySettings.FormatCid(cid));
                changed = true;
            }
        }

        string partner = file.Get("partner")?.Trim() ?? string.Empty;
        IPAddress? partnerAddress = null;
        UInt128? partnerCid = null;
        int? partnerPort = null;
        if (partner.Length > 0)
        {
            if (TryParseAddress(partner, out IPAddress? address, out int? port))
            {
                partnerAddress = address;
                partnerPort = port;
            }
            else if (StandbySettings.TryParseCid(partner, out UInt128 c))
            {
                partnerCid = c;
            }
            else
            {
                file.WarnInvalid("partner", partner, s_partner.Expected, "no partner (standalone)");
            }
        }

        IPAddress? bind = null;
        string? iface = file.Get("interface");
        if (!string.IsNullOrEmpty(iface)
            && (!IPAddress.TryParse(iface, out bind) || bind.AddressFamily != AddressFamily.InterNetwork))
        {
            file.WarnInvalid("interface", iface, "an IPv4 address or nothing", "any interface");
            bind = null;
        }

        bool paired = enabled && (partnerAddress is not null || partnerCid is not null);
        if (enabled && !paired && partner.Length == 0)
        {
            file.WarnInvalid("partner", partner, s_partner.Expected, "no partner (standalone)");
        }

        return new StandbySettings
        {
            Enabled = paired,
            Partner = partner,
            PartnerAddress = partnerAddress,
            PartnerCid = partnerCid,
            PartnerPort = partnerPort,
            Cid = cid,
            ConfRole = file.Get("role") == "backup" ? ConfRole.Backup : ConfRole.Primary,
            Heartbeat = TimeSpan.FromMilliseconds(Int(file, "heartbeat_ms")),
            Takeover = TimeSpan.FromMilliseconds(Int(file, "takeover_ms")),
            AutoFailback = file.Get("failback") == "auto",
            FailbackAfter = TimeSpan.FromSeconds(Int(file, "failback_after_s")),
            Port = Int(file, "port"),
            Interface = bind,
            SacnStandbyPriority = Int(file, "sacn_standby_priority"),
        };
    }

    // ApplyDefaults has replaced an invalid value with the default, so the key parses.
    private static int Int(ConfFile file, string key) =>
        file.GetInt(key) ?? int.Parse(Settings.Find(key)!.Default, CultureInfo.InvariantCulture);


    // a.b.c.d or a.b.c.d:port.
    private static bool TryParseAddress(string text, [NotNullWhen(true)] out IPAddress? address, out int? port)
    {
        port = null;
        address = null;
        if (IPEndPoint.TryParse(text, out IPEndPoint? endPoint) && endPoint.AddressFamily == AddressFamily.InterNetwork
            && text.Count(c => c == '.') == 3 && !text.Contains('[', StringComparison.Ordinal))
        {
            address = endPoint.Address;
            port = endPoint.Port == 0 ? null : endPoint.Port;
            return true;
        }

        return false;
    }

    private sealed class PartnerValidator : IConfValidator
    {
        public string Expected => "the partner's IPv4 address (a.b.c.d[:port]) or sACN CID (a UUID)";

        public bool IsValid(string value) => TryParseAddress(value.Trim(), out _, out _) || StandbySettings.TryParseCid(value, out _);
    }

    private sealed class CidValidator : IConfValidator
    {
        public string Expected => "a UUID";

        public bool IsValid(string value) => StandbySettings.TryParseCid(value, out _);
    }
}
