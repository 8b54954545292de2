// Licensed under the MIT License. See LICENSE in the repository root.
using OlaSharp.Interop;
using Xunit.Abstractions;

namespace OlaSharp.Bench.Tests;

/// <summary>
/// CI hook for the load harness (interop/bench): its smoke mode, in private namespaces, against olad and
/// olasharpd. Not a timed assertion: it fails only if the tool breaks or a server forwards nothing.
/// </summary>
public sealed class BenchSmokeTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(ServerKind.Olad)]
    [InlineData(ServerKind.OlaSharp)]
    public async Task Smoke_FourUniversesFiveSeconds_FramesForwarded(ServerKind server)
    {
        Peers.RequireRoot();
        Peers.Require("olad", "ola");
        var spec = new BenchSpec(server, 4, 44, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(2), Path.Combine(AppContext.BaseDirectory, "olasharpd.dll"));
        var log = new StringWriter();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));

        BenchResult r = await BenchRunner.RunAsync(spec, log, cts.Token);

        output.WriteLine(log.ToString());
        output.WriteLine(Table.Header);
        output.WriteLine(Table.Row(r));
        Assert.True(r.Sent > 0, "the generator sent nothing");
        Assert.True(r.Received > 0, $"{server} forwarded none of {r.Sent} frames");
        Assert.Equal(0, r.SilentUniverses);
        Assert.True(r.LatencyMax > 0, "no latency was measured");
    }
}
