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
#pragma warning restore SA1401, CA1051

    /// <summary>Adds <paramref name="other"/>'s values (a stopped node's totals) to these.</summary>
    public void Add(ArtNetCounters other)
    {
        Received += Interlocked.Read(ref other.Received);
        Malformed += Interlocked.Read(ref other.Malformed);
        Unknown += Interlocked.Read(ref other.Unknown);
        DmxReceived += Interlocked.Read(ref other.DmxReceived);
        DmxLate += Interlocked.Read(ref other.DmxLate);
        DmxThirdSource += Interlocked.Read(ref other.DmxThirdSource);
        PollsReceived += Interlocked.Read(ref other.PollsReceived);
        RepliesReceived += Interlocked.Read(ref other.RepliesReceived);
        SyncReceived += Interlocked.Read(ref other.SyncReceived);
        DmxSent += Interlocked.Read(ref other.DmxSent);
        DmxSuppressed += Interlocked.Read(ref other.DmxSuppressed);
        PollsSent += Interlocked.Read(ref other.PollsSent);
        RepliesSent += Interlocked.Read(ref other.RepliesSent);
        SyncSent += Interlocked.Read(ref other.SyncSent);
        SendErrors += Interlocked.Read(ref other.SendErrors);
    }

    /// <summary>Reports the sum of these and <paramref name="live"/> (the running node's) as protocol counters.</summary>
    public void Report(ArtNetCounters? live, ICollection<ProtocolCounter> into)
    {
        var sum = new ArtNetCounters();
        sum.Add(this);
        if (live is not null)
        {
            sum.Add(live);
        }

        into.Add(new(Protocol, ProtocolCounterKind.Received, "", sum.Received));
        into.Add(new(Protocol, ProtocolCounterKind.Received, "dmx", sum.DmxReceived));
        into.Add(new(Protocol, ProtocolCounterKind.Received, "poll", sum.PollsReceived));
        into.Add(new(Protocol, ProtocolCounterKind.Received, "poll_reply", sum.RepliesReceived));
        into.Add(new(Protocol, ProtocolCounterKind.Received, "sync", sum.SyncReceived));
        into.Add(new(Protocol, ProtocolCounterKind.Malformed, "", sum.Malformed));
        into.Add(new(Protocol, ProtocolCounterKind.Dropped, "unknown_opcode", sum.Unknown));
        into.Add(new(Protocol, ProtocolCounterKind.Dropped, "out_of_sequence", sum.DmxLate));
        into.Add(new(Protocol, ProtocolCounterKind.Dropped, "third_source", sum.DmxThirdSource));
        into.Add(new(Protocol, ProtocolCounterKind.Dropped, "no_subscriber", sum.DmxSuppressed));
        into.Add(new(Protocol, ProtocolCounterKind.Sent, "dmx", sum.DmxSent));
        into.Add(new(Protocol, ProtocolCounterKind.Sent, "poll", sum.PollsSent));
        into.Add(new(Protocol, ProtocolCounterKind.Sent, "poll_reply", sum.RepliesSent));
        into.Add(new(Protocol, ProtocolCounterKind.Sent, "sync", sum.SyncSent));
        into.Add(new(Protocol, ProtocolCounterKind.SendErrors, "", sum.SendErrors));
    }
}
