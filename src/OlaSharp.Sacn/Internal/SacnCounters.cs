// Licensed under the MIT License. See LICENSE in the repository root.

namespace OlaSharp.Sacn.Internal;

/// <summary>The sACN node's counters, declared once (indexes into its <see cref="CounterTable"/>).</summary>
internal static class SacnCounters
{
    public static readonly CounterSchema Schema = new("e131");

    public static readonly int Received = Schema.Add(ProtocolCounterKind.Received);
    public static readonly int DataReceived = Schema.Add(ProtocolCounterKind.Received, "data");
    public static readonly int Terminated = Schema.Add(ProtocolCounterKind.Received, "terminated");
    public static readonly int SyncReceived = Schema.Add(ProtocolCounterKind.Received, "sync");
    public static readonly int DiscoveryReceived = Schema.Add(ProtocolCounterKind.Received, "discovery");
    public static readonly int Malformed = Schema.Add(ProtocolCounterKind.Malformed);
    public static readonly int OwnPackets = Schema.Add(ProtocolCounterKind.Dropped, "own_packet");
    public static readonly int NotPatched = Schema.Add(ProtocolCounterKind.Dropped, "not_patched");
    public static readonly int Preview = Schema.Add(ProtocolCounterKind.Dropped, "preview");
    public static readonly int OutOfSequence = Schema.Add(ProtocolCounterKind.Dropped, "out_of_sequence");
    public static readonly int SyncOutOfSequence = Schema.Add(ProtocolCounterKind.Dropped, "sync_out_of_sequence");
    public static readonly int OtherStartCode = Schema.Add(ProtocolCounterKind.Dropped, "start_code");
    public static readonly int SourcesLost = Schema.Add(ProtocolCounterKind.Dropped, "source_lost");
    public static readonly int DataSent = Schema.Add(ProtocolCounterKind.Sent, "data");
    public static readonly int PerAddressSent = Schema.Add(ProtocolCounterKind.Sent, "per_address_priority");
    public static readonly int TerminateSent = Schema.Add(ProtocolCounterKind.Sent, "terminated");
    public static readonly int DiscoverySent = Schema.Add(ProtocolCounterKind.Sent, "discovery");
    public static readonly int SyncSent = Schema.Add(ProtocolCounterKind.Sent, "sync");
    public static readonly int SendErrors = Schema.Add(ProtocolCounterKind.SendErrors);

    public static CounterTable Create() => new(Schema);
}
