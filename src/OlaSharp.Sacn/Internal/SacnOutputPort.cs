// Licensed under the MIT License. See LICENSE in the repository root.
using OlaSharp.Core.Clock;

namespace OlaSharp.Sacn.Internal;

/// <summary>
/// An OLA output port for one E1.31 universe, driven by the refresh clock: in change mode with E1.31's
/// keep-alive (3 repeats after a change, then one packet per <see cref="SacnOptions.KeepAlive"/>), or, with
/// a sync address, on a fixed clock so one sync packet closes each tick's burst (<see cref="EndBurst"/>).
/// When the universe's merge has per-slot priorities it also sends them as a 0xDD packet before the
/// levels: on each change of them, 3 repeats, then at least every 800 ms (ETC per_address_priority.md,
/// E1.31's keep-alive range). Emit runs on the clock thread and only writes to a non-blocking socket.
/// As the standby of a hot-standby pair (the device's gate closed) it is silent, after three stream-terminated
/// packets so receivers drop it at once, or, with a standby priority, keeps sending at that priority without
/// per-address priorities, so receivers prefer the active server and fall back to this one by themselves.
/// </summary>
internal sealed class SacnOutputPort : OutputPort, IClockBurstTarget, IGatedClockTarget
{
    /// <summary>The per-address priority start code.</summary>
    public const byte PerAddressStartCode = 0xDD;

    private readonly SacnDevice _device;
    private readonly byte[] _slotPriorities = new byte[DmxFrame.MaxSlots];
    private readonly long _perAddressKeepAliveTicks;
    private volatile int _universe = -1;
    private byte _sequence;
    private long _perAddressVersion = -1;
    private int _perAddressStatic = -1;
    private int _perAddressRepeats;
    private long _perAddressLastSent;
    private bool _sentSinceTerminate;

    public SacnOutputPort(SacnDevice device, int index)
        : base(device, index, "E1.31 Output port")
    {
        _device = device;
        UnicastAddresses = device.Options.PortUnicastDestinations.TryGetValue(index, out IReadOnlyList<IPEndPoint>? list)
            ? [.. list.Select(e => e.Serialize())]
            : [];

        // E1.31's keep-alive range is 800-1000 ms: a 0xDD packet goes out with the first frame at least 800 ms after the last.
        _perAddressKeepAliveTicks = (long)(device.Options.KeepAlive.TotalSeconds * 0.8 * device.Node.Time.TimestampFrequency);
    }

    /// <summary>This port's own unicast destinations (besides the plugin-wide ones).</summary>
    internal SocketAddress[] UnicastAddresses { get; }

    /// <summary>The port's sync address group, or null (set by the node before start).</summary>
    internal SacnNode.SyncGroup? Sync { get; set; }

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

    /// <summary>The sync address this port's data carries (0 = none).</summary>
    public int SyncAddress => Sync?.Address ?? 0;

    /// <summary>The last sequence number used.</summary>
    public byte Sequence => _sequence;

    /// <inheritdoc />
    public override PriorityCapability PriorityCapability => PriorityCapability.Full;

    /// <inheritdoc />
    public override bool IsUniverseValid(int universeId, out string? reason) => SacnDevice.CheckUniverse(universeId, out reason);

    /// <summary>Advances the per-universe sequence (wraps 255 → 0); levels and 0xDD share it.</summary>
    public byte NextSequence() => unchecked(++_sequence);

    /// <inheritdoc />
    public override void Emit(DmxFrame frame, int priority, EmitReason reason)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (frame.Slots.IsEmpty)
        {
            return;
        }

        bool open = _device.Gate.IsOpen;
        LastPriority = (byte)Math.Clamp(open ? OutputPriority(priority) : _device.Gate.StandbyPriority, 0, SacnDataPacket.MaxPriority);
        if (_device.Options.SendPerAddressPriority && open)
        {
            EmitPerAddress();
        }
        else if (!open)
        {
            // Per-slot priorities would override the standby's packet priority at receivers that honour 0xDD.
            _perAddressVersion = -1;
        }

        _sentSinceTerminate = true;
        _device.Node.SendData(this, frame.Slots, LastPriority, SacnFramingOptions.None);
    }

    /// <inheritdoc />
    public bool EmitsWhileGateClosed => _device.Gate.StandbyPriority > 0;

    /// <inheritdoc />
    /// <remarks>E1.31 §6.2.6, as when unpatched: receivers drop this source at once instead of after 2.5 s.</remarks>
    public void OnGateClosed()
    {
        if (EmitsWhileGateClosed || _universe < 0 || !_sentSinceTerminate)
        {
            return;
        }

        SendTerminate();
    }

    /// <inheritdoc />
    public void EndBurst() => _device.Node.EndBurst();

    // The universe's per-slot priorities as a 0xDD packet, sent before the levels so a receiver never
    // applies new levels at old priorities. In static mode every sourced slot goes at the port's priority
    // (0 stays "not sourced"). Nothing when the merge is whole-frame: the packet priority says it all.
    private void EmitPerAddress()
    {
        long current = -1;
        int n = Universe?.CopySlotPriorities(_slotPriorities, out current) ?? -1;
        if (n <= 0)
        {
            _perAddressVersion = -1;
            return;
        }

        int staticPriority = PriorityMode == PriorityMode.Static ? Priority : -1;
        if (staticPriority >= 0)
        {
            for (int i = 0; i < n; i++)
            {
                if (_slotPriorities[i] != 0)
                {
                    _slotPriorities[i] = (byte)staticPriority;
                }
            }
        }

        long now = _device.Node.Time.GetTimestamp();
        if (current != _perAddressVersion || staticPriority != _perAddressStatic)
        {
            _perAddressVersion = current;
            _perAddressStatic = staticPriority;
            _perAddressRepeats = _device.Options.RepeatsAfterChange;
        }
        else if (_perAddressRepeats > 0)
        {
            _perAddressRepeats--;
        }
        else if (now - _perAddressLastSent < _perAddressKeepAliveTicks)
        {
            return;
        }

        _perAddressLastSent = now;
        _device.Node.SendData(this, _slotPriorities.AsSpan(0, n), LastPriority, SacnFramingOptions.None, PerAddressStartCode);
    }

    /// <inheritdoc />
    protected override void OnPatched(Universe universe)
    {
        ArgumentNullException.ThrowIfNull(universe);
        MulticastAddress = new IPEndPoint(SacnDataPacket.MulticastGroup(universe.Id), _device.Options.RemotePort).Serialize();
        _perAddressVersion = -1;
        _universe = universe.Id;
        Description = $"E1.31 Universe {universe.Id}";
    }

    /// <inheritdoc />
    protected override void OnUnpatched(Universe universe)
    {
        SendTerminate();
        _universe = -1;
        Description = "E1.31 Output port";
    }

    // E1.31 §6.2.6: three packets with Stream_Terminated, so receivers drop us at once.
    private void SendTerminate()
    {
        _sentSinceTerminate = false;
        for (int i = 0; i < 3; i++)
        {
            _device.Node.SendData(this, [], LastPriority, SacnFramingOptions.StreamTerminated);
        }
    }
}
