// Licensed under the MIT License. See LICENSE in the repository root.

namespace OlaSharp.Grpc.Internal;

/// <summary>The gRPC API's counters, one per service collection, reported to <c>/metrics</c>.</summary>
internal sealed class GrpcCounterSource : IProtocolCounterSource
{
    public CounterTable Counters { get; } = GrpcCounters.Create();

    public void CollectCounters(ICollection<ProtocolCounter> into) => Counters.CollectCounters(into);
}
