// Licensed under the MIT License. See LICENSE in the repository root.
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using OlaSharp.Core;
using OlaSharp.Core.Merge;
using OlaSharp.Core.Plugins;
using OlaSharp.Core.Stats;
using OlaSharp.Sacn.Packets;

namespace OlaSharp.Sacn.Internal;

/// <summary>
/// An OLA input port for one E1.31 universe. It tracks every sender (CID), with no cap (olad keeps 6), and
/// merges them itself as E1.31 and ETC ask: the highest priority wins, equal priorities merge HTP per slot
/// whatever the universe's merge mode, and 0xDD per-address priorities decide slot by slot. The result is
/// one source of the universe (as in olad), carrying the top priority, plus the per-slot winners'
/// priorities while any sender uses 0xDD, so the universe ranks it against its other sources (Art-Net,
/// clients) slot by slot. All calls come from the node's receive thread, except patching; a lock covers both.
/// The merge runs per accepted packet, O(senders x slots), and allocates nothing.
/// </summary>
internal sealed class SacnInputPort : InputPort
{
    private readonly object _lock = new();
    private readonly SacnDevice _device;
    private readonly Dictionary<UInt128, SourceState> _sources = [];
    private readonly Dictionary<UInt128, (byte Sequence, long At)> _terminated = [];
    private readonly List<SourceState> _list = [];
    private readonly List<UInt128> _scratch = [];
    private readonly byte[] _levels = new byte[DmxFrame.MaxSlots];
    private readonly byte[] _priorities = new byte[DmxFrame.MaxSlots];
    private readonly byte[] _rank = new byte[DmxFrame.MaxSlots];
    private readonly byte[] _senderRank = new byte[DmxFrame.MaxSlots];
    private readonly long _timeoutTicks;
    private readonly long _ddWaitTicks;
    private readonly long _ddMemoryTicks;
    private readonly PerAddressPriorityWaitMode _ddWaitMode;
    private long _lastPerAddress = long.MinValue;
    private DmxSource? _source;
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
    public override bool IsUniverseValid(int universeId, out string? reason) => SacnDevice.CheckUniverse(universeId, out reason);

    /// <summary>A snapshot of the senders (allocates; for APIs and tests).</summary>
    public IReadOnlyList<SacnSenderInfo> GetSenders()
    {
        lock (_lock)
        {
            var list = new List<SacnSenderInfo>(_list.Count);
            foreach (SourceState s in _list)
            {
                list.Add(new SacnSenderInfo(s.Cid, s.Name, s.Priority, s.PerAddressActive, Math.Max(s.LevelsLength, 0)));
            }

            return list;
        }
    }

    /// <inheritdoc />
    public override IReadOnlyList<SenderInfo> DescribeSenders()
    {
        lock (_lock)
        {
            TimeProvider time = _device.Node.Time;
            long now = time.GetTimestamp();
            var list = new List<SenderInfo>(_list.Count);
            foreach (SourceState s in _list)
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
        lock (_lock)
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

            if (_sources.TryGetValue(packet.Cid, out SourceState? state))
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
                    Merge();
                }

                return;
            }

            if (state is null)
            {
                state = new SourceState(packet.Cid, FormatSource(packet.Cid, packet.SourceName), now)
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
                _lastPerAddress = now;
                state.LastPerAddress = now;
                state.PerAddressActive = true;
                int n = Math.Min(packet.Slots.Length, DmxFrame.MaxSlots);
                packet.Slots[..n].CopyTo(state.PerAddress);
                state.PerAddressLength = n;
                if (state.WaitingForPerAddress)
                {
                    state.WaitingForPerAddress = false;
                    if (state.HeldLength >= 0)
                    {
                        Publish(state, state.Held.AsSpan(0, state.HeldLength));
                        return;
                    }
                }

                if (state.LevelsLength >= 0)
                {
                    Merge();
                }

                return;
            }

