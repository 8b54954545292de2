// Licensed under the MIT License. See LICENSE in the repository root.
namespace OlaSharp.Sacn.Internal;

/// <summary>Counters of the sACN node (fields, updated with Interlocked).</summary>
internal sealed class SacnCounters
{
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
}
