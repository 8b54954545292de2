// Licensed under the MIT License. See LICENSE in the repository root.
using System.Globalization;
using System.Net.Sockets;
using OlaSharp.Core.Conf;
using OlaSharp.Sacn.Internal;
using OlaSharp.Udp;

namespace OlaSharp.Sacn;

/// <summary>
/// The E1.31 (sACN) plugin (OLA id 11, <c>ola-e131.conf</c>, device <c>11-1</c>). Reads every key olad
/// writes, with olad's defaults and validators, plus keys of ours (see <see cref="Description"/>).
/// </summary>
public sealed partial class SacnPlugin : NodePlugin
{
    /// <summary>Most input or output ports (olad: 512).</summary>
    public const int MaxPorts = 4096;

    /// <summary>Creates the plugin.</summary>
    public SacnPlugin()
        : base(PluginIds.E131, "E1.31 (sACN)", "e131", SacnCounters.Schema)
    {
    }

    /// <inheritdoc />
    public override string Description =>
        "E1.31 (Streaming DMX over ACN) Plugin\n----------------------------\n\n" +
        "ANSI E1.31-2018: any number of senders per universe tracked by CID, priority and per-address priority (0xDD) merge, " +
        "stream termination, 2.5 s source loss, keep-alive output on a fixed clock, universe discovery.\n\n" +
        "--- Config file : ola-e131.conf ---\n\n" +
        "cid = 00010203-0405-0607-0809-0a0b0c0d0e0f\nThe CID to use for this device.\n\n" +
        "dscp = [int]\nThe DSCP value to tag the packets with, range is 0 to 63.\n\n" +
        "draft_discovery = [bool]\nEnable the draft (2014) E1.31 discovery protocol (OlaSharp always sends the ratified E1.31-2018 discovery).\n\n" +
        "ignore_preview = [true|false]\nIgnore preview data.\n\n" +
        "input_ports = [int]\nThe number of input ports to create up to a max of 512 (OlaSharp: 4096).\n\n" +
        "ip = [a.b.c.d|<interface_name>]\nThe ip address or interface name to bind to. If not specified it will use the first non-loopback interface.\n\n" +
        "output_ports = [int]\nThe number of output ports to create up to a max of 512 (OlaSharp: 4096).\n\n" +
        "prepend_hostname = [true|false]\nSet to true to prepend the hostname to the source name when sending packets.\n\n" +
        "revision = [0.2|0.46]\nSets the revision of E1.31 to use (OlaSharp speaks 0.46 = ANSI E1.31 only).\n\n" +
        "output_hz = 44\n(OlaSharp) Output refresh rate while data changes (1-44); unchanged data is kept alive every second.\n\n" +
        "unicast_destinations = a.b.c.d[,e.f.g.h]\n(OlaSharp) Unicast destinations every output port also sends to (olad sends multicast only).\n\n" +
        "output_<n>_unicast = a.b.c.d[,e.f.g.h]\n(OlaSharp) Unicast destinations of output port n only.\n\n" +
        "sync_address = 0\n(OlaSharp) Universe synchronisation address of the outputs (0 = none): outputs tick together at output_hz and a sync packet follows each tick.\n\n" +
        "output_<n>_sync_address = 0\n(OlaSharp) Synchronisation address of output port n only (overrides sync_address; 0 = none). Ports sharing an address get one sync packet per tick.\n\n" +
        "per_address_priority = [true|false]\n(OlaSharp) Send per-address priorities (start code 0xDD) when a universe's merge has them (from 0xDD senders).\n\n" +
        "per_address_priority_wait = [auto|always|never]\n(OlaSharp) Whether a new sender's levels wait up to 1.5 s for its first per-address priority (0xDD) packet, as ETC does: auto = only on an input universe where a sender uses 0xDD now or did in the last minute; always = every new sender; never = no sender.\n";

    /// <summary>The device while started (tests).</summary>
    internal SacnDevice? Device => (SacnDevice?)ActiveDevice;

    /// <summary>
    /// Other sources seen through E1.31 universe discovery (universe 64214): CID, name and the universes
    /// they announce, forgotten 25 s after their last page. Empty while the plugin is stopped. Allocates.
    /// </summary>
    public IReadOnlyList<SacnDiscoveredSource> GetDiscoveredSources() => ((SacnNode?)Node)?.GetDiscoveredSources() ?? [];

