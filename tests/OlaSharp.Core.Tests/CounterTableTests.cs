// Licensed under the MIT License. See LICENSE in the repository root.
using OlaSharp.Core.Stats;

namespace OlaSharp.Core.Tests;

/// <summary>
/// The shared counter table: each declared row is reported once, in declaration order, with the value its
/// index was given (the per-protocol mapping is the declaration itself; Server.Tests checks all protocols).
/// </summary>
public class CounterTableTests
{
    private static readonly CounterSchema s_schema = new("test");
    private static readonly int s_received = s_schema.Add(ProtocolCounterKind.Received);
    private static readonly int s_late = s_schema.Add(ProtocolCounterKind.Dropped, "out_of_sequence");
    private static readonly int s_sent = s_schema.Add(ProtocolCounterKind.Sent, "dmx");

    [Fact]
    public void CollectCounters_EachRowWithItsValue_InDeclarationOrder()
    {
        var table = new CounterTable(s_schema);
        table.Add(s_received, 15);
        Assert.Equal(1, table.Increment(s_late));
        Interlocked.Add(ref table[s_sent], 7);

        var all = new List<ProtocolCounter>();
        table.CollectCounters(all);

        Assert.Equal(
            [
                new ProtocolCounter("test", ProtocolCounterKind.Received, "", 15),
                new ProtocolCounter("test", ProtocolCounterKind.Dropped, "out_of_sequence", 1),
                new ProtocolCounter("test", ProtocolCounterKind.Sent, "dmx", 7),
            ],
            all);

        // Reporting does not change the stored totals.
        Assert.Equal(15, table.Read(s_received));
    }

    [Fact]
    public void Increment_FromManyThreads_CountsEveryOne()
    {
        var table = new CounterTable(s_schema);
        Parallel.For(0, 8, _ =>
        {
            for (int i = 0; i < 10_000; i++)
            {
                table.Increment(s_sent);
            }
        });

        Assert.Equal(80_000, table.Read(s_sent));
    }
}
