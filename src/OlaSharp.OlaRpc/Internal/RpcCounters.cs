// Licensed under the MIT License. See LICENSE in the repository root.
using OlaSharp.Core.Stats;

namespace OlaSharp.OlaRpc.Internal;

/// <summary>Counters of the OLA RPC listener, shared by its connections (fields, updated with Interlocked).</summary>
internal sealed class RpcCounters
{
    private const string Protocol = "olarpc";

#pragma warning disable SA1401, CA1051 // Counters are fields so they can be incremented with Interlocked.
    public long Connections;
    public long Frames;
    public long Malformed;
    public long BadRequests;
    public long UnknownMethods;
    public long Pushes;
    public long PushesDropped;
    public long PartialFramesRefused;
#pragma warning restore SA1401, CA1051

    public void Report(ICollection<ProtocolCounter> into)
    {
        into.Add(new(Protocol, ProtocolCounterKind.Received, "", Interlocked.Read(ref Frames)));
        into.Add(new(Protocol, ProtocolCounterKind.Received, "connection", Interlocked.Read(ref Connections)));
        into.Add(new(Protocol, ProtocolCounterKind.Malformed, "", Interlocked.Read(ref Malformed)));
        into.Add(new(Protocol, ProtocolCounterKind.Dropped, "invalid_request", Interlocked.Read(ref BadRequests)));
        into.Add(new(Protocol, ProtocolCounterKind.Dropped, "unknown_method", Interlocked.Read(ref UnknownMethods)));
        into.Add(new(Protocol, ProtocolCounterKind.Sent, "dmx_push", Interlocked.Read(ref Pushes)));
        into.Add(new(Protocol, ProtocolCounterKind.Dropped, "push_queue_full", Interlocked.Read(ref PushesDropped)));
        into.Add(new(Protocol, ProtocolCounterKind.Dropped, "partial_frame_budget", Interlocked.Read(ref PartialFramesRefused)));
    }
}
