// Licensed under the MIT License. See LICENSE in the repository root.
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using OlaSharp.Interop;

namespace OlaSharp.ArtNet.Interop.Tests;

/// <summary>
/// Issue 13, defects 1 and 11, end to end: olasharpd on 198.18.0.1 shares its host with a console (a socket
/// bound to 0.0.0.0:6454, as QLC+ binds it) in a private VethNetwork; 198.18.0.2 is another sender on the
/// segment. Nothing leaves the namespaces.
/// </summary>
[Collection(ArtNetInteropCollection.Name)]
public sealed partial class SameHostConsoleTests : IDisposable
{
    private static readonly TimeSpan s_tool = TimeSpan.FromSeconds(15);
    private readonly string _dir = Directory.CreateTempSubdirectory("olas-artnet-samehost-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    [GeneratedRegex(@"""dmx""\s*:\s*\[\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)")]
    private static partial Regex DmxValues();

    // The notice itself: wait-for.js has already found it visible under #notices. Its parent is not part of the
    // match: the page re-renders the list on each poll, and a notice read just after a re-render is detached.
    [GeneratedRegex(@"<p class=""notice"">Art-Net universe 0:0:0 arrives from [^<]*</p>")]
    private static partial Regex NoticeInDom();

    private static byte[] ArtDmx(int portAddress, byte sequence, byte a, byte b, byte c) =>
        [.. "Art-Net\0"u8, 0x00, 0x50, 0x00, 0x0e, sequence, 0, (byte)(portAddress & 0xFF), (byte)(portAddress >> 8), 0x00, 0x04, a, b, c, 0];

    private static Socket Console(NetworkNamespace host, IPAddress bind)
    {
        Socket s = host.CreateSocket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        s.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true); // Qt's ShareAddress
        s.EnableBroadcast = true;
        s.Bind(new IPEndPoint(bind, 6454));
        s.ReceiveTimeout = 200;
        return s;
    }

    private static async Task<string> GetAsync(NetworkNamespace host, string path) =>
        (await host.RunAsync("curl", ["-s", "http://127.0.0.1:9090" + path], s_tool)).EnsureSuccess("curl " + path).StandardOutput;

    /// <summary>Sends five packets (as a console does, 50 ms apart), then waits for universe <paramref name="universe"/> to show them.</summary>
    private static async Task<string> SendAndReadAsync(NetworkNamespace host, Socket from, IPEndPoint to, int universe, byte first)
    {
        for (byte seq = 1; seq <= 5; seq++)
        {
            from.SendTo(ArtDmx(universe, seq, first, (byte)(first + 1), (byte)(first + 2)), to);
            await Task.Delay(50);
        }

        string last = string.Empty;
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < TimeSpan.FromSeconds(5))
        {
            last = await GetAsync(host, "/get_dmx?u=" + universe.ToString(CultureInfo.InvariantCulture));
            Match m = DmxValues().Match(last);
            if (m.Success && m.Groups[1].Value == first.ToString(CultureInfo.InvariantCulture))
            {
                return last;
            }

            await Task.Delay(100);
        }

