// Licensed under the MIT License. See LICENSE in the repository root.
using OlaSharp.Core.Clock;

namespace OlaSharp.Sacn.Internal;

/// <summary>The E1.31 device <c>11-1</c>, named <c>E1.31 (DMX over ACN) [&lt;ip&gt;]</c> as in olad.</summary>
internal sealed class SacnDevice : PortArrayDevice<SacnInputPort, SacnOutputPort>
{
    public SacnDevice(Plugin owner, SacnOptions options, SacnNode node, long timestampFrequency)
        : base(owner, "1", $"E1.31 (DMX over ACN) [{options.BindAddress}]")
    {
        Options = options;
        Node = node;

        // Outputs with a sync address tick on one fixed clock, so one sync packet closes each tick's burst;
        // the others send on change with E1.31's keep-alive.
        var synced = new RefreshPolicy(RefreshMode.Fixed, options.OutputHz, dmxBound: false);
        var change = new RefreshPolicy(RefreshMode.Change, options.OutputHz, options.KeepAlive, options.RepeatsAfterChange, dmxBound: false);
        (SacnInputPort[] inputs, SacnOutputPort[] outputs) = AddPorts(
            options.InputPorts, i => new SacnInputPort(this, i, timestampFrequency),
            options.OutputPorts, i => new SacnOutputPort(this, i) { Refresh = options.SyncAddressOf(i) != 0 ? synced : change });
        node.SetPorts(inputs, outputs);
    }

    public SacnOptions Options { get; }

    public SacnNode Node { get; }

    /// <summary>The hot-standby gate (the server's <see cref="PluginContext.Outputs"/>): closed, the outputs are silent or at its standby priority.</summary>
    public Core.Standby.OutputGate Gate { get; init; } = new();

    /// <summary>E1.31 data universes are 1..63999 (olad refuses the rest at the port).</summary>
    public static bool CheckUniverse(int universeId, out string? reason)
    {
        if (universeId is < SacnDataPacket.MinUniverse or > SacnDataPacket.MaxUniverse)
        {
            reason = $"E1.31 universes are {SacnDataPacket.MinUniverse}-{SacnDataPacket.MaxUniverse}";
            return false;
        }

        reason = null;
        return true;
    }
}
