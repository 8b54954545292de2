// Licensed under the MIT License. See LICENSE in the repository root.
using OlaSharp.ArtNet.Internal;
using OlaSharp.Core.Conf;
using OlaSharp.Udp;

namespace OlaSharp.ArtNet;

/// <summary>
/// The Art-Net 4 plugin (OLA id 2, <c>ola-artnet.conf</c>, device <c>2-1</c>). Reads every key olad writes,
/// with olad's defaults and validators, plus keys of ours (see <see cref="Description"/>).
/// </summary>
public sealed partial class ArtNetPlugin : NodePlugin, INoticeSource
{
    /// <summary>olad's default short and long name.</summary>
    public const string DefaultName = "OLA - ArtNet node";

    /// <summary>Creates the plugin.</summary>
    public ArtNetPlugin()
        : base(PluginIds.ArtNet, "ArtNet", "artnet", ArtNetCounters.Schema)
    {
    }

    /// <inheritdoc />
    public override string Description =>
        "ArtNet Plugin\n----------------------------\n\n" +
        "An Art-Net 4 node: any number of ports, each with its own BindIndex and 15-bit Port-Address; two-source HTP/LTP merge; " +
        "ArtSync in and (optionally) out; ArtDmx unicast to subscribers with a keep-alive.\n\n" +
        "--- Config file : ola-artnet.conf ---\n\n" +
        "always_broadcast = [true|false]\nBroadcast ArtDmx instead of unicasting to subscribers.\n\n" +
        "ip = [a.b.c.d|<interface_name>]\nThe ip address or interface name to bind to. If not specified it will use the first non-loopback interface.\n\n" +
        "long_name = ola - ArtNet node\nThe long name of the node.\n\n" +
        "net = 0\nThe ArtNet Net to use (0-127).\n\n" +
        "output_ports = 4\nThe number of output ports to create (0-16).\n\n" +
        "short_name = ola - ArtNet node\nThe short name of the node (first 17 chars will be used).\n\n" +
        "subnet = 0\nThe ArtNet subnet to use (0-15).\n\n" +
        "use_limited_broadcast = [true|false]\nWhen broadcasting, use the limited broadcast address (255.255.255.255) rather than the subnet directed broadcast address.\n\n" +
        "use_loopback = [true|false]\nEnable use of the loopback device.\n\n" +
        "input_ports = 4\n(OlaSharp) The number of input ports (0-512; olad always has 4).\n\n" +
        "merge_mode = [htp|ltp]\n(OlaSharp) How an input port merges two senders.\n\n" +
        "send_artsync = [true|false]\n(OlaSharp) Run outputs on a fixed clock and send an ArtSync after each tick's ArtDmx.\n\n" +
        "universe_mapping = [ola|direct]\n(OlaSharp) ola: Port-Address = net:subnet:(universe % 16); direct: (net:subnet:0) + universe, the full 15-bit range.\n\n" +
        "output_hz = 44\n(OlaSharp) Output refresh rate (1-44).\n";

    /// <summary>The device while started (tests).</summary>
    internal ArtNetDevice? Device => (ArtNetDevice?)ActiveDevice;

    /// <inheritdoc />
    protected override bool SetDefaultPreferences(ConfFile preferences) =>
        base.SetDefaultPreferences(preferences) | ApplyDefaults(preferences);

    /// <summary>Inserts missing keys and replaces invalid values (every key olad writes, then ours).</summary>
    internal static bool ApplyDefaults(ConfFile preferences)
    {
        ArgumentNullException.ThrowIfNull(preferences);
        // olad 0.10.9 ArtNetPlugin::SetDefaultPreferences, then ours (olad keeps unknown keys, so the file
        // stays readable by olad); "enabled" is the base class's and valid by now.
        return Settings.ApplyDefaults(preferences);
    }

    /// <summary>Builds the node options from the preferences and the chosen interface.</summary>
    internal static ArtNetOptions OptionsFrom(ConfFile p, InterfaceChoice nic)
    {
        return new ArtNetOptions
        {
            BindAddress = nic.Address,
            BroadcastAddress = nic.Broadcast,
            Mac = nic.Mac,
            Net = p.GetInt("net") ?? 0,
            Subnet = p.GetInt("subnet") ?? 0,
            OutputPorts = p.GetInt("output_ports") ?? 4,
            InputPorts = p.GetInt("input_ports") ?? 4,
            ShortName = p.Get("short_name") ?? DefaultName,
            LongName = p.Get("long_name") ?? DefaultName,
            AlwaysBroadcast = p.GetBool("always_broadcast", false),
            UseLimitedBroadcast = p.GetBool("use_limited_broadcast", false),
            MergeMode = p.Get("merge_mode") == "ltp" ? ArtNetMergeMode.Ltp : ArtNetMergeMode.Htp,
            SendArtSync = p.GetBool("send_artsync", false),
            Mapping = p.Get("universe_mapping") == "direct" ? UniverseMapping.Direct : UniverseMapping.Ola,
            // GetInt: the validator accepts olad's lenient "3x" as 3, which double.Parse would throw on.
            OutputHz = p.GetInt("output_hz") ?? 44,
        };
    }

    /// <summary>
    /// olad's choice (see <see cref="InterfacePicker"/>), plus the warning olad gives ("Could not convert
    /// address") when <c>ip</c> names no address or interface of this host and another one is used.
    /// </summary>
    internal static InterfaceChoice? PickInterface(ConfFile p)
    {
        string? ip = p.Get("ip");
        if (!TryPickInterface(ip, p.GetBool("use_loopback", false), out InterfaceChoice? nic))
        {
            p.WarnInvalid("ip", ip!, IpExpected, nic is null ? "no interface" : $"{nic.Name} ({nic.Address})");
        }

        return nic;
    }

    /// <inheritdoc />
    protected override Device? OpenDevice()
    {
        InterfaceChoice? nic = PickInterface(Preferences);
        if (nic is null)
        {
            Log.NoInterface(Logger);
            return null;
        }

        ArtNetOptions options = OptionsFrom(Preferences, nic);
        var node = new ArtNetNode(options, Context.Time, Context.LoggerFactory.CreateLogger("OlaSharp.ArtNet.Node"), Counters);
        var device = new ArtNetDevice(this, options, node, Context.Time.TimestampFrequency);
        node.Start(nic.IsLoopback ? null : nic.Name);
        return Run(node, device);
    }

    /// <summary>
    /// ArtDmx arriving now for Port-Addresses no input port listens to, per sender (entries go 30 s after the
    /// traffic stops); empty while stopped.
    /// </summary>
    public IReadOnlyList<UnpatchedArtDmx> UnpatchedTraffic()
    {
        var node = (ArtNetNode?)Node;
        return node is null ? [] : node.Unpatched.Snapshot(Context.Time.GetTimestamp());
    }

    /// <inheritdoc />
    public void CollectNotices(ICollection<PluginNotice> into)
    {
        ArgumentNullException.ThrowIfNull(into);
        foreach (UnpatchedArtDmx u in UnpatchedTraffic())
        {
            into.Add(new PluginNotice("artnet_unpatched", u.Address, u.Sender, u.Packets, u.LastSeen, u.Advice));
        }
    }
}
