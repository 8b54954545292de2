// Licensed under the MIT License. See LICENSE in the repository root.
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Xunit.Abstractions;

namespace OlaSharp.Standby.Interop.Tests;

/// <summary>
/// The manual switch-over end to end: POST /json/standby/switch on the active server hands the outputs to the
/// standby, the same on the standby one takes them back; the receiver sees the other server take over with every
/// frame the console's current look and no gap over 1 s, and /json/standby on both shows the new roles. With the
/// partner dead the switch is refused (409) with the controller's sentence.
/// </summary>
[Collection(StandbyInteropCollection.Name)]
public sealed class SwitchOverTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(OutputProtocol.Sacn)]
    [InlineData(OutputProtocol.ArtNet)]
    public async Task Switch_OnActiveThenOnStandby_OtherServerTakesOverWithoutBlackout_PartnerDeadRefused(OutputProtocol protocol)
    {
        await using StandbyPair pair = await StandbyPair.CreateAsync(protocol, i => KillTests.PairConf(i));
        await pair.StartServerAsync(0);
        await pair.StartServerAsync(1);
        Assert.Equal(1, await pair.WaitForSingleStreamAsync(TimeSpan.FromMilliseconds(600), TimeSpan.FromSeconds(15)));
        await WaitForRolesAsync(pair, "active", "standby");
        long start = Stopwatch.GetTimestamp();

        // On the active one (A): it hands over to B.
        double toB = await SwitchAsync(pair, server: 0, takesOver: 2);
        await WaitForRolesAsync(pair, "standby", "active");

        // On the standby one (A again): it takes the outputs back.
        double toA = await SwitchAsync(pair, server: 0, takesOver: 1);
        await WaitForRolesAsync(pair, "active", "standby");

        // The whole run: only the console's current look (no zeros, no stale frame), no gap over 1 s.
        ReceivedFrame[] all = pair.DataSince(start);
        ReceivedFrame[] wrong = [.. all.Where(f => !f.Current)];
        Assert.True(wrong.Length == 0, $"{wrong.Length} of {all.Length} frames were not the console's current look, e.g. value {wrong.FirstOrDefault().Value} from {wrong.FirstOrDefault().From}\n{pair.Logs()}");
        double maxGap = all.Zip(all.Skip(1), (a, b) => Ms(b.At - a.At)).Max();
        Assert.True(maxGap <= 1000, $"longest gap in the output {maxGap:0} ms\n{pair.Logs()}");
        Assert.Contains(pair.RoleChanges(0), l => l.Contains("active -> yielding", StringComparison.Ordinal));
        Assert.Contains(pair.RoleChanges(1), l => l.Contains("standby -> active", StringComparison.Ordinal) && l.Contains("hands the outputs over", StringComparison.Ordinal));

        // The partner dies: A must not hand the outputs to nobody.
        pair.Kill(1);
        await Task.Delay(800);
        (int status, string body) = await pair.HttpAsync(0, "POST", "/json/standby/switch");
        Assert.Equal(409, status);
        Assert.Equal("the partner is not heard: handing over would leave the outputs dark", body.Trim());
        Assert.Equal("active", (await RolesAsync(pair, 0)).Role);

        string summary = string.Create(CultureInfo.InvariantCulture,
            $"{protocol}: manual switch-over, POST -> first frame of the other server: A->B {toB:0} ms, B->A {toA:0} ms; longest gap {maxGap:0} ms; frames {all.Length}");
        output.WriteLine(summary);
        Console.WriteLine("STANDBY-SWITCH " + summary);
    }

    // POSTs the switch on server `server`; returns the time from the request to the first frame of host `takesOver`,
    // after which the receiver hears only that host.
    private static async Task<double> SwitchAsync(StandbyPair pair, int server, int takesOver)
    {
        long before = Stopwatch.GetTimestamp();
        (int status, string body) = await pair.HttpAsync(server, "POST", "/json/standby/switch");
        Assert.True(status == 200, $"switch on server {server}: {status} {body}\n{pair.Logs()}");
        Assert.Equal(takesOver, await pair.WaitForSingleStreamAsync(TimeSpan.FromMilliseconds(300), TimeSpan.FromSeconds(5), active: takesOver));
        ReceivedFrame first = pair.DataSince(before).First(f => f.From == takesOver);
        double ms = Ms(first.At - before);
        Assert.True(ms <= 1000, $"the switch to host {takesOver} took {ms:0} ms\n{pair.Logs()}");
        return ms;
    }

    private static async Task WaitForRolesAsync(StandbyPair pair, string a, string b)
    {
        var sw = Stopwatch.StartNew();
        (string Role, string PartnerRole) ra = default, rb = default;
        while (sw.Elapsed < TimeSpan.FromSeconds(5))
        {
            ra = await RolesAsync(pair, 0);
            rb = await RolesAsync(pair, 1);
            if (ra == (a, b) && rb == (b, a))
            {
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail($"/json/standby: A {ra}, B {rb}; wanted A {a}, B {b}\n{pair.Logs()}");
    }

    private static async Task<(string Role, string PartnerRole)> RolesAsync(StandbyPair pair, int server)
    {
        (int status, string body) = await pair.HttpAsync(server, "GET", "/json/standby");
        Assert.Equal(200, status);
        JsonElement s = JsonDocument.Parse(body).RootElement;
        return (s.GetProperty("role").GetString() ?? "", s.GetProperty("partner_role").GetString() ?? "");
    }

    private static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
}