    /// <summary>
    /// The senders (CIDs) the input port patched to <paramref name="universe"/> tracks, with their priority
    /// and 0xDD use; empty when no input port is patched there. Allocates.
    /// </summary>
    public IReadOnlyList<SacnSenderInfo> GetSenders(int universe)
    {
        foreach (SacnInputPort port in Device?.Inputs ?? [])
        {
            if (port.UniverseId == universe)
            {
                return port.GetSenders();
            }
        }

        return [];
    }

    /// <inheritdoc />
    protected override bool SetDefaultPreferences(ConfFile preferences) =>
        base.SetDefaultPreferences(preferences) | ApplyDefaults(preferences);

    /// <summary>Inserts missing keys and replaces invalid values (every key olad writes, then ours).</summary>
    internal static bool ApplyDefaults(ConfFile preferences)
    {
        ArgumentNullException.ThrowIfNull(preferences);
        bool changed = false;

        // olad 0.10.9 E131Plugin::SetDefaultPreferences; a missing or invalid cid is generated and saved.
        string? cid = preferences.Get("cid");
        IConfValidator cidRule = Settings.Find("cid")!.Validator;
        if (cid is null || !cidRule.IsValid(cid))
        {
            string fresh = Guid.NewGuid().ToString("D", CultureInfo.InvariantCulture);
            if (cid is not null)
            {
                preferences.WarnInvalid("cid", cid, cidRule.Expected, "a new one, " + ConfFile.Quote(fresh));
            }

            preferences.Set("cid", fresh);
            changed = true;
        }

        // The rest of olad 0.10.9's keys, then ours (olad keeps unknown keys, so the file stays readable by
        // olad). olad caps the port counts at 512; we take up to MaxPorts so one server can carry more
        // universes (olad, reading such a file, puts its default 5 back).
        changed |= Settings.ApplyDefaults(preferences);
        return changed;
    }

    /// <summary>Builds the node options from the preferences and the chosen interface address.</summary>
    internal static SacnOptions OptionsFrom(ConfFile p, IPAddress address, string hostName, string instanceName)
    {
        SacnRootLayer.TryParseCid(p.Get("cid"), out UInt128 cid);
        return new SacnOptions
        {
            BindAddress = address,
            Cid = cid,
            SourceName = p.GetBool("prepend_hostname", true) ? $"{hostName}-{instanceName}" : instanceName,
            InputPorts = p.GetInt("input_ports") ?? 5,
            OutputPorts = p.GetInt("output_ports") ?? 5,
            IgnorePreview = p.GetBool("ignore_preview", true),
            Dscp = p.GetInt("dscp") ?? 0,
            // GetInt: the validator accepts olad's lenient "3x" as 3, which double.Parse would throw on.
            OutputHz = p.GetInt("output_hz") ?? 44,
            UnicastDestinations = ParseDestinations(p, "unicast_destinations"),
            SyncAddress = p.GetInt("sync_address") ?? 0,
            PortUnicastDestinations = PortDestinations(p),
            PortSyncAddresses = PortSyncAddresses(p),
            SendPerAddressPriority = p.GetBool("per_address_priority", true),
            PerAddressPriorityWaitMode = p.Get("per_address_priority_wait") switch
            {
                "always" => PerAddressPriorityWaitMode.Always,
                "never" => PerAddressPriorityWaitMode.Never,
                _ => PerAddressPriorityWaitMode.Auto,
            },
        };
    }

    /// <summary>Reads the optional <c>output_&lt;n&gt;_sync_address</c> keys (0..63999; not written by default; bad values are ignored).</summary>
    internal static Dictionary<int, int> PortSyncAddresses(ConfFile p)
    {
        var result = new Dictionary<int, int>();
        int outputs = p.GetInt("output_ports") ?? 5;
        for (int i = 0; i < outputs; i++)
        {
            string key = OutputKey(i, "sync_address");
            string? text = p.Get(key);
            if (text is null)
            {
                continue;
            }

            if (PortSyncAddress.IsValid(text))
            {
                result[i] = int.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);
            }
            else
            {
                p.WarnInvalid(key, text, PortSyncAddress.Expected, "sync_address");
            }
        }

