// Licensed under the MIT License. See LICENSE in the repository root.

namespace OlaSharp.Grpc.Internal;

/// <summary>The gRPC frame API's counters, declared once (indexes into its <see cref="CounterTable"/>).</summary>
internal static class GrpcCounters
{
    public static readonly CounterSchema Schema = new("grpc");

    public static readonly int FramesReceived = Schema.Add(ProtocolCounterKind.Received, "frame");
    public static readonly int Invalid = Schema.Add(ProtocolCounterKind.Malformed);
    public static readonly int FramesSent = Schema.Add(ProtocolCounterKind.Sent, "watch_frame");

    public static CounterTable Create() => new(Schema);
}
