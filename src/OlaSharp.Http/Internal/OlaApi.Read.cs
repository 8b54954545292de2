// Licensed under the MIT License. See LICENSE in the repository root.
using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Text.Json;

namespace OlaSharp.Http.Internal;

/// <summary>The read-only JSON endpoints, with olad 0.10.9's shapes (keys sorted, as olad writes them).</summary>
internal sealed partial class OlaApi(OlaHttpHost host, ILogger logger)
{
    public IResult GetDmx(HttpContext ctx)
    {
        if (!OlaResults.TryInt(ctx.Request.Query["u"], out int id))
        {
            return OlaResults.HelpRedirect();
        }

        bool exists = host.Core.Universes.TryGet(id, out Universe? u);
        byte[] data = exists ? u!.GetMergedCopy() : [];

        // olad writes this array of numbers inline: {\n  "dmx": [1,2,3],\n  "error": ""\n}
        var sb = new StringBuilder(40 + (data.Length * 4));
        sb.Append("{\n  \"dmx\": [");
        for (int i = 0; i < data.Length; i++)
        {
            if (i > 0)
            {
                sb.Append(',');
            }

            sb.Append(data[i]);
        }

        sb.Append("],\n  \"error\": \"").Append(exists ? string.Empty : "Universe doesn't exist").Append("\"\n}");
        return new OlaResults.NoCacheText(sb.ToString(), "text/plain");
    }

    public IResult ServerStats() => OlaResults.Json(w =>
    {
        (IPAddress ip, IPAddress broadcast, IPAddress subnet, string mac) = PrimaryInterface();
        w.WriteString("broadcast", broadcast.ToString());
        w.WriteString("config_dir", host.ConfigDir);
        w.WriteString("hostname", HostName());
        w.WriteString("hw_address", mac);
        w.WriteString("instance_name", host.InstanceName);
        w.WriteString("ip", ip.ToString());
        w.WriteBoolean("quit_enabled", host.QuitEnabled);
        w.WriteString("subnet", subnet.ToString());
        w.WriteString("up_since", OlaResults.CTime(host.StartedAt));
        w.WriteString("version", host.Version);
    });

