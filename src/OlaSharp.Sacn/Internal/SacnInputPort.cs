// Licensed under the MIT License. See LICENSE in the repository root.
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace OlaSharp.Sacn.Internal;

/// <summary>
/// An OLA input port for one E1.31 universe. It tracks every sender (CID), with no cap (olad keeps 6), and
/// merges them itself as E1.31 and ETC ask: the highest priority wins, equal priorities merge HTP per slot
/// whatever the universe's merge mode, and 0xDD per-address priorities decide slot by slot. The result is
/// one source of the universe (as in olad), carrying the top priority, plus the per-slot winners'
/// priorities while any sender uses 0xDD, so the universe ranks it against its other sources (Art-Net,
/// clients) slot by slot. All calls come from the node's receive thread, except patching and priority
/// changes; the senders' state is under <see cref="MergedInputPort.StateLock"/>, and the universe is
/// updated after it is released (<see cref="MergedInputPort"/>). Allocates nothing per packet.
/// This file: sender bookkeeping (sequence, termination, loss); the 0xDD wait and sync holding are in
/// <c>SacnInputPort.Holding.cs</c>, the merge in <c>SacnInputPort.Merge.cs</c>, a sender's state in <see cref="SacnSender"/>.
/// </summary>
internal sealed partial class SacnInputPort : MergedInputPort
{
    private readonly SacnDevice _device;
    private readonly Dictionary<UInt128, SacnSender> _sources = [];
    private readonly Dictionary<UInt128, (byte Sequence, long At)> _terminated = [];
    private readonly List<SacnSender> _list = [];
    private readonly List<UInt128> _scratch = [];
    private readonly long _timeoutTicks;
    private volatile int _universe = -1;

    public SacnInputPort(SacnDevice device, int index, long timestampFrequency)
        : base(device, index, "E1.31 Input port")
    {
        _device = device;
        SacnOptions o = device.Options;
        _timeoutTicks = (long)(o.SourceTimeout.TotalSeconds * timestampFrequency);
        _ddWaitTicks = (long)(o.PerAddressPriorityWait.TotalSeconds * timestampFrequency);
        _ddMemoryTicks = (long)(o.PerAddressPriorityMemory.TotalSeconds * timestampFrequency);
        _ddWaitMode = o.PerAddressPriorityWaitMode;
        PriorityMode = PriorityMode.Inherit;
    }

    /// <summary>The patched E1.31 universe, or -1.</summary>
    public int UniverseId => _universe;