        return last;
    }

    private static double Metric(string metrics, string series)
    {
        foreach (string line in metrics.Split('\n'))
        {
            if (line.StartsWith(series + " ", StringComparison.Ordinal))
            {
                return double.Parse(line.AsSpan(series.Length + 1), CultureInfo.InvariantCulture);
            }
        }

        return double.NaN;
    }

    [Fact]
    public async Task ConsoleOnSameHost_BroadcastAndUnicast_ReachUniverses_UnpatchedSenderShownOnce()
    {
        Peers.RequireRoot();
        Peers.Require("curl", "curl");
        Peers.Require("/usr/bin/chromium", "chromium");
        string node = Peers.Require("node", "nodejs");

        await using var net = await VethNetwork.CreateAsync(2);
        NetworkNamespace ourHost = net.Hosts[0];
        NetworkNamespace otherHost = net.Hosts[1];

        // olasharpd: input ports 0, 1, 2 on universes 1, 2, 3 (0:0:1, 0:0:2, 0:0:3); E1.31 off.
        string conf = Path.Combine(_dir, "olasharp");
        Directory.CreateDirectory(conf);
        await File.WriteAllTextAsync(Path.Combine(conf, "ola-artnet.conf"), "enabled = true\nip = 198.18.0.1\n");
        await File.WriteAllTextAsync(Path.Combine(conf, "ola-e131.conf"), "enabled = false\n");
        await File.WriteAllTextAsync(Path.Combine(conf, "ola-port.conf"), "2-1-I-0 = 1\n2-1-I-1 = 2\n2-1-I-2 = 3\n");
        var ours = new ProcessOutput();
        ourHost.Start(OlasharpdCommand.FileName, OlasharpdCommand.Arguments("-c", conf, "--http-port", "9090", "--rpc-port", "9010", "--grpc-port", "0", "-l", "3"), output: ours);
        Assert.True(await ourHost.WaitForTcpAsync(9090, TimeSpan.FromSeconds(30)), "olasharpd did not start:\n" + ours.StandardOutput + ours.StandardError);
        string Log() => "\nolasharpd:\n" + ours.StandardOutput + ours.StandardError;

        // The console binds 0.0.0.0:6454 after olasharpd, as QLC+ started on the Pi would, and sends from 6454.
        using Socket console = Console(ourHost, IPAddress.Any);

        // (1) Broadcast to the LAN: the repro of defect 1 (universe 1 stayed empty: taken for our own broadcast).
        string got = await SendAndReadAsync(ourHost, console, new IPEndPoint(VethNetwork.BroadcastAddress, 6454), 1, 11);
        Assert.True(DmxValues().Match(got) is { Success: true } m1 && m1.Groups[1].Value == "11", "broadcast from the same host's console never reached universe 1; /get_dmx: " + got + Log());

        // (2) Unicast to 127.0.0.1: the kernel would hand it to the console's own wildcard socket.
        got = await SendAndReadAsync(ourHost, console, new IPEndPoint(IPAddress.Loopback, 6454), 2, 21);
        Assert.True(DmxValues().Match(got) is { Success: true } m2 && m2.Groups[1].Value == "21", "unicast to 127.0.0.1 never reached universe 2; /get_dmx: " + got + Log());

        // (3) Unicast to our interface address.
        got = await SendAndReadAsync(ourHost, console, new IPEndPoint(ourHost.Address!, 6454), 3, 31);
        Assert.True(DmxValues().Match(got) is { Success: true } m3 && m3.Groups[1].Value == "31", "unicast to 198.18.0.1 never reached universe 3; /get_dmx: " + got + Log());

        // (4) The console discovers us: its ArtPoll to 127.0.0.1 is answered with a broadcast it receives.
        byte[] poll = [.. "Art-Net\0"u8, 0x00, 0x20, 0x00, 0x0e, 0x02, 0x00];
        console.SendTo(poll, new IPEndPoint(IPAddress.Loopback, 6454));
        bool sawReply = false;
        var buffer = new byte[1024];
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (!sawReply && DateTime.UtcNow < until)
        {
            try
            {
                int n = console.Receive(buffer);
                sawReply = n >= 12 && buffer[8] == 0x00 && buffer[9] == 0x21;
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.TimedOut)
            {
            }
        }

        Assert.True(sawReply, "the console never received our ArtPollReply" + Log());

        // (5) QLC+'s trap: another host sends its universe 1 as 0:0:0, which no input port listens to.
        using (Socket other = Console(otherHost, otherHost.Address!))
        {
            for (byte seq = 1; seq <= 20; seq++)
            {
                other.SendTo(ArtDmx(0, seq, 1, 2, 3), new IPEndPoint(ourHost.Address!, 6454));
                await Task.Delay(20);
            }
        }

        string notices = string.Empty;
        JsonElement entry = default;
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < TimeSpan.FromSeconds(5))
        {
            notices = await GetAsync(ourHost, "/json/notices");
            JsonElement list = JsonDocument.Parse(notices).RootElement.GetProperty("notices");
            entry = list.EnumerateArray().FirstOrDefault(e => e.GetProperty("subject").GetString() == "0:0:0");
            if (entry.ValueKind == JsonValueKind.Object && entry.GetProperty("count").GetInt64() == 20)
            {
                break;
            }

            await Task.Delay(100);
        }

        Assert.True(entry.ValueKind == JsonValueKind.Object, "/json/notices does not list 0:0:0: " + notices);
        Assert.Equal("artnet_unpatched", entry.GetProperty("kind").GetString());
        Assert.Equal("198.18.0.2", entry.GetProperty("from").GetString());
        Assert.Equal("ArtNet", entry.GetProperty("plugin").GetString());
        Assert.Equal(20, entry.GetProperty("count").GetInt64());
        Assert.Contains("patch an ArtNet input port to universe 0", entry.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, Regex.Count(ours.StandardOutput + ours.StandardError, @"universe 0:0:0 arrives from 198\.18\.0\.2"));

        // The web UI's home page shows it: Debian's Chromium (playwright-core) loads the page and waits until
        // the script has shown the notice (`chromium --dump-dom` dumped at the load event, before the script's
        // fetch of /json/notices landed on a loaded machine).
        await BrowserScripts.EnsureNodeModulesAsync();
        CommandResult page = await ourHost.RunAsync(
            node, [BrowserScripts.Script("wait-for.js"), "http://127.0.0.1:9090/", "#notices p.notice", "30000"], TimeSpan.FromSeconds(90));
        string dom = page.StandardOutput + page.StandardError;
        string lastLine = page.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "{}";
        using JsonDocument shown = JsonDocument.Parse(lastLine);
        Match notice = NoticeInDom().Match(shown.RootElement.TryGetProperty("html", out JsonElement html) ? html.GetString() ?? string.Empty : string.Empty);
        Assert.True(notice.Success, "no visible notice on the home page; DOM:\n" + dom);
        Assert.Contains("198.18.0.2", notice.Value, StringComparison.Ordinal);

        // (6) /metrics: our own broadcasts (replies on patch, to the console's poll) came back and were dropped as own.
        string metrics = await GetAsync(ourHost, "/metrics");
        Assert.True(Metric(metrics, "olasharp_packets_dropped_total{protocol=\"artnet\",reason=\"own\"}") >= 1, metrics);
        Assert.Equal(20, Metric(metrics, "olasharp_packets_dropped_total{protocol=\"artnet\",reason=\"not_patched\"}"));
    }
}
