// Licensed under the MIT License. See LICENSE in the repository root.

namespace OlaSharp.ArtNet.Internal;

/// <summary>The Art-Net node's counters, declared once (indexes into its <see cref="CounterTable"/>).</summary>
internal static class ArtNetCounters
{
    public static readonly CounterSchema Schema = new("artnet");

    public static readonly int Received = Schema.Add(ProtocolCounterKind.Received);
    public static readonly int DmxReceived = Schema.Add(ProtocolCounterKind.Received, "dmx");
    public static readonly int PollsReceived = Schema.Add(ProtocolCounterKind.Received, "poll");
    public static readonly int RepliesReceived = Schema.Add(ProtocolCounterKind.Received, "poll_reply");
    public static readonly int SyncReceived = Schema.Add(ProtocolCounterKind.Received, "sync");
    public static readonly int Malformed = Schema.Add(ProtocolCounterKind.Malformed);
    public static readonly int Unknown = Schema.Add(ProtocolCounterKind.Dropped, "unknown_opcode");
    public static readonly int DmxLate = Schema.Add(ProtocolCounterKind.Dropped, "out_of_sequence");
    public static readonly int DmxThirdSource = Schema.Add(ProtocolCounterKind.Dropped, "third_source");
    public static readonly int DmxSuppressed = Schema.Add(ProtocolCounterKind.Dropped, "no_subscriber");
    public static readonly int DroppedOwn = Schema.Add(ProtocolCounterKind.Dropped, "own");
    public static readonly int DmxNotPatched = Schema.Add(ProtocolCounterKind.Dropped, "not_patched");
    public static readonly int ProgrammingIgnored = Schema.Add(ProtocolCounterKind.Dropped, "remote_programming");
    public static readonly int DmxSent = Schema.Add(ProtocolCounterKind.Sent, "dmx");
    public static readonly int PollsSent = Schema.Add(ProtocolCounterKind.Sent, "poll");
    public static readonly int RepliesSent = Schema.Add(ProtocolCounterKind.Sent, "poll_reply");
    public static readonly int SyncSent = Schema.Add(ProtocolCounterKind.Sent, "sync");
    public static readonly int SendErrors = Schema.Add(ProtocolCounterKind.SendErrors);

    public static CounterTable Create() => new(Schema);
}
