// Licensed under the MIT License. See LICENSE in the repository root.
using OlaSharp.ArtNet.Packets;
using OlaSharp.Core;
using OlaSharp.Core.Clock;
using OlaSharp.Core.Plugins;
using OlaSharp.Core.Stats;

namespace OlaSharp.ArtNet.Internal;

/// <summary>
/// An OLA input port: receives ArtDmx for its Port-Address (an Art-Net "output" port), merges up to two
/// senders per Art-Net 4 and feeds the universe as one source. The merger owns the senders' expiry (10 s,
/// Art-Net 4); the universe source has no timeout of its own and leaves the universe when the last sender goes.
/// </summary>
internal sealed class ArtNetInputPort : InputPort
{
    private readonly object _lock = new();
    private readonly ArtNetDevice _device;
    private readonly ArtNetMerger _merger;
    private volatile int _portAddress = -1;
    private bool _held;
    private DmxSource? _source;

    public ArtNetInputPort(ArtNetDevice device, int index, ArtNetOptions options, long timestampFrequency)
        : base(device, index, string.Empty)
    {
        _device = device;
        _merger = new ArtNetMerger(options.MergeTimeout, timestampFrequency) { Mode = options.MergeMode };
        Description = "ArtNet Input port";
    }

    /// <summary>The Port-Address while patched, else -1.</summary>
    public int PortAddress => _portAddress;

    /// <summary>True while two senders merge.</summary>
    public bool IsMerging
    {
        get
        {
            lock (_lock)
            {
                return _merger.IsMerging;
            }
        }
    }

    /// <inheritdoc />
    protected override string SourceKind => "artnet";

    /// <summary>A packet for this port's address (receive thread).</summary>
    public void Receive(uint ip, byte sequence, ReadOnlySpan<byte> data, long now, bool hold, CounterTable counters)
    {
        bool mergingStarted;
        lock (_lock)
        {
            if (_portAddress < 0)
            {
                return;
            }

            bool wasMerging = _merger.IsMerging;
            switch (_merger.Accept(ip, sequence, data, now))
            {
                case MergeOutcome.LateSequence:
                    counters.Increment(ArtNetCounters.DmxLate);
                    return;
                case MergeOutcome.ThirdSourceIgnored:
                    counters.Increment(ArtNetCounters.DmxThirdSource);
                    return;
            }

            mergingStarted = !wasMerging && _merger.IsMerging;
            if (hold)
            {
                _held = true;
            }
            else
            {
                _held = false;
                PublishMerged();
            }
        }

        if (mergingStarted)
        {
            _device.PortsChanged();
        }
    }

    /// <summary>Publishes data held for ArtSync.</summary>
    public void ReleaseHeld()
    {
        lock (_lock)
        {
            if (_held && _portAddress >= 0)
            {
                _held = false;
                PublishMerged();
            }
        }
    }

    /// <summary>Drops senders past the merge timeout and publishes what remains.</summary>
    public void Expire(long now)
    {
        lock (_lock)
        {
            if (_portAddress < 0)
            {
                return;
            }

            int before = _merger.SourceCount;
            if (_merger.Expire(now))
            {
                if (!_held)
                {
                    PublishMerged();
                }
            }
            else if (before > 0 && _merger.SourceCount == 0 && _source is not null)
            {
                // The last sender went silent: the port's source leaves the universe, which re-merges the rest.
                _held = false;
                RemoveSource(_source);
                _source = null;
            }
        }
    }

    // Under _lock: the merged frame into the universe through the port's source (made on first use).
    private void PublishMerged()
    {
        if (_source is null || _source.IsRemoved)
        {
            _source = CreateSource(Id, Timeout.InfiniteTimeSpan);
            if (_source is null)
            {
                return;
            }
        }

        _source.Universe.Update(_source, _merger.Merged, EffectivePriority(null));
    }

    /// <inheritdoc />
    protected override void OnPatched(Universe universe)
    {
        ArgumentNullException.ThrowIfNull(universe);
        lock (_lock)
        {
            _merger.Reset();
            _source = null;
            _portAddress = _device.Options.PortAddress(universe.Id);
        }

        Description = $"ArtNet Universe {FormatAddress(_portAddress)}";
        _device.PortsChanged();
    }

    /// <inheritdoc />
    protected override void OnUnpatched(Universe universe)
    {
        lock (_lock)
        {
            _portAddress = -1;
            _merger.Reset();
            _held = false;
            _source = null;
        }

        base.OnUnpatched(universe);
        Description = "ArtNet Input port";
        _device.PortsChanged();
    }

    internal static string FormatAddress(int address) => $"{address >> 8}:{(address >> 4) & 0x0F}:{address & 0x0F}";
}

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
