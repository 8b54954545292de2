// Licensed under the MIT License. See LICENSE in the repository root.
using OlaSharp.Core.Stats;
using OlaSharp.Sacn.Internal;

namespace OlaSharp.Sacn.Tests;

public class CountersTests
{
    [Fact]
    public void Report_MapsEachCounterToItsKindAndReason()
    {
        // The plugin passes one counters object to every node it starts, so the values run on across restarts.
        CounterTable counters = SacnCounters.Create();
        counters.Add(SacnCounters.Received, 15);
        counters.Add(SacnCounters.Malformed, 3);
        counters.Add(SacnCounters.OutOfSequence, 1);
        counters.Add(SacnCounters.DataSent, 7);
        counters.Add(SacnCounters.Preview, 4);
        counters.Add(SacnCounters.SendErrors, 3);
        var all = new List<ProtocolCounter>();
        counters.CollectCounters(all);

        Assert.All(all, c => Assert.Equal("e131", c.Protocol));
        Assert.Equal(15, all.Single(c => c is { Kind: ProtocolCounterKind.Received, Reason: "" }).Value);
        Assert.Equal(3, all.Single(c => c.Kind == ProtocolCounterKind.Malformed).Value);
        Assert.Equal(1, all.Single(c => c is { Kind: ProtocolCounterKind.Dropped, Reason: "out_of_sequence" }).Value);
        Assert.Equal(4, all.Single(c => c is { Kind: ProtocolCounterKind.Dropped, Reason: "preview" }).Value);
        Assert.Equal(7, all.Single(c => c is { Kind: ProtocolCounterKind.Sent, Reason: "data" }).Value);
        Assert.Equal(3, all.Single(c => c.Kind == ProtocolCounterKind.SendErrors).Value);

        // Reporting does not change the stored totals.
        Assert.Equal(15, counters.Read(SacnCounters.Received));
    }

    [Fact]
    public void Plugin_BeforeStart_ReportsZeroCounters()
    {
        var all = new List<ProtocolCounter>();
        new SacnPlugin().CollectCounters(all);
        Assert.NotEmpty(all);
        Assert.All(all, c => Assert.Equal(0, c.Value));
    }
}
