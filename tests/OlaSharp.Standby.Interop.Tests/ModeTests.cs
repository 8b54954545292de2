// Licensed under the MIT License. See LICENSE in the repository root.
using System.Diagnostics;

namespace OlaSharp.Standby.Interop.Tests;

/// <summary>The other ways to run a pair: sACN at a standby priority, the partner named by CID (multicast heartbeats), a bad conf.</summary>
[Collection(StandbyInteropCollection.Name)]
public sealed class ModeTests
{
    [Fact]
    public async Task SacnStandbyPriority_ReceiverSeesBothStreams_StandbyLower_UntilTheActiveDies()
    {
        await using StandbyPair pair = await StandbyPair.CreateAsync(OutputProtocol.Sacn, i => KillTests.PairConf(i, "sacn_standby_priority = 50\n"));
        await pair.StartServerAsync(0);
        await pair.StartServerAsync(1);
        await Task.Delay(1500);
        ReceivedFrame[] recent = pair.DataSince(Stopwatch.GetTimestamp() - Stopwatch.Frequency);
        Assert.True(recent.Any(f => f.From == 1) && recent.Any(f => f.From == 2), "the receiver does not hear both servers\n" + pair.Logs());
        Assert.All(recent.Where(f => f.From == 1), f => Assert.Equal(100, f.Priority));
        Assert.All(recent.Where(f => f.From == 2), f => Assert.Equal(50, f.Priority));
        Assert.All(recent, f => Assert.True(f.Current, "a frame that is not the console's current look"));

        // The active one dies: the standby's stream goes to the normal priority.
        long killed = pair.Kill(0);
        await Task.Delay(1200);
        ReceivedFrame[] after = [.. pair.DataSince(killed + Stopwatch.Frequency)];
        Assert.NotEmpty(after);
        Assert.All(after, f => Assert.Equal((2, 100), (f.From, f.Priority)));
    }

    [Fact]
    public async Task PartnerByCid_MulticastHeartbeats_PairSettlesAndTakesOver()
    {
        static string Conf(int i) =>
            $"enabled = true\npartner = {StandbyPair.Cid(1 - i)}\nrole = {(i == 0 ? "primary" : "backup")}\ninterface = 198.18.0.{i + 1}\n";
        await using StandbyPair pair = await StandbyPair.CreateAsync(OutputProtocol.Sacn, Conf);
        await pair.StartServerAsync(0);
        await pair.StartServerAsync(1);
        Assert.Equal(1, await pair.WaitForSingleStreamAsync(TimeSpan.FromMilliseconds(600), TimeSpan.FromSeconds(15)));
        Assert.Contains("to 239.255.250.17:5570", pair.Outputs[1].StandardOutput, StringComparison.Ordinal);
        Assert.True(await pair.Outputs[1].WaitForLineAsync(l => l.Contains("Standby: starting -> ", StringComparison.Ordinal), TimeSpan.FromSeconds(3)), "B never chose a role\n" + pair.Logs());
        Assert.Equal(["starting -> standby"], pair.RoleChanges(1).Select(RoleChange));

        long killed = pair.Kill(0);
        Assert.Equal(2, await pair.WaitForSingleStreamAsync(TimeSpan.FromMilliseconds(300), TimeSpan.FromSeconds(5), active: 2));
        ReceivedFrame first = pair.DataSince(killed).First(f => f.From == 2);
        Assert.True(first.At - killed < Stopwatch.Frequency, "take-over over 1 s\n" + pair.Logs());
    }

    [Fact]
    public async Task BadConf_WarnsAndRunsStandalone()
    {
        await using StandbyPair pair = await StandbyPair.CreateAsync(OutputProtocol.Sacn, _ => "enabled = true\npartner = not-a-server\nheartbeat_ms = 5\ntakeover_ms = 5000\n");
        await pair.StartServerAsync(0);
        Assert.Equal(1, await pair.WaitForSingleStreamAsync(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(10)));
        string log = pair.Outputs[0].StandardOutput;
        Assert.Contains("partner = 'not-a-server'", log, StringComparison.Ordinal);
        Assert.Contains("heartbeat_ms = '5'", log, StringComparison.Ordinal);
        Assert.Contains("takeover_ms = '5000'", log, StringComparison.Ordinal);
        Assert.DoesNotContain("Standby: starting", log, StringComparison.Ordinal);
        string saved = await File.ReadAllTextAsync(Path.Combine(pair.ConfDir(0), "ola-standby.conf"));
        Assert.Contains("heartbeat_ms = 50", saved, StringComparison.Ordinal);
    }

    // "... warn: ... Standby: starting -> standby, term 0: ..." -> "starting -> standby".
    private static string RoleChange(string line)
    {
        int at = line.IndexOf("Standby: ", StringComparison.Ordinal) + "Standby: ".Length;
        return line[at..line.IndexOf(',', at)];
    }
}
