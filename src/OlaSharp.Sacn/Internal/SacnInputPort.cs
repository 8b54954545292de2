// Licensed under the MIT License. See LICENSE in the repository root.
using System.Text;
using OlaSharp.Core;
using OlaSharp.Core.Plugins;
using OlaSharp.Sacn.Packets;

namespace OlaSharp.Sacn.Internal;

/// <summary>
/// An OLA input port for one E1.31 universe. Every sender (CID) is its own source of the universe, so
/// the universe's merge decides: highest priority wins, then the universe's merge mode, refined per slot
/// by 0xDD. No cap on sources (olad keeps 6). All calls come from the node's receive thread, except
/// patching; a lock covers both.
/// </summary>
internal sealed class SacnInputPort : InputPort
{
    private readonly object _lock = new();
    private readonly SacnDevice _device;
    private readonly Dictionary<UInt128, SourceState> _sources = [];
    private readonly List<UInt128> _scratch = [];
    private readonly long _timeoutTicks;
    private readonly long _ddWaitTicks;
    private volatile int _universe = -1;

    public SacnInputPort(SacnDevice device, int index, long timestampFrequency)
        : base(device, index, "E1.31 Input port")
    {
        _device = device;
        SacnOptions o = device.Options;
        _timeoutTicks = (long)(o.SourceTimeout.TotalSeconds * timestampFrequency);
        _ddWaitTicks = (long)(o.PerAddressPriorityWait.TotalSeconds * timestampFrequency);
        PriorityMode = PriorityMode.Inherit;
    }

    /// <summary>The patched E1.31 universe, or -1.</summary>
    public int UniverseId => _universe;

    /// <summary>Senders currently tracked.</summary>
    public int SourceCount
    {
        get
        {
            lock (_lock)
            {
                return _sources.Count;
            }
        }
    }

    /// <inheritdoc />
    public override PriorityCapability PriorityCapability => PriorityCapability.Full;

    /// <inheritdoc />
    protected override string SourceKind => "e131";

    /// <inheritdoc />
    protected override TimeSpan SourceTimeout => _device.Options.SourceTimeout;

    /// <inheritdoc />
    public override bool IsUniverseValid(int universeId, out string? reason) => SacnDevice.CheckUniverse(universeId, out reason);

    /// <summary>A data packet for this port's universe (receive thread).</summary>
    public void Receive(in SacnDataPacket packet, long now, SacnCounters counters)
    {
        lock (_lock)
        {
            if (_universe < 0)
            {
                return;
            }

            if (packet.IsPreview && _device.Options.IgnorePreview)
            {
                Interlocked.Increment(ref counters.Preview);
                return;
            }

            if (packet.StartCode is not (0x00 or 0xDD) && !packet.IsTerminated)
            {
                Interlocked.Increment(ref counters.OtherStartCode);
                return;
            }

            if (_sources.TryGetValue(packet.Cid, out SourceState? state))
            {
                // E1.31-2018 §6.7.2: drop when (new - last) as a signed byte is in -19..0.
                int diff = (sbyte)(byte)(packet.Sequence - state.LastSequence);
                if (diff is <= 0 and > -20)
                {
                    Interlocked.Increment(ref counters.OutOfSequence);
                    return;
                }
            }

            if (packet.IsTerminated)
            {
                // §6.2.6: terminate at once, without waiting for the loss timeout.
                if (state is not null)
                {
                    Interlocked.Increment(ref counters.Terminated);
                    _sources.Remove(packet.Cid);
                    RemoveSource(state.Source);
                }

                return;
            }

            if (state is null)
            {
                DmxSource? source = CreateSource(FormatSource(packet.Cid, packet.SourceName), SourceTimeout);
                if (source is null)
                {
                    return;
                }

                state = new SourceState(source, now);
                _sources.Add(packet.Cid, state);
            }

            state.LastSequence = packet.Sequence;
            state.LastSeen = now;
            state.Priority = packet.Priority;
            if (packet.StartCode == 0xDD)
            {
                state.LastPerAddress = now;
                state.PerAddressActive = true;
                state.Source.Universe.SetSlotPriorities(state.Source, packet.Slots);
                if (state.WaitingForPerAddress)
                {
                    state.WaitingForPerAddress = false;
                    if (state.HeldLength >= 0)
                    {
                        Publish(state, state.Held.AsSpan(0, state.HeldLength));
                    }
                }

                return;
            }

            if (state.WaitingForPerAddress && now - state.FirstSeen < _ddWaitTicks)
            {
                // ETC's rule: a new source's levels wait up to 1.5 s for its 0xDD, so a
                // per-address source never flashes its levels at the universe priority.
                packet.Slots.CopyTo(state.Held);
                state.HeldLength = packet.Slots.Length;
                return;
            }

            state.WaitingForPerAddress = false;
            if (packet.SyncAddress != 0)
            {
                // E1.31-2018 §6.2.4, §11.2: synchronised data waits for the sync packet (from the sender's
                // first packet on, so its first sync has 2.5 s to come). Once sync has been lost for 2.5 s it
                // is acted on at once, unless Force_Synchronization asks to hold it until sync returns.
                bool force = (packet.Options & SacnFramingOptions.ForceSynchronization) != 0;
                if (force || now - state.LastSync < _timeoutTicks)
                {
                    packet.Slots.CopyTo(state.SyncHeld);
                    state.SyncHeldLength = packet.Slots.Length;
                    state.SyncAddress = packet.SyncAddress;
                    state.SyncForce = force;
                    return;
                }
            }

            // §6.2.4.1: data without a sync address discards anything waiting for a sync.
            state.SyncHeldLength = -1;
            Publish(state, packet.Slots);
        }
    }