    public IResult UniversePluginList() => OlaResults.Json(w =>
    {
        w.WriteStartArray("plugins");
        foreach (Plugin p in host.Core.Plugins.Plugins.OrderBy(p => p.Id))
        {
            WritePlugin(w, p, withEnabled: true);
        }

        w.WriteEndArray();
        w.WriteStartArray("universes");
        foreach (Universe u in host.Core.Universes.All.OrderBy(u => u.Id))
        {
            w.WriteStartObject();
            w.WriteNumber("id", u.Id);
            w.WriteNumber("input_ports", u.InputPortCount);
            w.WriteString("name", u.Name);
            w.WriteNumber("output_ports", u.OutputPortCount);
            w.WriteNumber("rdm_devices", 0);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    });

    public IResult UniverseInfo(HttpContext ctx)
    {
        if (!TryFindUniverse(ctx, out Universe? u, out IResult? refused))
        {
            return refused;
        }

        IReadOnlyList<Port> ports = host.Core.Devices.PortsOf(u.Id);
        return OlaResults.Json(w =>
        {
            w.WriteNumber("id", u.Id);
            w.WriteStartArray("input_ports");
            foreach (Port p in ports.Where(p => !p.IsOutput))
            {
                WritePort(w, p);
            }

            w.WriteEndArray();
            w.WriteString("merge_mode", MergeModeText.ToOlaConf(u.MergeMode));
            w.WriteString("name", u.Name);
            w.WriteStartArray("output_ports");
            foreach (Port p in ports.Where(p => p.IsOutput))
            {
                WritePort(w, p);
            }

            w.WriteEndArray();
        });
    }

    /// <summary>Ours (not olad's): a universe's sources for the web UI.</summary>
    public IResult UniverseSources(HttpContext ctx)
    {
        if (!TryFindUniverse(ctx, out Universe? u, out IResult? refused))
        {
            return refused;
        }

        IReadOnlyList<SourceInfo> sources = u.GetSources();

        // Ports that merge their own senders (sACN) feed the universe as one source named by the port id.
        var senders = new Dictionary<string, IReadOnlyList<SenderInfo>>(StringComparer.Ordinal);
        foreach (Port p in host.Core.Devices.PortsOf(u.Id))
        {
            if (p is InputPort input && input.DescribeSenders() is { Count: > 0 } list)
            {
                senders[p.Id] = list;
            }
        }

        return OlaResults.Json(w =>
        {
            w.WriteNumber("active_priority", u.ActivePriority);
            w.WriteNumber("id", u.Id);
            w.WriteStartArray("sources");
            foreach (SourceInfo s in sources)
            {
                w.WriteStartObject();
                w.WriteBoolean("active", s.IsActive);
                w.WriteNumber("frames", s.FramesReceived);
                w.WriteString("kind", s.Kind);
                w.WriteNumber("last_seen_ms", s.FramesReceived == 0 ? -1 : (long)s.SinceLastSeen.TotalMilliseconds);
                w.WriteNumber("length", s.Length);
                w.WriteString("name", s.Name);
                w.WriteNumber("priority", s.Priority);
                w.WriteBoolean("slot_priorities", s.UsesSlotPriorities);
                if (senders.TryGetValue(s.Name, out IReadOnlyList<SenderInfo>? behind))
                {
                    w.WriteStartArray("senders");
                    foreach (SenderInfo b in behind)
                    {
                        w.WriteStartObject();
                        w.WriteString("address", b.Address);
                        w.WriteString("id", b.Id);
                        w.WriteNumber("last_seen_ms", (long)b.SinceLastSeen.TotalMilliseconds);
                        w.WriteNumber("length", b.Length);
                        w.WriteString("name", b.Name);
                        w.WriteNumber("packets", b.Packets);
                        w.WriteNumber("priority", b.Priority);
                        w.WriteBoolean("slot_priorities", b.UsesSlotPriorities);
                        w.WriteEndObject();
                    }

                    w.WriteEndArray();
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
        });
    }

    public IResult GetPorts(HttpContext ctx)
    {
        int? universe = null;
        string? idText = ctx.Request.Query["id"];
        if (idText is not null)
        {
            if (!OlaResults.TryInt(idText, out int id))
            {
                return OlaResults.HelpRedirect();
            }

            universe = id;
        }

        // olad lists only the first free port of each direction for devices without multi-port patching.
        IReadOnlyList<Port> free = host.Core.CandidatePorts(universe, firstPerDirection: true);
        return OlaResults.Json(
            w =>
            {
                foreach (Port p in free)
                {
                    WritePort(w, p);
                }
            },
            array: true);
    }

    public IResult PluginInfo(HttpContext ctx)
    {
        if (!OlaResults.TryInt(ctx.Request.Query["id"], out int id))
        {
            return OlaResults.HelpRedirect();
        }

        Plugin? p = host.Core.Plugins.Find(id);
        if (p is null)
        {
            return OlaResults.ServerError("Plugin not loaded");
        }

        return OlaResults.Json(w =>
        {
            w.WriteBoolean("active", DeviceHealthReport.IsActive(p));
            w.WriteStartArray("conflicts_with");
            foreach (int other in p.ConflictsWith)
            {
                if (host.Core.Plugins.Find(other) is Plugin o)
                {
                    WritePlugin(w, o, withEnabled: false);
                }
            }

            w.WriteEndArray();

            // olad shows newlines as a literal backslash-n.
            w.WriteString("description", p.Description.Replace("\n", "\\n", StringComparison.Ordinal));
            w.WriteBoolean("enabled", p.IsEnabled);
            w.WriteString("name", p.Name);
            w.WriteString("preferences_source", host.Core.PreferencesSource(p));
        });
    }

    // The universe named by ?id=, or olad's reply: the help redirect without a number, 500 when it does not exist.
    private bool TryFindUniverse(HttpContext ctx, [NotNullWhen(true)] out Universe? universe, [NotNullWhen(false)] out IResult? refused)
    {
        universe = null;
        if (!OlaResults.TryInt(ctx.Request.Query["id"], out int id))
        {
            refused = OlaResults.HelpRedirect();
            return false;
        }

        if (!host.Core.Universes.TryGet(id, out universe))
        {
            refused = OlaResults.ServerError("Universe doesn't exist");
            return false;
        }

        refused = null;
        return true;
    }

    // olad's plugin object: universe_plugin_list's has "enabled", plugin_info's conflicts_with does not.
    private static void WritePlugin(Utf8JsonWriter w, Plugin p, bool withEnabled)
    {
        w.WriteStartObject();
        w.WriteBoolean("active", DeviceHealthReport.IsActive(p));
        if (withEnabled)
        {
            w.WriteBoolean("enabled", p.IsEnabled);
        }

        w.WriteNumber("id", p.Id);
        w.WriteString("name", p.Name);
        w.WriteEndObject();
    }

    internal static void WritePort(Utf8JsonWriter w, Port p)
    {
        w.WriteStartObject();
        w.WriteString("description", p.Description);
        w.WriteString("device", p.Device.Name);
        w.WriteString("id", HttpPortId(p));
        w.WriteBoolean("is_output", p.IsOutput);
        w.WriteStartObject("priority");
        if (p.PriorityCapability != PriorityCapability.None)
        {
            w.WriteString("current_mode", p.PriorityMode == PriorityMode.Inherit ? "inherit" : "static");
            w.WriteString("priority_capability", p.PriorityCapability == PriorityCapability.Full ? "full" : "static");
            w.WriteNumber("value", p.Priority == 0 ? Priority.Default : p.Priority);
        }

        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary>OLA's HTTP port id: <c>&lt;device alias&gt;-&lt;I|O&gt;-&lt;index&gt;</c>.</summary>
    internal static string HttpPortId(Port p) => $"{p.Device.Alias}-{(p.IsOutput ? 'O' : 'I')}-{p.Index}";

    private static string HostName()
    {
        try
        {
            string name = Dns.GetHostName();
            return Dns.GetHostEntry(name).HostName;
        }
        catch (SocketException)
        {
            return Dns.GetHostName();
        }
    }

    // olad reports its first non-loopback IPv4 interface that is up; none gives 0.0.0.0 and an empty MAC.
    private static (IPAddress Ip, IPAddress Broadcast, IPAddress Subnet, string Mac) PrimaryInterface()
    {
        try
        {
            foreach (NetworkInterface ni in NetworkInterface.GetAllNetworkInterfaces())
            {
                if (ni.OperationalStatus != OperationalStatus.Up || ni.NetworkInterfaceType == NetworkInterfaceType.Loopback)
                {
                    continue;
                }

                foreach (UnicastIPAddressInformation a in ni.GetIPProperties().UnicastAddresses)
                {
                    if (a.Address.AddressFamily != AddressFamily.InterNetwork)
                    {
                        continue;
                    }

                    byte[] ip = a.Address.GetAddressBytes();
                    byte[] mask = a.IPv4Mask.GetAddressBytes();
                    byte[] bcast = new byte[4];
                    for (int i = 0; i < 4; i++)
                    {
                        bcast[i] = (byte)(ip[i] | ~mask[i]);
                    }

                    string mac = string.Join(':', ni.GetPhysicalAddress().GetAddressBytes().Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture)));
                    return (a.Address, new IPAddress(bcast), a.IPv4Mask, mac);
                }
            }
        }
        catch (NetworkInformationException)
        {
        }

        return (IPAddress.Any, IPAddress.Any, IPAddress.Any, "00:00:00:00:00:00");
    }
}