            if (state.WaitingForPerAddress && now - state.FirstSeen < _ddWaitTicks)
            {
                // ETC's rule: a new source's levels wait up to 1.5 s for its 0xDD, so a
                // per-address source never flashes its levels at the universe priority (see NewSenderWaits).
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

    // Whether a new sender's levels wait for its first 0xDD (ETC's rule). The wait protects the slots other
    // senders own by per-address priority from a 0xDD sender's levels at its packet priority, before its
    // first 0xDD packet (ETC consoles send 0xDD about once a second). Where no sender uses 0xDD it protects
    // nothing and only held every console 1.5 s on every start (QLC+: 1.51-1.54 s against 0.01-0.03 s for
    // olad), and held a sender returning after a loss while the universe kept a terminated sender's levels.
    // Auto waits on a universe with 0xDD now or in the last PerAddressPriorityMemory (a 0xDD console that
    // restarts is still covered); a 0xDD sender joining a universe without 0xDD counts at its packet
    // priority until its first 0xDD packet (conf "always" covers that too).
    private bool NewSenderWaits(long now) => _ddWaitTicks > 0 && _ddWaitMode switch
    {
        PerAddressPriorityWaitMode.Always => true,
        PerAddressPriorityWaitMode.Never => false,
        _ => _lastPerAddress != long.MinValue && now - _lastPerAddress < _ddMemoryTicks,
    };

    /// <summary>E1.31-2018 §6.7.2: a packet is out of order when (new - last) as a signed byte is in -19..0.</summary>
    internal static bool SequenceAccepted(byte last, byte next)
    {
        int diff = (sbyte)(byte)(next - last);
        return diff is > 0 or <= -20;
    }

    /// <summary>A sync packet (receive thread, already sequence-checked): releases data from that sender waiting on that address.</summary>
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
        Publish(state, state.SyncHeld.AsSpan(0, length));
    }

    /// <summary>Timers (receive thread): source loss, the 0xDD wait, 0xDD loss.</summary>
    public void Housekeeping(long now, CounterTable counters)
    {
        lock (_lock)
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
            foreach (SourceState s in _list)
            {
                if (now - s.LastSeen >= _timeoutTicks)
                {
                    _scratch.Add(s.Cid);
                    continue;
                }

                if (s.WaitingForPerAddress && now - s.FirstSeen >= _ddWaitTicks)
                {
                    s.WaitingForPerAddress = false;
                    if (s.HeldLength >= 0)
                    {
                        Store(s, s.Held.AsSpan(0, s.HeldLength));
                        merge = true;
                    }
                }

                if (s.SyncHeldLength >= 0 && !s.SyncForce && now - s.LastSync >= _timeoutTicks)
                {
                    // Sync lost for 2.5 s without Force_Synchronization: act on the waiting data.
                    Store(s, s.SyncHeld.AsSpan(0, s.SyncHeldLength));
                    s.SyncHeldLength = -1;
                    merge = true;
                }

                if (s.PerAddressActive && now - s.LastPerAddress >= _timeoutTicks)
                {
                    // 0xDD stopped while levels continue: fall back to the packet priority.
                    s.PerAddressActive = false;
                    merge = true;
                }
            }

            foreach (UInt128 cid in _scratch)
            {
                counters.Increment(SacnCounters.SourcesLost);
                Forget(_sources[cid]);
                merge = true;
            }

            if (merge)
            {
                Merge();
            }
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

    private static void Store(SourceState state, ReadOnlySpan<byte> slots)
    {
        state.HeldLength = -1;
        slots.CopyTo(state.Levels);
        state.LevelsLength = slots.Length;
    }

    private void Publish(SourceState state, ReadOnlySpan<byte> slots)
    {
        Store(state, slots);
        Merge();
    }

    private void Forget(SourceState state)
    {
        _sources.Remove(state.Cid);
        _list.Remove(state);
    }

    // The port's merge, under _lock: senders whose levels count (past the 0xDD wait and sync hold).
    // Without 0xDD (or with a static port priority): the top priority's senders, HTP per slot, as long as
    // the longest. With 0xDD: per slot, the highest priority (0xDD value, or the packet priority for a
    // sender without 0xDD; 0 = not sourcing), HTP among equals; the winners' priorities go up with the levels.
    private void Merge()
    {
        int top = -1;
        bool perAddress = false;
        for (int i = 0; i < _list.Count; i++)
        {
            SourceState s = _list[i];
            if (s.LevelsLength < 0)
            {
                continue;
            }

            if (s.Priority > top)
            {
                top = s.Priority;
            }

            perAddress |= s.PerAddressActive;
        }

        perAddress &= PriorityMode != PriorityMode.Static;
        int length = top < 0 ? 0 : perAddress ? MergePerAddress() : MergeTop(top);
        if (length == 0)
        {
            // Nobody sources anything: the port leaves the universe, which re-merges its other sources
            // or holds its frame (olad keeps the universe's last data too).
            if (_source is not null)
            {
                RemoveSource(_source);
                _source = null;
            }

            return;
        }

        if (_source is null || _source.IsRemoved)
        {
            // The port owns its senders' expiry (Housekeeping: 2.5 s per CID, source_lost counted there) and
            // leaves the universe when none is left, so the universe source itself never times out.
            _source = CreateSource(Id, Timeout.InfiniteTimeSpan);
            if (_source is null)
            {
                return;
            }
        }

        _source.Universe.Update(_source, _levels.AsSpan(0, length), EffectivePriority(top), _priorities.AsSpan(0, perAddress ? length : 0), perAddress);
    }

    private int MergeTop(int top)
    {
        int length = 0;
        for (int i = 0; i < _list.Count; i++)
        {
            SourceState s = _list[i];
            if (s.Priority == top && s.LevelsLength > length)
            {
                length = s.LevelsLength;
            }
        }

        Span<byte> dst = _levels.AsSpan(0, length);
        dst.Clear();
        for (int i = 0; i < _list.Count; i++)
        {
            SourceState s = _list[i];
            if (s.Priority == top && s.LevelsLength > 0)
            {
                MergeKernel.MaxInto(dst, s.Levels.AsSpan(0, s.LevelsLength));
            }
        }

        return length;
    }

    // Per slot: the highest rank wins, HTP among equal ranks. A rank is priority + 1 (0 = not sourcing), so
    // a sender without 0xDD at priority 0 still sources its slots inside the port. Sender by sender over
    // the slots, vectorized. SacnReceiveBenchmarks (PerAddress=true, 2 senders x 512 slots, a packet from
    // each, --job short on the shared 2-core CI box): 9.3 us with a scalar slot-major loop, 8.3 us with
    // this one; most of the rest is the universe's own per-slot merge (MergeBenchmarks: 6.9 us at 4 x 512).
    private int MergePerAddress()
    {
        int length = 0;
        for (int i = 0; i < _list.Count; i++)
        {
            if (_list[i].LevelsLength > length)
            {
                length = _list[i].LevelsLength;
            }
        }

        Span<byte> rank = _rank.AsSpan(0, length);
        Span<byte> levels = _levels.AsSpan(0, length);
        rank.Clear();
        levels.Clear();
        for (int i = 0; i < _list.Count; i++)
        {
            SourceState s = _list[i];
            int n = s.LevelsLength;
            if (n <= 0)
            {
                continue;
            }

            Span<byte> senderRank = _senderRank.AsSpan(0, n);
            if (s.PerAddressActive)
            {
                // ETC: 0 = not sourcing; a short 0xDD packet leaves the rest at 0.
                int m = Math.Min(n, s.PerAddressLength);
                MergeKernel.ToRanks(s.PerAddress.AsSpan(0, m), senderRank, (byte)SacnDataPacket.MaxPriority);
                senderRank[m..].Clear();
            }
            else
            {
                senderRank.Fill(MergeKernel.Rank(s.Priority));
            }

            MergeKernel.MergeRanked(rank[..n], levels[..n], senderRank, s.Levels.AsSpan(0, n), htp: true);
        }

        // Upward, a slot's priority is its rank - 1 (0 when nobody sources it).
        MergeKernel.RanksToPriorities(rank, _priorities, out _);
        return length;
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
            _list.Clear();
            _terminated.Clear();
            _source = null;
            _lastPerAddress = long.MinValue;
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
            _list.Clear();
            _terminated.Clear();
            _source = null;
            _lastPerAddress = long.MinValue;
        }

        base.OnUnpatched(universe);
        Description = "E1.31 Input port";
        _device.Node.Leave(universe.Id);
    }

