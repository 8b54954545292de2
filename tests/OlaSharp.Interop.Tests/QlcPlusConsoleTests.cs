// Licensed under the MIT License. See LICENSE in the repository root.
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace OlaSharp.Interop.Tests;

/// <summary>
/// QLC+ 4.12 (Debian's qlcplus, headless) as the user's console, sending a Scene of [11, 22, 33] to
/// olasharpd, inside a private VethNetwork (198.18.0.0/24): the two ways a hobbyist's console reached
/// olasharpd badly before issue 13 (defects 1 and 4).
/// </summary>
[Collection(InteropCollection.Name)]
public sealed partial class QlcPlusConsoleTests
{
    private static readonly byte[] s_levels = [11, 22, 33];
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);

    [GeneratedRegex(@"""dmx""\s*:\s*\[\s*11\s*,\s*22\s*,\s*33\b")]
    private static partial Regex SceneLevels();

    [GeneratedRegex(@"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}) .*Dummy port 1-1-O-0: \d+ slots, priority \d+: 0b 16 21")]
    private static partial Regex DummySceneLine();

    private static async Task<(ProcessOutput Output, string Dir)> StartOlasharpdAsync(NetworkNamespace host, string pluginConf, string portConf)
    {
        string dir = Directory.CreateTempSubdirectory("olas-qlc-srv-").FullName;
        foreach (string plugin in new[] { "artnet", "e131" })
        {
            await File.WriteAllTextAsync(Path.Combine(dir, $"ola-{plugin}.conf"), "enabled = false\n");
        }

        await File.WriteAllTextAsync(Path.Combine(dir, pluginConf.Split('|')[0]), pluginConf.Split('|')[1]);
        await File.WriteAllTextAsync(Path.Combine(dir, "ola-port.conf"), portConf);
        var output = new ProcessOutput();
        host.Start(OlasharpdCommand.FileName, OlasharpdCommand.Arguments("-c", dir, "--http-port", "9090", "--rpc-port", "9010", "--grpc-port", "0", "-l", "3"), output: output);
        Assert.True(await host.WaitForTcpAsync(9090, s_wait), "olasharpd did not start:\n" + output.StandardOutput + output.StandardError);
        return (output, dir);
    }

    /// <summary>
    /// Defect 1: QLC+ on the Pi itself binds 0.0.0.0:6454 and broadcasts ArtDmx from port 6454, the
    /// address and port olasharpd sends from; olasharpd took every such packet for its own echo and
    /// universe 1 stayed empty (olad forwards them).
    /// </summary>
    [Fact]
    public async Task QlcPlusOnTheSameHost_ArtNet_ReachesTheUniverse()
    {
        Peers.RequireRoot();
        Peers.Require("qlcplus", "qlcplus");
        Peers.Require("curl", "curl");
        await using VethNetwork net = await VethNetwork.CreateAsync(2);
        NetworkNamespace pi = net.Hosts[0];
        (ProcessOutput server, string dir) = await StartOlasharpdAsync(pi, "ola-artnet.conf|enabled = true\nip = 198.18.0.1\n", "2-1-I-0 = 1\n1-1-O-0 = 1\n");
        try
        {
            // QLC+'s universe 1 to Port-Address 0:0:1, which OLA's universe 1 listens on.
            await using QlcPlusConsole console = QlcPlusConsole.Start(pi, QlcPlusOutput.ArtNet, 1, s_levels);
            string last = string.Empty;
            var sw = Stopwatch.StartNew();
            while (sw.Elapsed < s_wait && !SceneLevels().IsMatch(last))
            {
                await Task.Delay(250);
                last = (await pi.RunAsync("curl", ["-s", "http://127.0.0.1:9090/get_dmx?u=1"], Host.CommandTimeout)).StandardOutput;
            }

            string metrics = (await pi.RunAsync("curl", ["-s", "http://127.0.0.1:9090/metrics"], Host.CommandTimeout)).StandardOutput;
            Assert.True(
                SceneLevels().IsMatch(last),
                $"QLC+ on the same host never reached universe 1; last /get_dmx: {last}\nArt-Net counters:\n"
                + string.Join('\n', metrics.Split('\n').Where(l => l.Contains("artnet", StringComparison.Ordinal) && !l.StartsWith('#')))
                + "\nqlcplus:\n" + console.Output.StandardError);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>
    /// Defect 4: QLC+ never sends per-address priority (0xDD), yet its first levels reached olasharpd's
    /// outputs 1.51-1.54 s after its first sACN packet (held for a 0xDD packet that never comes), against
    /// 0.01-0.03 s for olad. tshark on olasharpd's host timestamps QLC+'s first packet; the dummy output
    /// port patched to the universe logs the first frame that carries the Scene.
    /// </summary>
    [Fact]
    public async Task QlcPlusSacn_FirstLevelsReachTheOutputAtOnce()
    {
        Peers.RequireRoot();
        Peers.Require("qlcplus", "qlcplus");
        Peers.Require("tshark", "tshark");
        await using VethNetwork net = await VethNetwork.CreateAsync(2);
        NetworkNamespace pi = net.Hosts[0];
        NetworkNamespace laptop = net.Hosts[1];
        (ProcessOutput server, string dir) = await StartOlasharpdAsync(pi, "ola-e131.conf|enabled = true\nip = 198.18.0.1\n", "11-1-I-0 = 1\n1-1-O-0 = 1\n");
        string pcap = Path.Combine(dir, "sacn.pcap");
        try
        {
            var tsharkOut = new ProcessOutput();
            Process tshark = pi.Start("tshark", ["-i", "eth0", "-f", "udp dst port 5568 and src host 198.18.0.2", "-a", "duration:25", "-w", pcap], output: tsharkOut);
            var started = Stopwatch.StartNew();
            while (!tsharkOut.StandardError.Contains("Capturing on", StringComparison.Ordinal) && !tshark.HasExited && started.Elapsed < s_wait)
            {
                await Task.Delay(50); // tshark says it is capturing on stderr
            }

            Assert.True(tsharkOut.StandardError.Contains("Capturing on", StringComparison.Ordinal), "tshark did not start: " + tsharkOut.StandardError);

            await using (QlcPlusConsole console = QlcPlusConsole.Start(laptop, QlcPlusOutput.E131, 1, s_levels))
            {
                Assert.True(
                    await server.WaitForLineAsync(l => DummySceneLine().IsMatch(l), s_wait),
                    "QLC+'s levels never reached the dummy output:\n" + server.StandardOutput + "\nqlcplus:\n" + console.Output.StandardError);
            }

            await tshark.WaitForExitAsync().WaitAsync(s_wait);
            CommandResult first = await Host.RunAsync("tshark", ["-r", pcap, "-c", "1", "-T", "fields", "-e", "frame.time_epoch"]);
            double firstPacket = double.Parse(first.StandardOutput.Trim(), CultureInfo.InvariantCulture);
            string line = server.StandardOutput.Split('\n').First(l => DummySceneLine().IsMatch(l));
            DateTime logged = DateTime.ParseExact(DummySceneLine().Match(line).Groups[1].Value, "yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture, DateTimeStyles.AssumeLocal);
            double delay = (logged.ToUniversalTime() - DateTime.UnixEpoch).TotalSeconds - firstPacket;

            // The universe takes the levels at once (unit tests: no time passes); the dummy port emits them on the
            // refresh clock's next tick (44 Hz), then logs. The bound leaves room for a loaded CI machine while
            // catching the 1.5 s hold.
            Assert.True(delay < 0.25, $"QLC+'s first levels reached the output {delay * 1000:F0} ms after its first packet");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
