// Licensed under the MIT License. See LICENSE in the repository root.
using OlaSharp.Core.Stats;

namespace OlaSharp.Sacn.Internal;

/// <summary>Counters of the sACN node (fields, updated with Interlocked).</summary>
internal sealed class SacnCounters
{
    private const string Protocol = "e131";

#pragma warning disable SA1401, CA1051 // Counters are fields so they can be incremented with Interlocked.
    public long Received;
    public long Malformed;
    public long OwnPackets;
    public long DataReceived;
    public long NotPatched;
    public long Preview;
    public long OutOfSequence;
    public long OtherStartCode;
    public long Terminated;
    public long SourcesLost;
    public long SyncReceived;
    public long SyncOutOfSequence;
    public long DiscoveryReceived;
    public long DataSent;
    public long PerAddressSent;
    public long TerminateSent;
    public long DiscoverySent;
    public long SyncSent;
    public long SendErrors;
#pragma warning restore SA1401, CA1051

    /// <summary>Adds <paramref name="other"/>'s values (a stopped node's totals) to these.</summary>
    public void Add(SacnCounters other)
    {
        Received += Interlocked.Read(ref other.Received);
        Malformed += Interlocked.Read(ref other.Malformed);
        OwnPackets += Interlocked.Read(ref other.OwnPackets);
        DataReceived += Interlocked.Read(ref other.DataReceived);
        NotPatched += Interlocked.Read(ref other.NotPatched);
        Preview += Interlocked.Read(ref other.Preview);
        OutOfSequence += Interlocked.Read(ref other.OutOfSequence);
        OtherStartCode += Interlocked.Read(ref other.OtherStartCode);
        Terminated += Interlocked.Read(ref other.Terminated);
        SourcesLost += Interlocked.Read(ref other.SourcesLost);
        SyncReceived += Interlocked.Read(ref other.SyncReceived);
        SyncOutOfSequence += Interlocked.Read(ref other.SyncOutOfSequence);
        DiscoveryReceived += Interlocked.Read(ref other.DiscoveryReceived);
        DataSent += Interlocked.Read(ref other.DataSent);
        PerAddressSent += Interlocked.Read(ref other.PerAddressSent);
        TerminateSent += Interlocked.Read(ref other.TerminateSent);
        DiscoverySent += Interlocked.Read(ref other.DiscoverySent);
        SyncSent += Interlocked.Read(ref other.SyncSent);
        SendErrors += Interlocked.Read(ref other.SendErrors);
    }

    /// <summary>Reports the sum of these and <paramref name="live"/> (the running node's) as protocol counters.</summary>
    public void Report(SacnCounters? live, ICollection<ProtocolCounter> into)
    {
        var sum = new SacnCounters();
        sum.Add(this);
        if (live is not null)
        {
            sum.Add(live);
        }

        into.Add(new(Protocol, ProtocolCounterKind.Received, "", sum.Received));
        into.Add(new(Protocol, ProtocolCounterKind.Received, "data", sum.DataReceived));
        into.Add(new(Protocol, ProtocolCounterKind.Received, "terminated", sum.Terminated));
        into.Add(new(Protocol, ProtocolCounterKind.Received, "sync", sum.SyncReceived));
        into.Add(new(Protocol, ProtocolCounterKind.Received, "discovery", sum.DiscoveryReceived));
        into.Add(new(Protocol, ProtocolCounterKind.Malformed, "", sum.Malformed));
        into.Add(new(Protocol, ProtocolCounterKind.Dropped, "own_packet", sum.OwnPackets));
        into.Add(new(Protocol, ProtocolCounterKind.Dropped, "not_patched", sum.NotPatched));
        into.Add(new(Protocol, ProtocolCounterKind.Dropped, "preview", sum.Preview));
        into.Add(new(Protocol, ProtocolCounterKind.Dropped, "out_of_sequence", sum.OutOfSequence));
        into.Add(new(Protocol, ProtocolCounterKind.Dropped, "sync_out_of_sequence", sum.SyncOutOfSequence));
        into.Add(new(Protocol, ProtocolCounterKind.Dropped, "start_code", sum.OtherStartCode));
        into.Add(new(Protocol, ProtocolCounterKind.Dropped, "source_lost", sum.SourcesLost));
        into.Add(new(Protocol, ProtocolCounterKind.Sent, "data", sum.DataSent));
        into.Add(new(Protocol, ProtocolCounterKind.Sent, "per_address_priority", sum.PerAddressSent));
        into.Add(new(Protocol, ProtocolCounterKind.Sent, "terminated", sum.TerminateSent));
        into.Add(new(Protocol, ProtocolCounterKind.Sent, "discovery", sum.DiscoverySent));
        into.Add(new(Protocol, ProtocolCounterKind.Sent, "sync", sum.SyncSent));
        into.Add(new(Protocol, ProtocolCounterKind.SendErrors, "", sum.SendErrors));
    }
}
