// Licensed under the MIT License. See LICENSE in the repository root.

namespace OlaSharp.OlaRpc.Internal;

/// <summary>The OLA RPC listener's counters, shared by its connections, declared once (indexes into its <see cref="CounterTable"/>).</summary>
internal static class RpcCounters
{
    public static readonly CounterSchema Schema = new("olarpc");

    public static readonly int Frames = Schema.Add(ProtocolCounterKind.Received);
    public static readonly int Connections = Schema.Add(ProtocolCounterKind.Received, "connection");
    public static readonly int Malformed = Schema.Add(ProtocolCounterKind.Malformed);
    public static readonly int BadRequests = Schema.Add(ProtocolCounterKind.Dropped, "invalid_request");
    public static readonly int UnknownMethods = Schema.Add(ProtocolCounterKind.Dropped, "unknown_method");
    public static readonly int Pushes = Schema.Add(ProtocolCounterKind.Sent, "dmx_push");
    public static readonly int PushesDropped = Schema.Add(ProtocolCounterKind.Dropped, "push_queue_full");
    public static readonly int PartialFramesRefused = Schema.Add(ProtocolCounterKind.Dropped, "partial_frame_budget");

    public static CounterTable Create() => new(Schema);
}
