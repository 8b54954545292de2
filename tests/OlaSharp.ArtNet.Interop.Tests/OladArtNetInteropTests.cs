// Licensed under the MIT License. See LICENSE in the repository root.
using System.Diagnostics;
using System.Text.RegularExpressions;
using OlaSharp.Interop;

namespace OlaSharp.ArtNet.Interop.Tests;

/// <summary>
/// olad 0.10.9 (Art-Net only) on 198.18.0.1 and olasharpd on 198.18.0.2, in a private VethNetwork;
/// tshark on .2 captures what both send. Nothing leaves the namespaces.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ArtNetInteropCollection
{
    public const string Name = "ArtNet interop";
}

[Collection(ArtNetInteropCollection.Name)]
public sealed partial class OladArtNetInteropTests : IDisposable
{
    private static readonly TimeSpan s_tool = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan s_exchange = TimeSpan.FromSeconds(25);
    private readonly string _dir = Directory.CreateTempSubdirectory("olas-artnet-interop-").FullName;

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

    [GeneratedRegex(@"""dmx""\s*:\s*\[\s*50\s*,\s*20\s*,\s*30\b")]
    private static partial Regex HtpMerged();

    // A second Art-Net sender on 198.18.0.3: ArtDmx 0:0:1 = [50, 5, 5, 0], sequence 1..255, 5 Hz for 30 s.
    private const string SecondSender = """
        import socket, time
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("198.18.0.3", 6454))
        seq = 0
        end = time.time() + 30
        while time.time() < end:
            seq = seq % 255 + 1
            s.sendto(b"Art-Net\0" + bytes([0x00, 0x50, 0x00, 0x0e, seq, 0, 0x01, 0x00, 0x00, 0x04, 50, 5, 5, 0]), ("198.18.0.2", 6454))
            time.sleep(0.2)
        """;

    [GeneratedRegex(@"""dmx""\s*:\s*\[\s*1\s*,\s*2\s*,\s*3\b")]
    private static partial Regex UsToOla();

    [Fact]
    public async Task OladAndOlasharp_ArtDmxBothWays_TsharkDissectsOurPackets()
    {
        Peers.RequireRoot();
        Peers.Require("olad", "ola");
        Peers.Require("ola_patch", "ola");
        Peers.Require("ola_set_dmx", "ola");
        Peers.Require("tshark", "tshark");
        Peers.Require("curl", "curl");

        await using var net = await VethNetwork.CreateAsync(2);
        NetworkNamespace oladHost = net.Hosts[0];
        NetworkNamespace ourHost = net.Hosts[1];

        // tshark on our host sees both directions of the unicast traffic and every broadcast.
        string pcap = Path.Combine(_dir, "artnet.pcap");
        var tsharkOut = new ProcessOutput();
        Process tshark = ourHost.Start("tshark", ["-i", "eth0", "-f", "udp port 6454", "-a", "duration:40", "-w", pcap], output: tsharkOut);
        Assert.True(await tsharkOut.WaitForLineAsync(l => l.Contains("Capturing on", StringComparison.Ordinal), s_tool) || !tshark.HasExited, "tshark did not start: " + tsharkOut.StandardError);

        // olasharpd: input port 0 on universe 1 (0:0:1, olad's output), output port 0 on universe 2 (0:0:2, olad's input).
        string conf = Path.Combine(_dir, "olasharp");
        Directory.CreateDirectory(conf);
        await File.WriteAllTextAsync(Path.Combine(conf, "ola-artnet.conf"), "enabled = true\nip = 198.18.0.2\n");
        await File.WriteAllTextAsync(Path.Combine(conf, "ola-port.conf"), "2-1-I-0 = 1\n2-1-O-0 = 2\n1-1-O-0 = 1\n");
        var ours = new ProcessOutput();
        ourHost.Start(OlasharpdCommand.FileName, OlasharpdCommand.Arguments("-c", conf, "--http-port", "9090", "--rpc-port", "9010", "--grpc-port", "0", "-l", "3"), output: ours);
        Assert.True(await ourHost.WaitForTcpAsync(9090, TimeSpan.FromSeconds(30)), "olasharpd did not start:\n" + ours.StandardOutput + ours.StandardError);

        await using var olad = await OladInstance.StartAsync(oladHost, ["artnet"], extraConf: new Dictionary<string, string>
        {
            ["ola-artnet.conf"] = "ip = 198.18.0.1\n",
        });
        (await oladHost.RunAsync("ola_patch", ["-d", "1", "-p", "0", "-u", "1"], s_tool)).EnsureSuccess("ola_patch output");
        (await oladHost.RunAsync("ola_patch", ["-d", "1", "-p", "0", "-i", "-u", "2"], s_tool)).EnsureSuccess("ola_patch input");

        // (1) olad -> OlaSharp: olad unicasts to us once our ArtPollReply subscribed us to 0:0:1.
        string lastOurs = string.Empty;
        bool received = await RetryAsync(
            async () =>
            {
                (await oladHost.RunAsync("ola_set_dmx", ["-u", "1", "-d", "10,20,30"], s_tool)).EnsureSuccess("ola_set_dmx");
                var get = await ourHost.RunAsync("curl", ["-s", "http://127.0.0.1:9090/get_dmx?u=1"], s_tool);
                lastOurs = get.StandardOutput;
                return OlaToUs().IsMatch(get.StandardOutput);
            },
            s_exchange);
        Assert.True(received, "olad's ArtDmx never reached OlaSharp universe 1; last /get_dmx: " + lastOurs + "\nolasharpd:\n" + ours.StandardOutput + ours.StandardError);

        // ...and through the merge and the refresh clock onto an OlaSharp output: the dummy port patched to
        // universe 1 logs each new frame. olad pads ArtDmx to an even length, so 3 values arrive as 4 slots.
        Assert.True(
            await ours.WaitForLineAsync(l => l.Contains("Dummy port 1-1-O-0: 4 slots, priority 100: 0a 14 1e 00", StringComparison.Ordinal), s_tool),
            "olad's frame never reached OlaSharp's dummy output port:\n" + ours.StandardOutput);

        // (2) OlaSharp -> olad: we unicast to olad once its ArtPollReply (SwOut 0:0:2) subscribed it.
        string lastOlad = string.Empty;
        bool sent = await RetryAsync(
            async () =>
            {
                (await ourHost.RunAsync("curl", ["-s", "-d", "u=2&d=1,2,3", "http://127.0.0.1:9090/set_dmx"], s_tool)).EnsureSuccess("curl set_dmx");
                var get = await oladHost.RunAsync("curl", ["-s", "http://127.0.0.1:9090/get_dmx?u=2"], s_tool);
                lastOlad = get.StandardOutput;
                return UsToOla().IsMatch(get.StandardOutput);
            },
            s_exchange);
        Assert.True(sent, "OlaSharp's ArtDmx never reached olad universe 2; last olad /get_dmx: " + lastOlad + "\nolad log:\n" + olad.ReadLog());

        // (3) tshark dissects everything we sent as Art-Net, with no malformed packets.
        await Task.Delay(TimeSpan.FromSeconds(3)); // at least one more ArtPoll cycle
        using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
        {
            await tshark.WaitForExitAsync(cts.Token);
        }

        var dissect = (await ourHost.RunAsync("tshark", ["-r", pcap, "-V", "-Y", "ip.src == 198.18.0.2"], s_tool)).EnsureSuccess("tshark -r");
        string text = dissect.StandardOutput;
        await File.WriteAllTextAsync(Path.Combine(AppContext.BaseDirectory, "artnet-interop-dissection.txt"), text);
        Assert.DoesNotContain("Malformed", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Expert Info (Error", text, StringComparison.Ordinal);
        int frames = Regex.Count(text, @"(?m)^Frame \d+:");
        Assert.True(frames > 0, "tshark saw nothing from 198.18.0.2");
        Assert.Equal(frames, Regex.Count(text, @"(?m)^Art-Net"));
        Assert.Equal(frames, Regex.Count(text, @"OpCode: Art"));
        Assert.Contains("OpCode: ArtPoll (0x2000)", text, StringComparison.Ordinal);
        Assert.Contains("OpCode: ArtPollReply (0x2100)", text, StringComparison.Ordinal);
        Assert.Contains("Bind Index: 0x01", text, StringComparison.Ordinal);
        Assert.Contains("Bind Index: 0x08", text, StringComparison.Ordinal);
        Assert.Contains("Bind IP Address: 198.18.0.2", text, StringComparison.Ordinal);
        Assert.Contains("OpCode: ArtDMX (0x5000)", text, StringComparison.Ordinal);
        Assert.Contains("Universe: 2", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OladAndSecondSender_TwoSourcesMergedHtp()
    {
        Peers.RequireRoot();
        Peers.Require("olad", "ola");
        Peers.Require("ola_patch", "ola");
        Peers.Require("ola_set_dmx", "ola");
        Peers.Require("curl", "curl");
        Peers.Require("/usr/bin/python3", "python3");

        await using var net = await VethNetwork.CreateAsync(3);
        NetworkNamespace oladHost = net.Hosts[0];
        NetworkNamespace ourHost = net.Hosts[1];
        string conf = Path.Combine(_dir, "olasharp");
        Directory.CreateDirectory(conf);
        await File.WriteAllTextAsync(Path.Combine(conf, "ola-artnet.conf"), "enabled = true\nip = 198.18.0.2\n");
        await File.WriteAllTextAsync(Path.Combine(conf, "ola-port.conf"), "2-1-I-0 = 1\n");
        var ours = new ProcessOutput();
        ourHost.Start(OlasharpdCommand.FileName, OlasharpdCommand.Arguments("-c", conf, "--http-port", "9090", "--rpc-port", "9010", "--grpc-port", "0", "-l", "3"), output: ours);
        Assert.True(await ourHost.WaitForTcpAsync(9090, TimeSpan.FromSeconds(30)), "olasharpd did not start:\n" + ours.StandardOutput + ours.StandardError);

        await using var olad = await OladInstance.StartAsync(oladHost, ["artnet"], extraConf: new Dictionary<string, string>
        {
            ["ola-artnet.conf"] = "ip = 198.18.0.1\n",
        });
        (await oladHost.RunAsync("ola_patch", ["-d", "1", "-p", "0", "-u", "1"], s_tool)).EnsureSuccess("ola_patch output");
        net.Hosts[2].Start("/usr/bin/python3", ["-c", SecondSender]);

        string last = string.Empty;
        bool merged = await RetryAsync(
            async () =>
            {
                (await oladHost.RunAsync("ola_set_dmx", ["-u", "1", "-d", "10,20,30"], s_tool)).EnsureSuccess("ola_set_dmx");
                var get = await ourHost.RunAsync("curl", ["-s", "http://127.0.0.1:9090/get_dmx?u=1"], s_tool);
                last = get.StandardOutput;
                return HtpMerged().IsMatch(get.StandardOutput);
            },
            s_exchange);
        Assert.True(merged, "expected HTP of olad [10,20,30] and .3's [50,5,5]; last /get_dmx: " + last);
    }
}
