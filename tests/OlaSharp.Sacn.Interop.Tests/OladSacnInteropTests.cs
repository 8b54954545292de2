// Licensed under the MIT License. See LICENSE in the repository root.
using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using OlaSharp.Interop;

namespace OlaSharp.Sacn.Interop.Tests;

/// <summary>
/// olad 0.10.9 (E1.31 only) on 198.18.0.1, olasharpd on 198.18.0.2 and a Python sACN sender on
/// 198.18.0.3, in a private VethNetwork (olad's E1.31 refuses loopback); multicast stays on its bridge.
/// tshark on .2 captures what we send.
/// </summary>
public sealed partial class OladSacnInteropTests : IDisposable
{
    private static readonly TimeSpan s_tool = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan s_exchange = TimeSpan.FromSeconds(25);
    private readonly string _dir = Directory.CreateTempSubdirectory("olas-sacn-interop-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private static async Task<bool> RetryAsync(Func<Task<bool>> attempt, TimeSpan timeout)
    {
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < timeout)
        {
            if (await attempt())
            {
                return true;
            }

            await Task.Delay(500);
        }

        return false;
    }

    [GeneratedRegex(@"""dmx""\s*:\s*\[\s*10\s*,\s*20\s*,\s*30\b")]
    private static partial Regex OlaToUs();

    [GeneratedRegex(@"""dmx""\s*:\s*\[\s*1\s*,\s*2\s*,\s*3\b")]
    private static partial Regex UsToOla();

    [GeneratedRegex(@"""dmx""\s*:\s*\[\s*50\s*,\s*20\s*,\s*5\b")]
    private static partial Regex HigherPriorityWins();

    // ola-python (Debian's /usr/bin/python3) on olad's host: FetchDmx over OLA RPC, prints the first slots.
    private const string OlaPythonFetch = """
        import sys
        from ola.ClientWrapper import ClientWrapper
        wrapper = ClientWrapper()
        def done(status, universe, data):
            if status.Succeeded():
                print(",".join(str(x) for x in list(data)[:3]))
            else:
                print("error: " + str(status.message), file=sys.stderr)
            wrapper.Stop()
        wrapper.Client().FetchDmx(int(sys.argv[1]), done)
        wrapper.AddEvent(5000, wrapper.Stop)
        wrapper.Run()
        """;

    // A second sACN source on 198.18.0.3: universe 1, priority 150, [50, 5, 5], 5 Hz for 40 s, multicast,
    // each frame preceded by 0xDD per-address priorities [150, 0, 150]: it does not source slot 2.
    private const string SecondSender = """
        import socket, time
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("198.18.0.3", 0))
        s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton("198.18.0.3"))
        def pkt(seq, start, slots):
            n = 126 + len(slots)
            root = bytes([0, 0x10, 0, 0]) + b"ASC-E1.17\0\0\0" + (0x7000 | (n - 16)).to_bytes(2, "big") + (4).to_bytes(4, "big") + bytes(range(1, 17))
            framing = (0x7000 | (n - 38)).to_bytes(2, "big") + (2).to_bytes(4, "big") + b"python".ljust(64, b"\0") + bytes([150, 0, 0, seq, 0, 0, 1])
            dmp = (0x7000 | (n - 115)).to_bytes(2, "big") + bytes([2, 0xa1, 0, 0, 0, 1]) + (len(slots) + 1).to_bytes(2, "big") + bytes([start]) + slots
            return root + framing + dmp
        seq = 0
        end = time.time() + 40
        while time.time() < end:
            seq = (seq + 1) % 256
            s.sendto(pkt(seq, 0xDD, bytes([150, 0, 150])), ("239.255.0.1", 5568))
            seq = (seq + 1) % 256
            s.sendto(pkt(seq, 0, bytes([50, 5, 5])), ("239.255.0.1", 5568))
            time.sleep(0.2)
        """;

    [Fact]
    public async Task OladAndOlasharp_SacnBothWays_PriorityArbitration_TsharkDissectsOurPackets()
    {
        Peers.RequireRoot();
        Peers.Require("olad", "ola");
        Peers.Require("ola_patch", "ola");
        Peers.Require("ola_set_dmx", "ola");
        Peers.Require("tshark", "tshark");
        Peers.Require("curl", "curl");
        Peers.Require("/usr/bin/python3", "python3");
        Peers.Require("text2pcap", "wireshark-common");
        Assert.True(File.Exists("/usr/lib/python3/dist-packages/ola/ClientWrapper.py"), "ola-python is not installed (apt-get install ola-python)");

        await using var net = await VethNetwork.CreateAsync(3);
        NetworkNamespace oladHost = net.Hosts[0];
        NetworkNamespace ourHost = net.Hosts[1];

        string pcap = Path.Combine(_dir, "sacn.pcap");
        var tsharkOut = new ProcessOutput();
        Process tshark = ourHost.Start("tshark", ["-i", "eth0", "-f", "udp port 5568", "-a", "duration:45", "-w", pcap], output: tsharkOut);
        Assert.True(await tsharkOut.WaitForLineAsync(l => l.Contains("Capturing on", StringComparison.Ordinal), s_tool) || !tshark.HasExited, "tshark did not start: " + tsharkOut.StandardError);

        // olasharpd: E1.31 input 0 on universe 1 (olad's output), output 0 on universe 2 (olad's input).
        string conf = Path.Combine(_dir, "olasharp");
        Directory.CreateDirectory(conf);
        await File.WriteAllTextAsync(Path.Combine(conf, "ola-artnet.conf"), "enabled = false\n");
        // Output 1 on universe 3 (nobody listens) is synchronised on address 7001.
        await File.WriteAllTextAsync(Path.Combine(conf, "ola-e131.conf"), "enabled = true\nip = 198.18.0.2\noutput_1_sync_address = 7001\n");
        await File.WriteAllTextAsync(Path.Combine(conf, "ola-port.conf"), "11-1-I-0 = 1\n11-1-O-0 = 2\n11-1-O-1 = 3\n");
        var ours = new ProcessOutput();
        ourHost.Start(OlasharpdCommand.FileName, OlasharpdCommand.Arguments("-c", conf, "--http-port", "9090", "--rpc-port", "9010", "--grpc-port", "0", "-l", "3"), output: ours);
        Assert.True(await ourHost.WaitForTcpAsync(9090, TimeSpan.FromSeconds(30)), "olasharpd did not start:\n" + ours.StandardOutput + ours.StandardError);

        await using var olad = await OladInstance.StartAsync(oladHost, ["e131"], extraConf: new Dictionary<string, string>
        {
            ["ola-e131.conf"] = "ip = 198.18.0.1\n",
        });
        (await oladHost.RunAsync("ola_patch", ["-d", "1", "-p", "0", "-u", "1"], s_tool)).EnsureSuccess("ola_patch output");
        (await oladHost.RunAsync("ola_patch", ["-d", "1", "-p", "0", "-i", "-u", "2"], s_tool)).EnsureSuccess("ola_patch input");

        // (1) olad -> OlaSharp: one multicast packet per ola_set_dmx (olad has no keep-alive); nobody uses
        // 0xDD on universe 1 yet, so it counts at once (per_address_priority_wait = auto).
        string last = string.Empty;
        bool received = await RetryAsync(
            async () =>
            {
                (await oladHost.RunAsync("ola_set_dmx", ["-u", "1", "-d", "10,20,30"], s_tool)).EnsureSuccess("ola_set_dmx");
                await Task.Delay(1700);
                var get = await ourHost.RunAsync("curl", ["-s", "http://127.0.0.1:9090/get_dmx?u=1"], s_tool);
                last = get.StandardOutput;
                return OlaToUs().IsMatch(last);
            },
            s_exchange);
        Assert.True(received, "olad's sACN never reached OlaSharp universe 1; last /get_dmx: " + last + "\nolasharpd:\n" + ours.StandardOutput + ours.StandardError);

        // (2) OlaSharp -> olad.
        bool sent = await RetryAsync(
            async () =>
            {
                (await ourHost.RunAsync("curl", ["-s", "-d", "u=2&d=1,2,3", "http://127.0.0.1:9090/set_dmx"], s_tool)).EnsureSuccess("curl set_dmx");
                var get = await oladHost.RunAsync("curl", ["-s", "http://127.0.0.1:9090/get_dmx?u=2"], s_tool);
                last = get.StandardOutput;
                return UsToOla().IsMatch(last);
            },
            s_exchange);
        Assert.True(sent, "OlaSharp's sACN never reached olad universe 2; last olad /get_dmx: " + last + "\nolad log:\n" + olad.ReadLog());

        // (2b) The same read back through ola-python's client (OLA RPC to olad).
        var fetch = await oladHost.RunAsync("/usr/bin/python3", ["-c", OlaPythonFetch, "2"], s_tool);
        Assert.True(fetch.StandardOutput.Trim() == "1,2,3", "ola-python FetchDmx(2): " + fetch.StandardOutput + fetch.StandardError);

        // (2c) Data for the synchronised output: it ticks at 44 Hz, each tick closed by a sync packet on 7001.
        (await ourHost.RunAsync("curl", ["-s", "-d", "u=3&d=7,8,9", "http://127.0.0.1:9090/set_dmx"], s_tool)).EnsureSuccess("curl set_dmx u=3");

        // (3) Per-address priority: the source at 150 wins slots 1 and 3, olad at 100 keeps slot 2, which
        // the other does not source (0xDD 0), while olad keeps sending.
        net.Hosts[2].Start("/usr/bin/python3", ["-c", SecondSender]);
        bool arbitrated = await RetryAsync(
            async () =>
            {
                (await oladHost.RunAsync("ola_set_dmx", ["-u", "1", "-d", "10,20,30"], s_tool)).EnsureSuccess("ola_set_dmx");
                var get = await ourHost.RunAsync("curl", ["-s", "http://127.0.0.1:9090/get_dmx?u=1"], s_tool);
                last = get.StandardOutput;
                return HigherPriorityWins().IsMatch(last);
            },
            s_exchange);
        Assert.True(arbitrated, "expected [50,20,5]: the 0xDD-150 source's slots 1 and 3 over olad's [10,20,30] at 100, olad's slot 2; last /get_dmx: " + last);

        // The web UI's source list shows both senders behind the E1.31 port: olad at 100 and the 0xDD source at 150, with addresses.
        var sources = await ourHost.RunAsync("curl", ["-s", "http://127.0.0.1:9090/json/universe_sources?id=1"], s_tool);
        using (JsonDocument doc = JsonDocument.Parse(sources.StandardOutput))
        {
            JsonElement port = doc.RootElement.GetProperty("sources").EnumerateArray().Single(e => e.GetProperty("kind").GetString() == "e131");
            var senders = port.GetProperty("senders").EnumerateArray()
                .ToDictionary(e => e.GetProperty("address").GetString()!, e => (Priority: e.GetProperty("priority").GetInt32(), Dd: e.GetProperty("slot_priorities").GetBoolean(), Packets: e.GetProperty("packets").GetInt64()));
            Assert.True(senders.Count == 2, "senders: " + sources.StandardOutput);
            Assert.Equal(100, senders["198.18.0.1"].Priority);
            Assert.Equal(150, senders["198.18.0.3"].Priority);
            Assert.True(senders["198.18.0.3"].Dd, sources.StandardOutput);
            Assert.True(senders["198.18.0.1"].Packets > 0 && senders["198.18.0.3"].Packets > 0, sources.StandardOutput);
        }

        // (4) tshark dissects everything we sent as sACN (heuristic ACN dissector with DMX on).
        using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90)))
        {
            await tshark.WaitForExitAsync(cts.Token);
        }

        // The synchronised port (universe 3, 44 Hz, plus its sync packets) is checked apart, with fields:
        // its verbose dissection would not fit the harness's 4 MB output buffer.
        const string SyncedTraffic = "(ip.dst == 239.255.0.3 || ip.dst == 239.255.27.89)";
        var dissect = (await ourHost.RunAsync("tshark", ["-r", pcap, "-V", "--enable-heuristic", "acn", "-o", "acn.dmx_enable:TRUE", "-Y", $"ip.src == 198.18.0.2 && !{SyncedTraffic}"], s_tool)).EnsureSuccess("tshark -r");
        string text = dissect.StandardOutput;
        await File.WriteAllTextAsync(Path.Combine(AppContext.BaseDirectory, "sacn-interop-dissection.txt"), text);
        // olad's own packets, kept as fixtures for the codec's golden tests (tests/OlaSharp.Sacn.Tests/Fixtures).
        var oladPackets = await ourHost.RunAsync("tshark", ["-r", pcap, "-Y", "ip.src == 198.18.0.1", "-T", "fields", "-e", "udp.payload"], s_tool);
        await File.WriteAllTextAsync(Path.Combine(AppContext.BaseDirectory, "olad-e131-packets.hex"), oladPackets.StandardOutput);

        int frames = Regex.Count(text, @"(?m)^Frame \d+:");
        Assert.True(frames > 0, "tshark saw nothing from 198.18.0.2");
        // tshark's ACN dissector knows only root vector 4: our E1.31-2018 discovery packets (root vector 8,
        // to 239.255.250.214) show as plain data. Its DMX display flags packets with few slots as malformed
        // (clean with 512), so the data packets are checked field by field instead.
        int discovery = Regex.Count(text, @"Destination Address: 239\.255\.250\.214");
        int acn = Regex.Count(text, @"(?m)^Architecture for Control Networks");
        Assert.True(acn > 0, "no sACN data packets from 198.18.0.2");
        Assert.True(discovery > 0, "no universe discovery packets from 198.18.0.2");
        Assert.Equal(frames, acn + discovery);
        Assert.Equal(acn, Regex.Count(text, @"Packet Identifier: ASC-E1\.17"));
        Assert.Equal(acn, Regex.Count(text, @"Protocol ID: Ratified DMX Protocol \(4\)"));
        Assert.Equal(acn, Regex.Count(text, @"Vector: Streaming DMX \(2\)"));
        Assert.Equal(acn, Regex.Count(text, @"DMP Vector: Set Property \(2\)"));
        Assert.Equal(acn, Regex.Count(text, @"First Property Address: 0 \(0x0000\)"));
        Assert.Equal(acn, Regex.Count(text, @"(?m)^\s+Increment: 1$"));
        Assert.Equal(acn, Regex.Count(text, @"(?m)^\s+Universe: 2$"));
        Assert.Equal(acn, Regex.Count(text, @"Destination Address: 239\.255\.0\.2"));
        Assert.Equal(acn, Regex.Count(text, @"(?m)^\s+Reserved: 0$")); // tshark's name for the sync address

        // (4b) The synchronised port: each data packet (universe 3) carries sync address 7001, and each is
        // followed by one sync packet (root vector 8, framing vector 1, address 7001) whose sequence counts up.
        var synced = (await ourHost.RunAsync("tshark", ["-r", pcap, "--enable-heuristic", "acn", "-o", "acn.dmx_enable:TRUE", "-Y", $"ip.src == 198.18.0.2 && {SyncedTraffic}", "-T", "fields", "-E", "separator=;", "-e", "ip.dst", "-e", "acn.dmx.universe", "-e", "acn.dmx.reserved", "-e", "udp.payload"], s_tool)).EnsureSuccess("tshark -T fields");
        string[] rows = synced.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(rows.Length > 20, "too few synchronised packets: " + rows.Length);
        int dataRows = 0;
        int syncRows = 0;
        int lastSyncSequence = -1;
        bool expectData = !rows[0].StartsWith("239.255.27.89", StringComparison.Ordinal);
        foreach (string row in rows)
        {
            string[] f = row.Split(';');
            if (f[0] == "239.255.0.3")
            {
                Assert.True(expectData, "two data packets without a sync packet between them");
                Assert.Equal(["3", "7001"], f[1..3]);
                dataRows++;
                expectData = false;
                continue;
            }

            Assert.Equal("239.255.27.89", f[0]);
            Assert.False(expectData, "a sync packet without data before it");
            byte[] payload = Convert.FromHexString(f[3]);
            Assert.Equal(49, payload.Length);
            Assert.Equal(8, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(payload.AsSpan(18)));
            Assert.Equal(1, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(payload.AsSpan(40)));
            Assert.Equal(7001, System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(payload.AsSpan(45)));
            if (lastSyncSequence >= 0)
            {
                Assert.Equal((lastSyncSequence + 1) & 0xff, payload[44]);
            }

            lastSyncSequence = payload[44];
            syncRows++;
            expectData = true;
        }

        Assert.InRange(dataRows - syncRows, 0, 1);
        Assert.Contains("Count: 4", text, StringComparison.Ordinal);
        Assert.Contains("Source: ", text, StringComparison.Ordinal);

        // (5) Our 0xDD packet (the unit tests' golden bytes, which an output port sends for per-slot
        // priorities [200, 0, 100, 120]) dissects as an E1.31 data packet with start code 0xDD.
        string hex = (await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Fixtures", "olasharp-0xdd-u9.hex"))).Trim();
        byte[] dd = Convert.FromHexString(hex);
        string dump = Path.Combine(_dir, "dd.txt");
        await File.WriteAllLinesAsync(dump, dd.Chunk(16).Select((c, i) => $"{i * 16:x6} {string.Join(' ', c.Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture)))}"));
        string ddPcap = Path.Combine(_dir, "dd.pcap");
        (await ourHost.RunAsync("text2pcap", ["-q", "-u", "5568,5568", "-4", "198.18.0.2,239.255.0.9", dump, ddPcap], s_tool)).EnsureSuccess("text2pcap");
        string ddText = (await ourHost.RunAsync("tshark", ["-r", ddPcap, "-V", "--enable-heuristic", "acn", "-o", "acn.dmx_enable:TRUE"], s_tool)).EnsureSuccess("tshark 0xDD").StandardOutput;
        Assert.Contains("Protocol ID: Ratified DMX Protocol (4)", ddText, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^\s+Priority: 200$", ddText);
        Assert.Matches(@"(?m)^\s+Universe: 9$", ddText);
        Assert.Contains("Count: 5", ddText, StringComparison.Ordinal);
        Assert.Contains("Start Code: 221 (0xdd)", ddText, StringComparison.Ordinal);
    }
}