    /// <inheritdoc />
    protected override void OnPriorityChanged()
    {
        base.OnPriorityChanged();

        // Static mode sends no per-slot priorities up; inherit mode does again.
        lock (_lock)
        {
            Merge();
        }
    }

    private sealed class SourceState(UInt128 cid, string name, long firstSeen)
    {
        public UInt128 Cid { get; } = cid;

        public string Name { get; } = name;

        public long FirstSeen { get; } = firstSeen;

        public long LastSeen { get; set; } = firstSeen;

        /// <summary>The sender's IPv4 address as text, if known (set once, when the sender is first seen).</summary>
        public string? Address { get; init; }

        /// <summary>Packets taken from this sender (levels and 0xDD).</summary>
        public long Packets { get; set; }

        public byte LastSequence { get; set; }

        public int Priority { get; set; }

        /// <summary>The levels that count in the merge; -1 until the first are released.</summary>
        public byte[] Levels { get; } = new byte[DmxFrame.MaxSlots];

        public int LevelsLength { get; set; } = -1;

        /// <summary>True while the levels wait for the first 0xDD (set at first sight, see NewSenderWaits).</summary>
        public bool WaitingForPerAddress { get; set; }

        public bool PerAddressActive { get; set; }

        public long LastPerAddress { get; set; }

        public byte[] PerAddress { get; } = new byte[DmxFrame.MaxSlots];

        public int PerAddressLength { get; set; }

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