        return result;
    }

    /// <summary>Reads the optional <c>output_&lt;n&gt;_unicast</c> keys (not written by default).</summary>
    internal static Dictionary<int, IReadOnlyList<IPEndPoint>> PortDestinations(ConfFile p)
    {
        var result = new Dictionary<int, IReadOnlyList<IPEndPoint>>();
        int outputs = p.GetInt("output_ports") ?? 5;
        for (int i = 0; i < outputs; i++)
        {
            IReadOnlyList<IPEndPoint> list = ParseDestinations(p, OutputKey(i, "unicast"));
            if (list.Count > 0)
            {
                result[i] = list;
            }
        }

        return result;
    }

    /// <summary>Parses <c>a.b.c.d[:port]</c> entries separated by commas or spaces; bad entries are skipped.</summary>
    internal static IReadOnlyList<IPEndPoint> ParseDestinations(string? text) => ParseDestinations(text, out _);

    /// <summary>Parses the destinations of <paramref name="key"/>; bad entries are skipped with one warning naming them.</summary>
    internal static IReadOnlyList<IPEndPoint> ParseDestinations(ConfFile p, string key)
    {
        string? text = p.Get(key);
        IReadOnlyList<IPEndPoint> list = ParseDestinations(text, out List<string> bad);
        if (bad.Count > 0)
        {
            string used = list.Count == 0 ? "no destination" : string.Join(", ", list);
            p.WarnInvalid(key, text!, Destinations.Expected, $"{used} (skipping {string.Join(", ", bad)})");
        }

        return list;
    }

    private static List<IPEndPoint> ParseDestinations(string? text, out List<string> bad)
    {
        var list = new List<IPEndPoint>();
        bad = [];
        foreach (string item in (text ?? string.Empty).Split([',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (IPEndPoint.TryParse(item, out IPEndPoint? ep) && ep.AddressFamily == AddressFamily.InterNetwork)
            {
                list.Add(ep.Port == 0 ? new IPEndPoint(ep.Address, SacnRootLayer.Port) : ep);
            }
            else
            {
                bad.Add(item);
            }
        }

        return list;
    }

    /// <summary>
    /// <see cref="PickInterface(string?)"/>, plus the warning olad gives ("Could not convert address") when
    /// <c>ip</c> names no usable address or interface of this host and another one (or none) is used.
    /// </summary>
    internal static IPAddress? PickInterface(ConfFile p)
    {
        string? ip = p.Get("ip");
        if (!TryPickInterface(ip, out IPAddress? address, out string? name))
        {
            p.WarnInvalid("ip", ip!, IpExpected, address is null ? "no interface" : $"{name} ({address})");
        }

        return address;
    }

    /// <summary>olad's choice: the conf's ip (address or interface name), else the first non-loopback IPv4 address; never loopback.</summary>
    internal static IPAddress? PickInterface(string? ip) => PickInterface(ip, out _);

    /// <summary>The address <paramref name="ip"/> selects; false when <paramref name="ip"/> is set but names no usable address or interface.</summary>
    private static bool TryPickInterface(string? ip, out IPAddress? address, out string? chosenName)
    {
        address = PickInterface(ip, out chosenName);
        string wanted = ip?.Trim() ?? string.Empty;
        return wanted.Length == 0 || (address is not null && (chosenName == wanted || address.ToString() == wanted));
    }

    private static IPAddress? PickInterface(string? ip, out string? chosenName)
    {
        // The same choice as Art-Net's (one implementation), without loopback: E1.31 has no use_loopback.
        InterfaceChoice? choice = InterfacePicker.Pick(ip, useLoopback: false);
        chosenName = choice?.Name;
        return choice?.Address;
    }

    /// <inheritdoc />
    protected override Device? OpenDevice()
    {
        IPAddress? address = PickInterface(Preferences);
        if (address is null)
        {
            Log.NoInterface(Logger);
            return null;
        }

        if (Preferences.Get("revision") == "0.2")
        {
            Log.DraftRevision(Logger);
        }

        SacnOptions options = OptionsFrom(Preferences, address, Environment.MachineName, Context.InstanceName);
        var node = new SacnNode(options, Context.Time, Context.LoggerFactory.CreateLogger("OlaSharp.Sacn.Node"), Counters);
        var device = new SacnDevice(this, options, node, Context.Time.TimestampFrequency);
        node.Start();
        return Run(node, device);
    }
}
