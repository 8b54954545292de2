// Licensed under the MIT License. See LICENSE in the repository root.
using OlaSharp.ArtNet.Internal;
using OlaSharp.Core.Stats;

namespace OlaSharp.ArtNet.Tests;

public class CountersTests
{
    [Fact]
    public void Report_MapsEachCounterToItsKindAndReason()
    {
        // The plugin passes one counters object to every node it starts, so the values run on across restarts.
        CounterTable counters = ArtNetCounters.Create();
        counters.Add(ArtNetCounters.Received, 15);
        counters.Add(ArtNetCounters.Malformed, 3);
        counters.Add(ArtNetCounters.DmxLate, 1);
        counters.Add(ArtNetCounters.DmxSent, 7);
        counters.Add(ArtNetCounters.DmxThirdSource, 4);
        counters.Add(ArtNetCounters.SendErrors, 3);
        var all = new List<ProtocolCounter>();
        counters.CollectCounters(all);

        Assert.All(all, c => Assert.Equal("artnet", c.Protocol));
        Assert.Equal(15, all.Single(c => c is { Kind: ProtocolCounterKind.Received, Reason: "" }).Value);
        Assert.Equal(3, all.Single(c => c.Kind == ProtocolCounterKind.Malformed).Value);
        Assert.Equal(1, all.Single(c => c is { Kind: ProtocolCounterKind.Dropped, Reason: "out_of_sequence" }).Value);
        Assert.Equal(4, all.Single(c => c is { Kind: ProtocolCounterKind.Dropped, Reason: "third_source" }).Value);
        Assert.Equal(7, all.Single(c => c is { Kind: ProtocolCounterKind.Sent, Reason: "dmx" }).Value);
        Assert.Equal(3, all.Single(c => c.Kind == ProtocolCounterKind.SendErrors).Value);

        // Reporting does not change the stored totals.
        Assert.Equal(15, counters.Read(ArtNetCounters.Received));
    }

    [Fact]
    public void Plugin_BeforeStart_ReportsZeroCounters()
    {
        var all = new List<ProtocolCounter>();
        new ArtNetPlugin().CollectCounters(all);
        Assert.NotEmpty(all);
        Assert.All(all, c => Assert.Equal(0, c.Value));
    }
}
