// Licensed under the MIT License. See LICENSE in the repository root.
using OlaSharp.Core.Conf;
using OlaSharp.Udp;

namespace OlaSharp.ArtNet;

// ola-artnet.conf described once: ApplyDefaults applies it, the settings page shows and checks it.
public sealed partial class ArtNetPlugin : IConfDescribed
{
    /// <summary>What the reader says when <c>ip</c> names no address or interface of this host.</summary>
    internal const string IpExpected = "an IPv4 address or interface name of this host";

    /// <summary>Every key of <c>ola-artnet.conf</c> this plugin reads: olad's first, then ours.</summary>
    public static ConfDescription Settings { get; } = new(
        "artnet",
        [
            ConfDescriptions.Enabled(byDefault: true, "Run the Art-Net node."),
            new ConfSetting
            {
                Key = "ip", Label = "Interface", Kind = SettingKind.Ip,
                Help = "IPv4 address or interface name to bind to. Empty: the first interface that is not loopback.",
                Validator = new StringValidator(allowEmpty: true),
                Suggestions = () => InterfaceSuggestions(includeLoopback: true),
            },
            ConfDescriptions.Text("short_name", "Short name", "The node's short name in ArtPollReply (first 17 characters are sent).", DefaultName),
            ConfDescriptions.Text("long_name", "Long name", "The node's long name in ArtPollReply (first 63 characters are sent).", DefaultName),
            ConfDescriptions.Number("net", "Net", "The Art-Net Net (0-127): the top 7 bits of every port's Port-Address.", 0, 127, "0"),
            ConfDescriptions.Number("subnet", "Sub-Net", "The Art-Net Sub-Net (0-15): bits 4-7 of every port's Port-Address.", 0, 15, "0"),
            ConfDescriptions.Number("output_ports", "Output ports", "Number of output ports (ArtDmx out), 0-16.", 0, 16, "4"),
            ConfDescriptions.Bool("always_broadcast", "Always broadcast", "Broadcast ArtDmx instead of sending it to the nodes that subscribed.", false),
            ConfDescriptions.Bool("use_limited_broadcast", "Limited broadcast", "When broadcasting, send to 255.255.255.255 rather than the subnet's directed broadcast address.", false),
            ConfDescriptions.Bool("use_loopback", "Use loopback", "Allow binding the loopback interface (127.0.0.1).", false),
            ConfDescriptions.Number("input_ports", "Input ports", "Number of input ports (ArtDmx in), 0-512; olad always has 4.", 0, 512, "4"),
            ConfDescriptions.Choice("merge_mode", "Merge mode", "How an input port merges two senders: htp takes the highest level per channel, ltp the latest sender.", "htp", "htp", "ltp"),
            ConfDescriptions.Bool("send_artsync", "Send ArtSync", "Run the outputs on a fixed clock and send an ArtSync after each tick's ArtDmx.", false),
            ConfDescriptions.Choice("universe_mapping", "Universe mapping", "ola: Port-Address = net:subnet:(universe % 16), as olad; direct: (net:subnet:0) + universe, the full 15-bit range.", "ola", "ola", "direct"),
            ConfDescriptions.Number("output_hz", "Output rate (Hz)", "Output refresh rate while data changes, 1-44.", 1, 44, "44"),
        ],
        crossCheck: CheckInterface);

    /// <inheritdoc />
    public ConfDescription ConfDescription => Settings;

    /// <summary>The host's interfaces as a user may name them: name, then address.</summary>
    internal static IReadOnlyList<string> InterfaceSuggestions(bool includeLoopback) =>
        [.. InterfacePicker.List(includeLoopback).SelectMany(c => new[] { c.Name, c.Address.ToString() }).Distinct(StringComparer.Ordinal)];

    /// <summary>
    /// The interface <paramref name="ip"/> (and <c>use_loopback</c>) selects, and whether it is the one asked
    /// for: false when <paramref name="ip"/> is set but names no address or interface of this host.
    /// </summary>
    internal static bool TryPickInterface(string? ip, bool useLoopback, out InterfaceChoice? nic)
    {
        nic = InterfacePicker.Pick(ip, useLoopback);
        string wanted = ip?.Trim() ?? string.Empty;
        return wanted.Length == 0 || (nic is not null && (nic.Name == wanted || nic.Address.ToString() == wanted));
    }

    private static IEnumerable<KeyValuePair<string, string>> CheckInterface(ConfFile file)
    {
        string? ip = file.Get("ip");
        if (!TryPickInterface(ip, file.GetBool("use_loopback", false), out _))
        {
            string loopback = IPAddress.TryParse(ip!.Trim(), out IPAddress? a) && IPAddress.IsLoopback(a) ? " (loopback needs 'Use loopback')" : string.Empty;
            yield return new("ip", $"{ConfFile.Quote(ip.Trim())} is not {IpExpected}{loopback}");
        }
    }




}
