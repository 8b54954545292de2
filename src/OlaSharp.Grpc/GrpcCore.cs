// Licensed under the MIT License. See LICENSE in the repository root.
using OlaSharp.Core;
using OlaSharp.Core.Plugins;
using OlaSharp.Core.Stats;
using OlaSharp.Grpc.Internal;

namespace OlaSharp.Grpc;

/// <summary>The Core objects the gRPC services adapt: universes, the patch board and the time source.</summary>
public sealed class GrpcCore : IProtocolCounterSource
{
    /// <summary>Creates the adapter context.</summary>
    public GrpcCore(UniverseRegistry universes, DeviceRegistry devices, TimeProvider? time = null)
    {
        Universes = universes ?? throw new ArgumentNullException(nameof(universes));
        Devices = devices ?? throw new ArgumentNullException(nameof(devices));
        Time = time ?? universes.Time;
    }

    /// <summary>The server's universes.</summary>
    public UniverseRegistry Universes { get; }

    /// <summary>Devices and the patch board.</summary>
    public DeviceRegistry Devices { get; }

    /// <summary>Time source for timestamps and the watchers' refresh clock.</summary>
    public TimeProvider Time { get; }

    /// <summary>Frames in, invalid frames and frames sent to watchers.</summary>
    internal CounterTable Counters { get; } = GrpcCounters.Create();

    /// <inheritdoc />
    public void CollectCounters(ICollection<ProtocolCounter> into) => Counters.CollectCounters(into);
}
