// Licensed under the MIT License. See LICENSE in the repository root.
using System.Net;
using OlaSharp.Core;
using OlaSharp.Core.Clock;
using OlaSharp.Core.Plugins;
using OlaSharp.Sacn.Packets;

namespace OlaSharp.Sacn.Internal;

/// <summary>
/// An OLA output port for one E1.31 universe, driven by the refresh clock in change mode with E1.31's
/// keep-alive (3 repeats after a change, then one packet per <see cref="SacnOptions.KeepAlive"/>).
/// Emit runs on the clock thread and only writes to a non-blocking socket.
/// </summary>
internal sealed class SacnOutputPort : OutputPort
{
    private readonly SacnDevice _device;
    private volatile int _universe = -1;
    private byte _sequence;

    public SacnOutputPort(SacnDevice device, int index)
        : base(device, index, "E1.31 Output port")
    {
        _device = device;
        UnicastAddresses = device.Options.PortUnicastDestinations.TryGetValue(index, out IReadOnlyList<IPEndPoint>? list)
            ? [.. list.Select(e => e.Serialize())]
            : [];
    }

    /// <summary>This port's own unicast destinations (besides the plugin-wide ones).</summary>
    internal SocketAddress[] UnicastAddresses { get; }

    /// <summary>Scratch buffer for this port's data packets (only the clock thread writes it).</summary>
    internal byte[] SendBuffer { get; } = new byte[SacnDataPacket.MaxLength];

    /// <summary>Scratch buffer for stream-terminated packets, written by the unpatching thread while the clock may still emit.</summary>
    internal byte[] TerminateBuffer { get; } = new byte[SacnDataPacket.HeaderLength];

    /// <summary>The patched E1.31 universe, or -1.</summary>
    public int UniverseId => _universe;

    /// <summary>239.255.hi.lo:5568 of the patched universe.</summary>
    internal SocketAddress? MulticastAddress { get; private set; }

    /// <summary>The priority of the last packet sent (terminate packets repeat it).</summary>
    public byte LastPriority { get; private set; } = (byte)Core.Priority.Default;

    /// <summary>True for the patched output with the highest index: it sends the sync packet after its data.</summary>
    public bool IsLastPatchedOutput { get; set; }

    /// <summary>The last sequence number used.</summary>
    public byte Sequence => _sequence;

    /// <inheritdoc />
    public override PriorityCapability PriorityCapability => PriorityCapability.Full;

    /// <inheritdoc />
    public override bool IsUniverseValid(int universeId, out string? reason) => SacnDevice.CheckUniverse(universeId, out reason);

    /// <summary>Advances the per-universe sequence (wraps 255 → 0).</summary>
    public byte NextSequence() => unchecked(++_sequence);

    /// <inheritdoc />
    public override void Emit(DmxFrame frame, int priority, EmitReason reason)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (frame.Slots.IsEmpty)
        {
            return;
        }

        LastPriority = (byte)Math.Clamp(OutputPriority(priority), 0, SacnDataPacket.MaxPriority);
        _device.Node.SendData(this, frame.Slots, LastPriority, SacnFramingOptions.None);
    }

    /// <inheritdoc />
    protected override void OnPatched(Universe universe)
    {
        ArgumentNullException.ThrowIfNull(universe);
        MulticastAddress = new IPEndPoint(SacnDataPacket.MulticastGroup(universe.Id), _device.Options.RemotePort).Serialize();
        _universe = universe.Id;
        Description = $"E1.31 Universe {universe.Id}";
        _device.PortsChanged();
    }

    /// <inheritdoc />
    protected override void OnUnpatched(Universe universe)
    {
        // E1.31 §6.2.6: three packets with Stream_Terminated, so receivers drop us at once.
        for (int i = 0; i < 3; i++)
        {
            _device.Node.SendData(this, [], LastPriority, SacnFramingOptions.StreamTerminated);
        }

        _universe = -1;
        Description = "E1.31 Output port";
        _device.PortsChanged();
    }
}

/// <summary>The E1.31 device <c>11-1</c>, named <c>E1.31 (DMX over ACN) [&lt;ip&gt;]</c> as in olad.</summary>
internal sealed class SacnDevice : Device
{
    public SacnDevice(Plugin owner, SacnOptions options, SacnNode node, long timestampFrequency)
        : base(owner, "1", $"E1.31 (DMX over ACN) [{options.BindAddress}]")
    {
        Options = options;
        Node = node;
        var inputs = new SacnInputPort[options.InputPorts];
        for (int i = 0; i < inputs.Length; i++)
        {
            inputs[i] = AddInputPort(new SacnInputPort(this, i, timestampFrequency));
        }

        // With sync, every output ticks on the same fixed clock so one sync packet closes each tick's burst.
        RefreshPolicy refresh = options.SyncAddress != 0
            ? new RefreshPolicy(RefreshMode.Fixed, options.OutputHz, dmxBound: false)
            : new RefreshPolicy(RefreshMode.Change, options.OutputHz, options.KeepAlive, options.RepeatsAfterChange, dmxBound: false);
        var outputs = new SacnOutputPort[options.OutputPorts];
        for (int i = 0; i < outputs.Length; i++)
        {
            outputs[i] = AddOutputPort(new SacnOutputPort(this, i) { Refresh = refresh });
        }

        node.SetPorts(inputs, outputs);
        Inputs = inputs;
        Outputs = outputs;
    }

    public SacnOptions Options { get; }

    public SacnNode Node { get; }

    public IReadOnlyList<SacnInputPort> Inputs { get; }

    public IReadOnlyList<SacnOutputPort> Outputs { get; }

    /// <summary>An output was patched or unpatched: the highest patched one sends the sync packet.</summary>
    public void PortsChanged()
    {
        SacnOutputPort? last = null;
        foreach (SacnOutputPort port in Outputs)
        {
            port.IsLastPatchedOutput = false;
            if (port.UniverseId > 0)
            {
                last = port;
            }
        }

        if (last is not null)
        {
            last.IsLastPatchedOutput = true;
        }
    }

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
