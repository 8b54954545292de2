// Licensed under the MIT License. See LICENSE in the repository root.
using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using OlaSharp.Interop;

namespace OlaSharp.ArtNet.Interop.Tests;

/// <summary>
/// Issue 13, defects 1 and 11 with the real console: QLC+ 4.12 (Debian <c>qlcplus</c>, headless) and olasharpd
/// on the same host (198.18.0.1 in a private VethNetwork). The workspace's Engine autostarts a Scene on two
/// QLC+ universes with the Art-Net plugin's defaults: QLC+ universe 1 goes out as Port-Address 0:0:0 (nobody
/// listens: the notice), QLC+ universe 2 as 0:0:1 (OLA universe 1, patched). Nothing leaves the namespaces.
/// </summary>
[Collection(ArtNetInteropCollection.Name)]
public sealed partial class QlcPlusSameHostTests : IDisposable
{
    private static readonly TimeSpan s_tool = TimeSpan.FromSeconds(15);
    private readonly string _dir = Directory.CreateTempSubdirectory("olas-artnet-qlc-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    [GeneratedRegex(@"""dmx""\s*:\s*\[\s*44\s*,\s*55\s*,\s*66\b")]
    private static partial Regex SceneOnUniverse1();

    // Two QLC+ universes, one 3-channel generic dimmer in each, one Scene setting both, started by the Engine.
    private const string Workspace = """
        <?xml version="1.0" encoding="UTF-8"?>
        <!DOCTYPE Workspace>
        <Workspace xmlns="http://www.qlcplus.org/Workspace" CurrentWindow="FunctionManager">
         <Creator>
          <Name>Q Light Controller Plus</Name>
          <Version>4.12.6</Version>
          <Author>olasharp tests</Author>
         </Creator>
         <Engine Autostart="0">
          <InputOutputMap>
           <Universe Name="Universe 1" ID="0">
            <Output Plugin="ArtNet" UID="198.18.0.1" Line="1"/>
           </Universe>
           <Universe Name="Universe 2" ID="1">
            <Output Plugin="ArtNet" UID="198.18.0.1" Line="1"/>
           </Universe>
          </InputOutputMap>
          <Fixture>
           <Manufacturer>Generic</Manufacturer>
           <Model>Generic</Model>
           <Mode>1 Channel</Mode>
           <ID>0</ID>
           <Name>Dimmers A</Name>
           <Universe>0</Universe>
           <Address>0</Address>
           <Channels>3</Channels>
          </Fixture>
          <Fixture>
           <Manufacturer>Generic</Manufacturer>
           <Model>Generic</Model>
           <Mode>1 Channel</Mode>
           <ID>1</ID>
           <Name>Dimmers B</Name>
           <Universe>1</Universe>
           <Address>0</Address>
           <Channels>3</Channels>
          </Fixture>
          <Function ID="0" Type="Scene" Name="Look">
           <Speed FadeIn="0" FadeOut="0" Duration="0"/>
           <FixtureVal ID="0">0,11,1,22,2,33</FixtureVal>
           <FixtureVal ID="1">0,44,1,55,2,66</FixtureVal>
          </Function>
         </Engine>
        </Workspace>
        """;

    [Fact]
    public async Task QlcPlusOnSameHost_Universe2ReachesOlaUniverse1_Universe1ShownAsUnpatched()
    {
        Peers.RequireRoot();
        string qlcplus = Peers.Require("qlcplus", "qlcplus");
        Peers.Require("curl", "curl");

        await using var net = await VethNetwork.CreateAsync(2);
        NetworkNamespace host = net.Hosts[0];

        string conf = Path.Combine(_dir, "olasharp");
        Directory.CreateDirectory(conf);
        await File.WriteAllTextAsync(Path.Combine(conf, "ola-artnet.conf"), "enabled = true\nip = 198.18.0.1\n");
        await File.WriteAllTextAsync(Path.Combine(conf, "ola-e131.conf"), "enabled = false\n");
        await File.WriteAllTextAsync(Path.Combine(conf, "ola-port.conf"), "2-1-I-0 = 1\n");
        var ours = new ProcessOutput();
        host.Start(OlasharpdCommand.FileName, OlasharpdCommand.Arguments("-c", conf, "--http-port", "9090", "--rpc-port", "9010", "--grpc-port", "0", "-l", "3"), output: ours);
        Assert.True(await host.WaitForTcpAsync(9090, TimeSpan.FromSeconds(30)), "olasharpd did not start:\n" + ours.StandardOutput + ours.StandardError);

        string home = Path.Combine(_dir, "home");
        Directory.CreateDirectory(home);
        string workspace = Path.Combine(_dir, "look.qxw");
        await File.WriteAllTextAsync(workspace, Workspace);
        var qlc = new ProcessOutput();
        host.Start("/usr/bin/env", ["QT_QPA_PLATFORM=offscreen", "HOME=" + home, "XDG_RUNTIME_DIR=" + home, qlcplus, "-o", workspace, "-p"], output: qlc);
        string Logs() => "\nolasharpd:\n" + ours.StandardOutput + ours.StandardError + "\nqlcplus:\n" + qlc.StandardOutput + qlc.StandardError;

        string last = string.Empty;
        string notices = string.Empty;
        bool data = false;
        JsonElement entry = default;
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < TimeSpan.FromSeconds(40) && !(data && entry.ValueKind == JsonValueKind.Object))
        {
            last = (await host.RunAsync("curl", ["-s", "http://127.0.0.1:9090/get_dmx?u=1"], s_tool)).StandardOutput;
            data = SceneOnUniverse1().IsMatch(last);
            notices = (await host.RunAsync("curl", ["-s", "http://127.0.0.1:9090/json/notices"], s_tool)).StandardOutput;
            if (notices.StartsWith('{'))
            {
                entry = JsonDocument.Parse(notices).RootElement.GetProperty("notices").EnumerateArray()
                    .FirstOrDefault(e => e.GetProperty("subject").GetString() == "0:0:0");
            }

            await Task.Delay(500);
        }

        Assert.True(data, "QLC+ universe 2 (0:0:1) never reached OLA universe 1; last /get_dmx: " + last + Logs());
        Assert.True(entry.ValueKind == JsonValueKind.Object, "QLC+ universe 1 (0:0:0) is not in /json/notices: " + notices + Logs());
        Assert.Equal("198.18.0.1", entry.GetProperty("from").GetString());
        Assert.Contains("QLC+", entry.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, Regex.Count(ours.StandardOutput + ours.StandardError, @"universe 0:0:0 arrives from 198\.18\.0\.1"));

        string metrics = (await host.RunAsync("curl", ["-s", "http://127.0.0.1:9090/metrics"], s_tool)).StandardOutput;
        Assert.Contains("olasharp_packets_dropped_total{protocol=\"artnet\",reason=\"not_patched\"}", metrics, StringComparison.Ordinal);
        Assert.DoesNotContain("olasharp_packets_dropped_total{protocol=\"artnet\",reason=\"not_patched\"} 0", metrics, StringComparison.Ordinal);
    }
}
