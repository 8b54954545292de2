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

    /// <summary>Reports these counters as protocol counters (read with Interlocked).</summary>
    public void Report(ICollection<ProtocolCounter> into)
    {
        into.Add(new(Protocol, ProtocolCounterKind.Received, "", Interlocked.Read(ref Received)));
        into.Add(new(Protocol, ProtocolCounterKind.Received, "data", Interlocked.Read(ref DataReceived)));
        into.Add(new(Protocol, ProtocolCounterKind.Received, "terminated", Interlocked.Read(ref Terminated)));
        into.Add(new(Protocol, ProtocolCounterKind.Received, "sync", Interlocked.Read(ref SyncReceived)));
        into.Add(new(Protocol, ProtocolCounterKind.Received, "discovery", Interlocked.Read(ref DiscoveryReceived)));
        into.Add(new(Protocol, ProtocolCounterKind.Malformed, "", Interlocked.Read(ref Malformed)));
        into.Add(new(Protocol, ProtocolCounterKind.Dropped, "own_packet", Interlocked.Read(ref OwnPackets)));
        into.Add(new(Protocol, ProtocolCounterKind.Dropped, "not_patched", Interlocked.Read(ref NotPatched)));
        into.Add(new(Protocol, ProtocolCounterKind.Dropped, "preview", Interlocked.Read(ref Preview)));
        into.Add(new(Protocol, ProtocolCounterKind.Dropped, "out_of_sequence", Interlocked.Read(ref OutOfSequence)));
        into.Add(new(Protocol, ProtocolCounterKind.Dropped, "sync_out_of_sequence", Interlocked.Read(ref SyncOutOfSequence)));
        into.Add(new(Protocol, ProtocolCounterKind.Dropped, "start_code", Interlocked.Read(ref OtherStartCode)));
        into.Add(new(Protocol, ProtocolCounterKind.Dropped, "source_lost", Interlocked.Read(ref SourcesLost)));
        into.Add(new(Protocol, ProtocolCounterKind.Sent, "data", Interlocked.Read(ref DataSent)));
        into.Add(new(Protocol, ProtocolCounterKind.Sent, "per_address_priority", Interlocked.Read(ref PerAddressSent)));
        into.Add(new(Protocol, ProtocolCounterKind.Sent, "terminated", Interlocked.Read(ref TerminateSent)));
        into.Add(new(Protocol, ProtocolCounterKind.Sent, "discovery", Interlocked.Read(ref DiscoverySent)));
        into.Add(new(Protocol, ProtocolCounterKind.Sent, "sync", Interlocked.Read(ref SyncSent)));
        into.Add(new(Protocol, ProtocolCounterKind.SendErrors, "", Interlocked.Read(ref SendErrors)));
    }
}
