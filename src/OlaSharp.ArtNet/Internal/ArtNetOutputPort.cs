// Licensed under the MIT License. See LICENSE in the repository root.
using OlaSharp.Core;
using OlaSharp.Core.Clock;

namespace OlaSharp.ArtNet.Internal;

/// <summary>
/// An OLA output port: sends ArtDmx for its Port-Address on the refresh clock (an Art-Net "input" port).
/// Emit runs on the clock thread and only writes to a non-blocking socket.
/// </summary>
internal sealed class ArtNetOutputPort : OutputPort, IClockBurstTarget
{
    private readonly ArtNetDevice _device;
    private volatile int _portAddress = -1;
    private byte _sequence;

    public ArtNetOutputPort(ArtNetDevice device, int index)
        : base(device, index, "ArtNet Output port")
    {
        _device = device;
    }

    /// <summary>Scratch buffer for this port's ArtDmx (one clock thread writes it).</summary>
    internal byte[] SendBuffer { get; } = new byte[ArtDmxPacket.HeaderLength + ArtDmxPacket.MaxSlots];

    /// <summary>The Port-Address while patched, else -1.</summary>
    public int PortAddress => _portAddress;

    /// <summary>The last sequence number used (1..255; 0 before the first packet).</summary>
    public byte Sequence => _sequence;

    /// <summary>Advances the sequence: 1..255, skipping 0 (which means "sequencing disabled").</summary>
    public byte NextSequence()
    {
        _sequence = _sequence >= 255 ? (byte)1 : (byte)(_sequence + 1);
        return _sequence;
    }

    /// <inheritdoc />
    public override void Emit(DmxFrame frame, int priority, EmitReason reason)
    {
        ArgumentNullException.ThrowIfNull(frame);
        _device.Node.SendDmx(this, frame.Slots);
    }

    /// <summary>Every port due at this clock wake-up has sent: one ArtSync closes the burst (the node sends it once).</summary>
    public void EndBurst() => _device.Node.EndBurst();

    /// <inheritdoc />
    protected override void OnPatched(Universe universe)
    {
        ArgumentNullException.ThrowIfNull(universe);
        _portAddress = _device.Options.PortAddress(universe.Id);
        Description = $"ArtNet Universe {ArtNetInputPort.FormatAddress(_portAddress)}";
        _device.PortsChanged();
    }

    /// <inheritdoc />
    protected override void OnUnpatched(Universe universe)
    {
        _portAddress = -1;
        Description = "ArtNet Output port";
        _device.PortsChanged();
    }
}
