// Licensed under the MIT License. See LICENSE in the repository root.
using OlaSharp.Core.Stats;

namespace OlaSharp.Grpc.Internal;

/// <summary>Counters of the gRPC frame API (fields, updated with Interlocked).</summary>
internal sealed class GrpcCounters
{
    private const string Protocol = "grpc";

#pragma warning disable SA1401, CA1051 // Counters are fields so they can be incremented with Interlocked.
    public long FramesReceived;
    public long Invalid;
    public long FramesSent;
#pragma warning restore SA1401, CA1051

    public void Report(ICollection<ProtocolCounter> into)
    {
        into.Add(new(Protocol, ProtocolCounterKind.Received, "frame", Interlocked.Read(ref FramesReceived)));
        into.Add(new(Protocol, ProtocolCounterKind.Malformed, "", Interlocked.Read(ref Invalid)));
        into.Add(new(Protocol, ProtocolCounterKind.Sent, "watch_frame", Interlocked.Read(ref FramesSent)));
    }
}
