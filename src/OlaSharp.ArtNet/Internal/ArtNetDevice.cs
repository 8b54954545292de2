// Licensed under the MIT License. See LICENSE in the repository root.
using OlaSharp.Core.Clock;

namespace OlaSharp.ArtNet.Internal;

/// <summary>The Art-Net device <c>2-1</c>, named <c>ArtNet [&lt;ip&gt;]</c> as in olad.</summary>
internal sealed class ArtNetDevice : PortArrayDevice<ArtNetInputPort, ArtNetOutputPort>
{
    public ArtNetDevice(Plugin owner, ArtNetOptions options, ArtNetNode node, long timestampFrequency)
        : base(owner, "1", $"ArtNet [{options.BindAddress}]")
    {
        Options = options;
        Node = node;
        RefreshPolicy refresh = options.SendArtSync
            ? new RefreshPolicy(RefreshMode.Fixed, options.OutputHz)
            : new RefreshPolicy(RefreshMode.Change, options.OutputHz, options.KeepAlive);
        (ArtNetInputPort[] inputs, ArtNetOutputPort[] outputs) = AddPorts(
            options.InputPorts, i => new ArtNetInputPort(this, i, options, timestampFrequency),
            options.OutputPorts, i => new ArtNetOutputPort(this, i) { Refresh = refresh });
        node.SetPorts(inputs, outputs);
    }

    public ArtNetOptions Options { get; }

    public ArtNetNode Node { get; }

    /// <summary>A port was patched or unpatched, or merging started.</summary>
    public void PortsChanged() => Node.OnPortsChanged();
}