    /// <summary>A sync packet (receive thread): releases data from that sender waiting on that address.</summary>
    public void OnSync(UInt128 cid, ushort syncAddress, long now)
    {
        lock (_lock)
        {
            if (_sources.TryGetValue(cid, out SourceState? state))
            {
                state.LastSync = now;
                state.LastSeen = now;
                if (state.SyncHeldLength >= 0 && state.SyncAddress == syncAddress)
                {
                    ReleaseSync(state);
                }
            }
        }
    }

    private void ReleaseSync(SourceState state)
    {
        int length = state.SyncHeldLength;
        state.SyncHeldLength = -1;
        state.Source.Universe.Update(state.Source, state.SyncHeld.AsSpan(0, length), EffectivePriority(state.Priority));
    }

    /// <summary>Timers (receive thread): source loss, the 0xDD wait, 0xDD loss.</summary>
    public void Housekeeping(long now, SacnCounters counters)
    {
        lock (_lock)
        {
            if (_sources.Count == 0)
            {
                return;
            }

            _scratch.Clear();
            foreach (KeyValuePair<UInt128, SourceState> kv in _sources)
            {
                SourceState s = kv.Value;
                if (now - s.LastSeen >= _timeoutTicks)
                {
                    _scratch.Add(kv.Key);
                    continue;
                }

                if (s.WaitingForPerAddress && now - s.FirstSeen >= _ddWaitTicks)
                {
                    s.WaitingForPerAddress = false;
                    if (s.HeldLength >= 0)
                    {
                        Publish(s, s.Held.AsSpan(0, s.HeldLength));
                    }
                }

                if (s.SyncHeldLength >= 0 && !s.SyncForce && now - s.LastSync >= _timeoutTicks)
                {
                    // Sync lost for 2.5 s without Force_Synchronization: act on the waiting data.
                    ReleaseSync(s);
                }

                if (s.PerAddressActive && now - s.LastPerAddress >= _timeoutTicks)
                {
                    // 0xDD stopped while levels continue: fall back to the packet priority.
                    s.PerAddressActive = false;
                    s.Source.Universe.SetSlotPriorities(s.Source, [], enabled: false);
                }
            }

            foreach (UInt128 cid in _scratch)
            {
                Interlocked.Increment(ref counters.SourcesLost);
                SourceState s = _sources[cid];
                _sources.Remove(cid);
                RemoveSource(s.Source);
            }
        }
    }

    private void Publish(SourceState state, ReadOnlySpan<byte> slots)
    {
        state.HeldLength = -1;
        state.Source.Universe.Update(state.Source, slots, EffectivePriority(state.Priority));
    }

    private static string FormatSource(UInt128 cid, ReadOnlySpan<byte> name) =>
        $"{SacnRootLayer.FormatCid(cid)} ({Encoding.UTF8.GetString(name)})";

    /// <inheritdoc />
    protected override void OnPatched(Universe universe)
    {
        ArgumentNullException.ThrowIfNull(universe);
        lock (_lock)
        {
            _sources.Clear();
            _universe = universe.Id;
        }

        Description = $"E1.31 Universe {universe.Id}";
        _device.Node.Join(universe.Id);
    }

    /// <inheritdoc />
    protected override void OnUnpatched(Universe universe)
    {
        ArgumentNullException.ThrowIfNull(universe);
        lock (_lock)
        {
            _universe = -1;
            _sources.Clear();
        }

        base.OnUnpatched(universe);
        Description = "E1.31 Input port";
        _device.Node.Leave(universe.Id);
    }

    private sealed class SourceState(DmxSource source, long firstSeen)
    {
        public DmxSource Source { get; } = source;

        public long FirstSeen { get; } = firstSeen;

        public long LastSeen { get; set; } = firstSeen;

        public byte LastSequence { get; set; }

        public int Priority { get; set; }

        public bool WaitingForPerAddress { get; set; } = true;

        public bool PerAddressActive { get; set; }

        public long LastPerAddress { get; set; }

        public byte[] Held { get; } = new byte[DmxFrame.MaxSlots];

        public int HeldLength { get; set; } = -1;

        /// <summary>Last sync packet from this sender; starts at first sight, so early data waits for the first sync.</summary>
        public long LastSync { get; set; } = firstSeen;

        public byte[] SyncHeld { get; } = new byte[DmxFrame.MaxSlots];

        public int SyncHeldLength { get; set; } = -1;

        public ushort SyncAddress { get; set; }

        public bool SyncForce { get; set; }
    }
}
