// Licensed under the MIT License. See LICENSE in the repository root.
using System.Globalization;
using OlaSharp.Core.Conf;
using OlaSharp.Udp;

namespace OlaSharp.Sacn;

// ola-e131.conf described once: ApplyDefaults and the readers of the optional keys use it, the settings page
// shows and checks it. The per-output keys (output_<n>_unicast, output_<n>_sync_address) are the "devices".
public sealed partial class SacnPlugin : IConfDescribed
{
    /// <summary>What the reader says when <c>ip</c> names no usable address or interface of this host.</summary>
    internal const string IpExpected = "a non-loopback IPv4 address or interface name of this host";

    private const string OutputPrefix = "Output port ";

    /// <summary>The unicast destination lists (<c>unicast_destinations</c>, <c>output_&lt;n&gt;_unicast</c>).</summary>
    internal static readonly DestinationsValidator Destinations = new();

    /// <summary>A per-port sync address (<c>output_&lt;n&gt;_sync_address</c>): plain digits, 0..63999.</summary>
    internal static readonly SyncAddressValidator PortSyncAddress = new();

    /// <summary>Every key of <c>ola-e131.conf</c> this plugin reads: olad's first, then ours, then each output port's.</summary>
    public static ConfDescription Settings { get; } = new(
        "e131",
        [
            ConfDescriptions.Enabled(byDefault: true, "Run the E1.31 (sACN) node."),
            new ConfSetting
            {
                Key = "cid", Label = "CID", Policy = DefaultPolicy.CheckedOnUse, Validator = new CidValidator(),
                Help = "This node's component identifier (a UUID). A missing or invalid one is replaced with a new one.",
            },
            ConfDescriptions.Bool("draft_discovery", "Draft discovery", "Enable the draft (2014) E1.31 discovery protocol (OlaSharp always sends the ratified E1.31-2018 discovery).", false),
            ConfDescriptions.Number("dscp", "DSCP", "The DSCP value outgoing packets are tagged with, 0-63.", 0, 63, "0"),
            ConfDescriptions.Bool("ignore_preview", "Ignore preview data", "Drop incoming packets that have the preview bit set.", true),
            ConfDescriptions.Number("input_ports", "Input ports", $"Number of input ports, 0-{MaxPorts} (olad: up to 512).", 0, MaxPorts, "5"),
            new ConfSetting
            {
                Key = "ip", Label = "Interface", Kind = SettingKind.Ip,
                Help = "IPv4 address or interface name to send and join multicast on. Empty: the first interface that is not loopback.",
                Validator = new StringValidator(allowEmpty: true),
                Suggestions = () => [.. InterfacePicker.List(includeLoopback: false).SelectMany(c => new[] { c.Name, c.Address.ToString() }).Distinct(StringComparer.Ordinal)],
            },
            ConfDescriptions.Number("output_ports", "Output ports", $"Number of output ports, 0-{MaxPorts} (olad: up to 512). Each has its own settings below after saving.", 0, MaxPorts, "5"),
            ConfDescriptions.Bool("prepend_hostname", "Prepend hostname", "Send the source name as <hostname>-<instance name> rather than the instance name alone.", true),
            ConfDescriptions.Choice("revision", "Revision", "E1.31 revision: 0.46 is ANSI E1.31 (OlaSharp speaks only this; 0.2 is accepted and logged).", "0.46", "0.2", "0.46"),
            ConfDescriptions.Number("output_hz", "Output rate (Hz)", "Output refresh rate while data changes, 1-44; unchanged data is kept alive every second.", 1, 44, "44"),
            new ConfSetting
            {
                Key = "unicast_destinations", Label = "Unicast destinations", Kind = SettingKind.List,
                Help = "a.b.c.d[:port] destinations every output port also sends to, comma-separated (olad sends multicast only).",
                Validator = new StringValidator(allowEmpty: true), UseValidator = Destinations,
            },
            ConfDescriptions.Number("sync_address", "Sync address", "Universe synchronisation address of the outputs, 1-63999 (0: none). Outputs then tick together and a sync packet follows each tick.", 0, SacnDataPacket.MaxUniverse, "0"),
            ConfDescriptions.Bool("per_address_priority", "Send per-address priority", "Send per-address priorities (start code 0xDD) when a universe's merge has them.", true),
            new ConfSetting
            {
                Key = "per_address_priority_wait", Label = "Wait for per-address priority", Kind = SettingKind.Choice, Default = "auto",
                Validator = new SetValidator("auto", "always", "never"),
                Help = "Whether a new sender's levels wait up to 1.5 s for its first 0xDD packet: auto = only on a universe where a sender uses 0xDD now or did in the last minute; always; never.",
            },
            new ConfSetting
            {
                Key = "unicast", Label = "Unicast destinations", Kind = SettingKind.List, PerDevice = true, Policy = DefaultPolicy.CheckedOnUse,
                Help = "a.b.c.d[:port] destinations this output port also sends to, comma-separated.",
                Validator = Destinations,
            },
            new ConfSetting
            {
                Key = "sync_address", Label = "Sync address", Kind = SettingKind.Number, PerDevice = true, Policy = DefaultPolicy.CheckedOnUse,
                Help = "This port's synchronisation address (0: none); empty: the plugin's sync address.",
                Validator = PortSyncAddress,
            },
        ],
        OutputPorts,
        static (device, key) => OutputKey(int.Parse(device.AsSpan(OutputPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture), key),
        CheckInterface);

    /// <inheritdoc />
    public ConfDescription ConfDescription => Settings;

    /// <summary>The key of output port <paramref name="index"/>'s setting <paramref name="key"/>: <c>output_&lt;n&gt;_&lt;key&gt;</c>.</summary>
    internal static string OutputKey(int index, string key) => string.Create(CultureInfo.InvariantCulture, $"output_{index}_{key}");

    private static IReadOnlyList<string> OutputPorts(ConfFile file)
    {
        int outputs = Math.Clamp(file.GetInt("output_ports") ?? 5, 0, MaxPorts);
        var names = new string[outputs];
        for (int i = 0; i < outputs; i++)
        {
            names[i] = OutputPrefix + i.ToString(CultureInfo.InvariantCulture);
        }

        return names;
    }

    private static IEnumerable<KeyValuePair<string, string>> CheckInterface(ConfFile file)
    {
        string? ip = file.Get("ip");
        if (!string.IsNullOrWhiteSpace(ip) && !TryPickInterface(ip, out _, out _))
        {
            yield return new("ip", $"{ConfFile.Quote(ip.Trim())} is not {IpExpected}");
        }
    }



    /// <summary>A list of IPv4 <c>a.b.c.d[:port]</c> separated by commas or spaces (empty is fine), as <see cref="ParseDestinations(string?)"/> reads it.</summary>
    internal sealed class DestinationsValidator : IConfValidator
    {
        public string Expected => "a list of IPv4 a.b.c.d[:port]";

        public bool IsValid(string value)
        {
            ParseDestinations(value, out List<string> bad);
            return bad.Count == 0;
        }
    }

    /// <summary>Plain digits 0..63999 (no sign, no trailing text: olad has no such key, so no lenient parse to copy).</summary>
    internal sealed class SyncAddressValidator : IConfValidator
    {
        public string Expected => $"an integer 0..{SacnDataPacket.MaxUniverse}";

        public bool IsValid(string value) =>
            int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int address) && address <= SacnDataPacket.MaxUniverse;
    }

    /// <summary>A UUID, as <see cref="SacnRootLayer.TryParseCid"/> reads it.</summary>
    private sealed class CidValidator : IConfValidator
    {
        public string Expected => "a UUID";

        public bool IsValid(string value) => SacnRootLayer.TryParseCid(value, out _);
    }
}
