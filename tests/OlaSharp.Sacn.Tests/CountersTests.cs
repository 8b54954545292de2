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
        var counters = new SacnCounters { Received = 15, Malformed = 3, OutOfSequence = 1, DataSent = 7, Preview = 4, SendErrors = 3 };
        var all = new List<ProtocolCounter>();
        counters.Report(all);

        Assert.All(all, c => Assert.Equal("e131", c.Protocol));
        Assert.Equal(15, all.Single(c => c is { Kind: ProtocolCounterKind.Received, Reason: "" }).Value);
        Assert.Equal(3, all.Single(c => c.Kind == ProtocolCounterKind.Malformed).Value);
        Assert.Equal(1, all.Single(c => c is { Kind: ProtocolCounterKind.Dropped, Reason: "out_of_sequence" }).Value);
        Assert.Equal(4, all.Single(c => c is { Kind: ProtocolCounterKind.Dropped, Reason: "preview" }).Value);
        Assert.Equal(7, all.Single(c => c is { Kind: ProtocolCounterKind.Sent, Reason: "data" }).Value);
        Assert.Equal(3, all.Single(c => c.Kind == ProtocolCounterKind.SendErrors).Value);

        // Reporting does not change the stored totals.
        Assert.Equal(15, counters.Received);
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
