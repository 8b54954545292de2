// Licensed under the MIT License. See LICENSE in the repository root.
using OlaSharp.Core.Clock;
using OlaSharp.Core.Plugins;

namespace OlaSharp.ArtNet.Internal;

/// <summary>The Art-Net device <c>2-1</c>, named <c>ArtNet [&lt;ip&gt;]</c> as in olad.</summary>
internal sealed class ArtNetDevice : Device
{
    public ArtNetDevice(Plugin owner, ArtNetOptions options, ArtNetNode node, long timestampFrequency)
        : base(owner, "1", $"ArtNet [{options.BindAddress}]")
    {
        Options = options;
        Node = node;
        var inputs = new ArtNetInputPort[options.InputPorts];
        for (int i = 0; i < inputs.Length; i++)
        {
            inputs[i] = AddInputPort(new ArtNetInputPort(this, i, options, timestampFrequency));
        }

        var outputs = new ArtNetOutputPort[options.OutputPorts];
        RefreshPolicy refresh = options.SendArtSync
            ? new RefreshPolicy(RefreshMode.Fixed, options.OutputHz)
            : new RefreshPolicy(RefreshMode.Change, options.OutputHz, options.KeepAlive);
        for (int i = 0; i < outputs.Length; i++)
        {
            outputs[i] = AddOutputPort(new ArtNetOutputPort(this, i) { Refresh = refresh });
        }

        node.SetPorts(inputs, outputs);
        Inputs = inputs;
        Outputs = outputs;
    }

    public ArtNetOptions Options { get; }

    public ArtNetNode Node { get; }

    public IReadOnlyList<ArtNetInputPort> Inputs { get; }

    public IReadOnlyList<ArtNetOutputPort> Outputs { get; }

    /// <summary>A port was patched or unpatched, or merging started.</summary>
    public void PortsChanged() => Node.OnPortsChanged();
}
