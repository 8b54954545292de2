// Licensed under the MIT License. See LICENSE in the repository root.
using OlaSharp.Core.Stats;

namespace OlaSharp.ArtNet.Internal;

/// <summary>Counters of an Art-Net node (fields, updated with Interlocked).</summary>
internal sealed class ArtNetCounters
{
    private const string Protocol = "artnet";

#pragma warning disable SA1401, CA1051 // Counters are fields so they can be incremented with Interlocked.
    public long Received;
    public long Malformed;
    public long Unknown;
    public long DmxReceived;
    public long DmxLate;
    public long DmxThirdSource;
    public long PollsReceived;
    public long RepliesReceived;
    public long SyncReceived;
    public long DmxSent;
    public long DmxSuppressed;
    public long PollsSent;
    public long RepliesSent;
    public long SyncSent;
    public long SendErrors;
    public long DroppedOwn;
    public long DmxNotPatched;
    public long ProgrammingIgnored;
#pragma warning restore SA1401, CA1051

    /// <summary>Reports these counters as protocol counters (read with Interlocked).</summary>
    public void Report(ICollection<ProtocolCounter> into)
    {
        into.Add(new(Protocol, ProtocolCounterKind.Received, "", Interlocked.Read(ref Received)));
        into.Add(new(Protocol, ProtocolCounterKind.Received, "dmx", Interlocked.Read(ref DmxReceived)));
        into.Add(new(Protocol, ProtocolCounterKind.Received, "poll", Interlocked.Read(ref PollsReceived)));
        into.Add(new(Protocol, ProtocolCounterKind.Received, "poll_reply", Interlocked.Read(ref RepliesReceived)));
        into.Add(new(Protocol, ProtocolCounterKind.Received, "sync", Interlocked.Read(ref SyncReceived)));
        into.Add(new(Protocol, ProtocolCounterKind.Malformed, "", Interlocked.Read(ref Malformed)));
        into.Add(new(Protocol, ProtocolCounterKind.Dropped, "unknown_opcode", Interlocked.Read(ref Unknown)));
        into.Add(new(Protocol, ProtocolCounterKind.Dropped, "out_of_sequence", Interlocked.Read(ref DmxLate)));
        into.Add(new(Protocol, ProtocolCounterKind.Dropped, "third_source", Interlocked.Read(ref DmxThirdSource)));
        into.Add(new(Protocol, ProtocolCounterKind.Dropped, "no_subscriber", Interlocked.Read(ref DmxSuppressed)));
        into.Add(new(Protocol, ProtocolCounterKind.Dropped, "own", Interlocked.Read(ref DroppedOwn)));
        into.Add(new(Protocol, ProtocolCounterKind.Dropped, "not_patched", Interlocked.Read(ref DmxNotPatched)));
        into.Add(new(Protocol, ProtocolCounterKind.Dropped, "remote_programming", Interlocked.Read(ref ProgrammingIgnored)));
        into.Add(new(Protocol, ProtocolCounterKind.Sent, "dmx", Interlocked.Read(ref DmxSent)));
        into.Add(new(Protocol, ProtocolCounterKind.Sent, "poll", Interlocked.Read(ref PollsSent)));
        into.Add(new(Protocol, ProtocolCounterKind.Sent, "poll_reply", Interlocked.Read(ref RepliesSent)));
        into.Add(new(Protocol, ProtocolCounterKind.Sent, "sync", Interlocked.Read(ref SyncSent)));
        into.Add(new(Protocol, ProtocolCounterKind.SendErrors, "", Interlocked.Read(ref SendErrors)));
    }
}