    /// <summary>Senders currently tracked.</summary>
    public int SourceCount
    {
        get
        {
            lock (StateLock)
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
    public override bool IsUniverseValid(int universeId, out string? reason) => SacnDevice.CheckUniverse(universeId, out reason);

    /// <summary>A snapshot of the senders (allocates; for APIs and tests).</summary>
    public IReadOnlyList<SacnSenderInfo> GetSenders()
    {
        lock (StateLock)
        {
            var list = new List<SacnSenderInfo>(_list.Count);
            foreach (SacnSender s in _list)
            {
                list.Add(new SacnSenderInfo(s.Cid, s.Name, s.Priority, s.PerAddressActive, Math.Max(s.LevelsLength, 0)));
            }

            return list;
        }
    }

    /// <inheritdoc />
    public override IReadOnlyList<SenderInfo> DescribeSenders()
    {
        lock (StateLock)
        {
            TimeProvider time = _device.Node.Time;
            long now = time.GetTimestamp();
            var list = new List<SenderInfo>(_list.Count);
            foreach (SacnSender s in _list)
            {
                list.Add(new SenderInfo(
                    SacnRootLayer.FormatCid(s.Cid), s.Name, s.Address, s.Priority, s.PerAddressActive,
                    Math.Max(s.LevelsLength, 0), s.Packets, time.GetElapsedTime(s.LastSeen, now)));
            }

            return list;
        }
    }

    private static string AddressText(SocketAddress address) =>
        address.Family == AddressFamily.InterNetwork && address.Size >= 8
            ? string.Create(CultureInfo.InvariantCulture, $"{address[4]}.{address[5]}.{address[6]}.{address[7]}")
            : address.ToString();

    /// <summary>A data packet for this port's universe (receive thread); <paramref name="from"/> is the sender's address if known.</summary>
    public void Receive(in SacnDataPacket packet, long now, CounterTable counters, SocketAddress? from = null)
    {
        lock (StateLock)
        {
            ReceiveLocked(packet, now, counters, from);
        }

        Flush();
    }

    private void ReceiveLocked(in SacnDataPacket packet, long now, CounterTable counters, SocketAddress? from)
    {
        if (_universe < 0)
        {
            return;
        }

        if (packet.IsPreview && _device.Options.IgnorePreview)
        {
            counters.Increment(SacnCounters.Preview);
            return;
        }

        if (packet.StartCode is not (0x00 or 0xDD) && !packet.IsTerminated)
        {
            counters.Increment(SacnCounters.OtherStartCode);
            return;
        }

        if (_sources.TryGetValue(packet.Cid, out SacnSender? state))
        {
            // E1.31-2018 §6.7.2: drop when (new - last) as a signed byte is in -19..0.
            if (!SequenceAccepted(state.LastSequence, packet.Sequence))
            {
                counters.Increment(SacnCounters.OutOfSequence);
                return;
            }
        }
        else if (_terminated.Count > 0 && _terminated.TryGetValue(packet.Cid, out (byte Sequence, long At) ended))
        {
            // A terminated stream's sequence still counts for the loss timeout: its late copies (other
            // terminate packets, data sent before them but delivered after) must not start a new sender.
            if (packet.IsTerminated || (now - ended.At < _timeoutTicks && !SequenceAccepted(ended.Sequence, packet.Sequence)))
            {
                if (!packet.IsTerminated)
                {
                    counters.Increment(SacnCounters.OutOfSequence);
                }

                return;
            }

            _terminated.Remove(packet.Cid);
        }

        if (packet.IsTerminated)
        {
            // §6.2.6: terminate at once, without waiting for the loss timeout.
            if (state is not null)
            {
                counters.Increment(SacnCounters.Terminated);
                _terminated[packet.Cid] = (packet.Sequence, now);
                Forget(state);
                RequestPublishLocked();
            }

            return;
        }

        if (state is null)
        {
            state = new SacnSender(packet.Cid, FormatSource(packet.Cid, packet.SourceName), now)
            {
                Address = from is null ? null : AddressText(from),
                WaitingForPerAddress = NewSenderWaits(now),
            };
            _sources.Add(packet.Cid, state);
            _list.Add(state);
        }

        state.LastSequence = packet.Sequence;
        state.LastSeen = now;
        state.Packets++;
        state.Priority = packet.Priority;
        if (packet.StartCode == 0xDD)
        {
            OnPerAddressLocked(state, packet.Slots, now);
            return;
        }

        if (HoldForPerAddressLocked(state, packet.Slots, now) || HoldForSyncLocked(state, packet, now))
        {
            return;
        }

        // §6.2.4.1: data without a sync address discards anything waiting for a sync.
        state.SyncHeldLength = -1;
        Publish(state, packet.Slots);
    }

    /// <summary>E1.31-2018 §6.7.2: a packet is out of order when (new - last) as a signed byte is in -19..0.</summary>
    internal static bool SequenceAccepted(byte last, byte next)
    {
        int diff = (sbyte)(byte)(next - last);
        return diff is > 0 or <= -20;
    }

    /// <summary>Timers (receive thread): source loss, the 0xDD wait, sync loss, 0xDD loss.</summary>
    public void Housekeeping(long now, CounterTable counters)
    {
        lock (StateLock)
        {
            HousekeepingLocked(now, counters);
        }

        Flush();
    }

    private void HousekeepingLocked(long now, CounterTable counters)
    {
        if (_terminated.Count > 0)
        {
            ExpireTerminated(now);
        }

        if (_sources.Count == 0)
        {
            return;
        }

        _scratch.Clear();
        bool merge = false;
        foreach (SacnSender s in _list)
        {
            if (now - s.LastSeen >= _timeoutTicks)
            {
                _scratch.Add(s.Cid);
                continue;
            }

            merge |= ReleaseDueLocked(s, now);
        }

        foreach (UInt128 cid in _scratch)
        {
            counters.Increment(SacnCounters.SourcesLost);
            Forget(_sources[cid]);
            merge = true;
        }

        if (merge)
        {
            RequestPublishLocked();
        }
    }

    // Terminated streams are remembered for the loss timeout (2.5 s), then forgotten.
    private void ExpireTerminated(long now)
    {
        _scratch.Clear();
        foreach (KeyValuePair<UInt128, (byte Sequence, long At)> kv in _terminated)
        {
            if (now - kv.Value.At >= _timeoutTicks)
            {
                _scratch.Add(kv.Key);
            }
        }

        foreach (UInt128 cid in _scratch)
        {
            _terminated.Remove(cid);
        }
    }

    // Under the lock: the sender's levels count from now on.
    private void Publish(SacnSender state, ReadOnlySpan<byte> slots)
    {
        state.Store(slots);
        RequestPublishLocked();
    }

    private void Forget(SacnSender state)
    {
        _sources.Remove(state.Cid);
        _list.Remove(state);
    }

    private static string FormatSource(UInt128 cid, ReadOnlySpan<byte> name) =>
        $"{SacnRootLayer.FormatCid(cid)} ({Encoding.UTF8.GetString(name)})";

    private void ClearLocked()
    {
        _sources.Clear();
        _list.Clear();
        _terminated.Clear();
        _lastPerAddress = long.MinValue;
        ResetPublishLocked();
    }

    /// <inheritdoc />
    protected override void OnPatched(Universe universe)
    {
        ArgumentNullException.ThrowIfNull(universe);
        int old;
        lock (StateLock)
        {
            ClearLocked();
            old = _universe;
            _universe = universe.Id;
        }

        _device.Node.InputIndex.Move(this, old, universe.Id);

        Description = $"E1.31 Universe {universe.Id}";
        _device.Node.Join(universe.Id);
    }

    /// <inheritdoc />
    protected override void OnUnpatched(Universe universe)
    {
        ArgumentNullException.ThrowIfNull(universe);
        int old;
        lock (StateLock)
        {
            old = _universe;
            _universe = -1;
            ClearLocked();
        }

        _device.Node.InputIndex.Move(this, old, -1);

        base.OnUnpatched(universe);
        Description = "E1.31 Input port";
        _device.Node.Leave(universe.Id);
    }

    /// <inheritdoc />
    protected override void OnPriorityChanged()
    {
        base.OnPriorityChanged();

        // Static mode sends no per-slot priorities up; inherit mode does again.
        lock (StateLock)
        {
            RequestPublishLocked();
        }

        Flush();
    }
}
