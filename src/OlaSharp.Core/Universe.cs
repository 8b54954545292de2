// Licensed under the MIT License. See LICENSE in the repository root.
using System.Runtime.CompilerServices;

namespace OlaSharp.Core;

/// <summary>Raised after a universe accepted an update; <paramref name="contentChanged"/> is false when the merged frame is identical.</summary>
public delegate void UniverseUpdatedHandler(Universe universe, bool contentChanged);

/// <summary>
/// A DMX universe: its sources, merge mode and merged frame.
/// The merge runs when a frame arrives (and when a source expires or leaves), under one lock per
/// universe; it is O(sources x slots) and allocates nothing once the sources exist.
/// Outputs copy the merged frame on their own clock with <see cref="CopyMerged(DmxFrame, out int)"/>.
/// <para>
/// Locks: the universe's lock is a leaf (nothing else is taken under it) and is never held while
/// <see cref="Updated"/> or <see cref="SettingsChanged"/> is raised, so a handler may read the universe
/// (<see cref="CopyMerged(DmxFrame, out int)"/>) or update it. Order across the server, outermost first:
/// the patch board's locks (<see cref="Plugins.DeviceRegistry"/>, none held while plugins run) → the
/// <see cref="UniverseRegistry"/>'s lock → the universe's lock. Input ports update their universe after
/// releasing their own locks (<see cref="Plugins.MergedInputPort"/>: senders merged under its state lock,
/// the universe updated outside it), so no port lock is held around a universe call; the refresh clock's
/// lock is taken only by its own calls and by its <see cref="Updated"/> handler, never around a universe call.
/// </para>
/// </summary>
public sealed partial class Universe
{
    /// <summary>Lowest universe id usable with sACN.</summary>
    public const int MinSacnId = 1;

    /// <summary>Highest universe id usable with sACN.</summary>
    public const int MaxSacnId = 63999;

    // Guards the sources, the merge buffers and the counters. A leaf lock: nothing else is taken under it
    // and it is never held while Updated or SettingsChanged is raised (handlers may call back into the
    // universe, e.g. CopyMerged). Ports call in after releasing their own locks (see the class comment).
    private readonly object _lock = new();
    private readonly TimeProvider _time;
    private readonly List<DmxSource> _sources = [];
    private readonly Dictionary<string, StrongBox<long>> _framesInByKind = new(StringComparer.Ordinal);
    private byte[] _merged = new byte[DmxFrame.MaxSlots];
    private byte[] _scratch = new byte[DmxFrame.MaxSlots];
    private int _mergedLength;
    private long _updateSequence;
    private MergeMode _mergeMode;
    private string _name;
    private int _activeSources;

    // Active sources with a finite timeout (the ones SourceExpiryMonitor expires); written under _lock, read
    // by the monitor without it to decide whether it needs to tick at all.
    private int _activeExpirable;
    private byte[] _mergedPriorities = new byte[DmxFrame.MaxSlots];
    private byte[] _priorityScratch = new byte[DmxFrame.MaxSlots];
    private bool _hasMergedPriorities;

    // Timestamp of the last accepted level frame from any source (the failsafe's After counts from it).
    private long _lastFrame;

    /// <summary>Creates a universe. Use <see cref="UniverseRegistry"/> in a server; direct construction is for tests and tools.</summary>
    public Universe(int id, TimeProvider? time = null, string? name = null, MergeMode mergeMode = MergeMode.Ltp, LossPolicy lossPolicy = LossPolicy.Hold)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(id);
        Id = id;
        _time = time ?? TimeProvider.System;
        _name = string.IsNullOrEmpty(name) ? DefaultName(id) : name;
        _mergeMode = mergeMode;
        LossPolicy = lossPolicy;
    }

    /// <summary>Raised outside the lock after every accepted update, expiry re-merge or loss action.</summary>
    /// <remarks>
    /// Handlers run on the producer's thread (a protocol's receive thread, a client's request, the expiry
    /// timer), before the producer can take its next packet, so they only signal: set a flag, wake their
    /// own worker, and return. They never encode, send, write files, block, take a lock that is held for
    /// long, or allocate; the consumer (an output's clock, an RPC connection's writer, a gRPC watcher, the
    /// live view) reads the merged frame on its own side with <see cref="CopyMerged(DmxFrame, out int)"/>.
    /// The one addition allowed is a copy of the merged slots into a buffer the handler already owns, for a
    /// consumer that must see every frame (OLA RPC clients, as olad sends them): the next update overwrites
    /// the merged frame before the consumer runs. Subscribe through <see cref="Server.ServerCore.Subscribe"/>,
    /// whose handle also detaches.
    /// </remarks>
    public event UniverseUpdatedHandler? Updated;

    /// <summary>True while a source with a finite timeout is active (something for <see cref="SourceExpiryMonitor"/> to expire).</summary>
    public bool HasActiveExpirableSources => Volatile.Read(ref _activeExpirable) > 0;

    /// <summary>
    /// Called outside the lock when a source with a finite timeout becomes active or a failsafe deadline starts
    /// (something for the monitor to watch); set by <see cref="UniverseRegistry"/>.
    /// </summary>
    internal Action? ExpirableSourceActivated { get; set; }

    /// <summary>Raised when the name, merge mode, failsafe, scenes or startup scene change (for persistence).</summary>
    public event Action<Universe>? SettingsChanged;

    /// <summary>Universe number.</summary>
    public int Id { get; }

    /// <summary>Name; defaults to <c>Universe N</c> as in OLA.</summary>
    public string Name
    {
        get => _name;
        set
        {
            string name = string.IsNullOrEmpty(value) ? DefaultName(Id) : value;
            if (name == _name)
            {
                return;
            }

            _name = name;
            SettingsChanged?.Invoke(this);
        }
    }

    /// <summary>How sources at the winning priority are combined; changing it re-merges at once.</summary>
    public MergeMode MergeMode
    {
        get => _mergeMode;
        set
        {
            if (value != MergeMode.Htp && value != MergeMode.Ltp)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "Merge mode must be HTP or LTP.");
            }

            bool changed;
            lock (_lock)
            {
                if (_mergeMode == value)
                {
                    return;
                }

                _mergeMode = value;
                changed = RemergeLocked();
            }

            SettingsChanged?.Invoke(this);
            if (changed)
            {
                Updated?.Invoke(this, true);
            }
        }
    }

    /// <summary>
    /// The failsafe mode (<see cref="Failsafe"/>'s). Setting it gives the server-wide default (no After, not
    /// <see cref="FailsafeConfigured"/>, never <see cref="LossPolicy.Scene"/>); use <see cref="SetFailsafe"/> for the rest.
    /// </summary>
    public LossPolicy LossPolicy
    {
        get => Failsafe.Mode;
        set
        {
            if (value is < LossPolicy.Hold or > LossPolicy.Full)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "A default loss policy is hold, blackout or full (a scene belongs to one universe: SetFailsafe).");
            }

            lock (_lock)
            {
                _failsafe = new FailsafeSettings(value);
                _afterTicks = long.MaxValue;
                _failsafeConfigured = false;
                Volatile.Write(ref _failsafeDeadline, long.MaxValue);
            }
        }
    }

    /// <summary>Priority of the sources that won the last merge (0 before any data).</summary>
    public int ActivePriority { get; private set; }

    /// <summary>Incremented each time the merged frame's content changes.</summary>
    public long Version { get; private set; }

    /// <summary>Incremented each time the merged per-slot priorities change, appear or go away (see <see cref="CopySlotPriorities"/>).</summary>
    public long SlotPriorityVersion { get; private set; }

    /// <summary>Incremented on each accepted update, changed or not (OLA forwards identical updates too).</summary>
    public long UpdateCount { get; private set; }

    /// <summary>Number of output ports patched to this universe (kept by the patch board).</summary>
    public int OutputPortCount { get; internal set; }

    /// <summary>Number of input ports patched to this universe (kept by the patch board).</summary>
    public int InputPortCount { get; internal set; }

    /// <summary>Number of registered sinks (e.g. OLA RPC RegisterForDmx clients).</summary>
    public int SinkCount => Volatile.Read(ref _sinkCount);

    private int _sinkCount;

    /// <summary>Number of sources attached (active or not).</summary>
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

    /// <summary>True while something references the universe: a port, a source or a sink. Unused universes are collected.</summary>
    public bool IsInUse => OutputPortCount > 0 || InputPortCount > 0 || SinkCount > 0 || SourceCount > 0;

    /// <summary>Length of the merged frame.</summary>
    public int Length
    {
        get
        {
            lock (_lock)
            {
                return _mergedLength;
            }
        }
    }

    /// <summary>OLA's default name for a universe.</summary>
    public static string DefaultName(int id) => $"Universe {id}";

    /// <summary>Registers a sink (a client that wants every update); returns the new count.</summary>
    public int AddSink() => Interlocked.Increment(ref _sinkCount);

    /// <summary>Removes a sink; returns the new count.</summary>
    public int RemoveSink()
    {
        int v = Interlocked.Decrement(ref _sinkCount);
        if (v < 0)
        {
            Interlocked.Exchange(ref _sinkCount, 0);
            return 0;
        }

        return v;
    }

    /// <summary>
    /// Attaches a new source. It counts in the merge once it sends data.
    /// </summary>
    /// <param name="name">Identity shown in APIs (address, CID, client id).</param>
    /// <param name="kind">Protocol label.</param>
    /// <param name="timeout">Silence after which it stops counting; <see cref="Timeout.InfiniteTimeSpan"/> for sources removed explicitly.</param>
    /// <param name="priority">0..200 (clamped).</param>
    public DmxSource AddSource(string name, string kind, TimeSpan timeout, int priority = OlaSharp.Core.Priority.Default)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(kind);
        if (timeout <= TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "Timeout must be positive or infinite.");
        }

        var source = new DmxSource(this, name, kind, timeout, priority, TimeUtil.ToTimestampTicks(timeout, _time.TimestampFrequency));
        lock (_lock)
        {
            if (!_framesInByKind.TryGetValue(kind, out StrongBox<long>? frames))
            {
                frames = new StrongBox<long>();
                _framesInByKind.Add(kind, frames);
            }

            source.KindFrames = frames;
            _sources.Add(source);
        }

        return source;
    }

    /// <summary>
    /// Stores a level frame (start code 0) from <paramref name="source"/> and merges.
    /// Returns true when the update was accepted (the source is among the winners), false when a
    /// higher-priority source holds the universe, the source was removed, or the data is empty.
    /// </summary>
    /// <param name="source">A source of this universe.</param>
    /// <param name="slots">0..512 slots; longer input is cut to 512.</param>
    /// <param name="priority">New priority for the source (clamped to 0..200), or null to keep its current one.</param>
    public bool Update(DmxSource source, ReadOnlySpan<byte> slots, int? priority = null) =>
        UpdateCore(source, slots, priority, default, SlotPriorityChange.Keep);

    /// <summary>
    /// Like <see cref="Update(DmxSource, ReadOnlySpan{byte}, int?)"/>, and sets the source's per-slot
    /// priorities in the same merge (so listeners never see new levels with old priorities or the other
    /// way round). With <paramref name="slotPrioritiesEnabled"/> false the source merges at its priority
    /// and <paramref name="slotPriorities"/> is ignored; otherwise as <see cref="SetSlotPriorities"/>.
    /// For senders that pre-merge several streams (an sACN port's CIDs).
    /// </summary>
    public bool Update(DmxSource source, ReadOnlySpan<byte> slots, int? priority, ReadOnlySpan<byte> slotPriorities, bool slotPrioritiesEnabled) =>
        UpdateCore(source, slots, priority, slotPriorities, slotPrioritiesEnabled ? SlotPriorityChange.Enable : SlotPriorityChange.Disable);

    private bool UpdateCore(DmxSource source, ReadOnlySpan<byte> slots, int? priority, ReadOnlySpan<byte> slotPriorities, SlotPriorityChange slotChange)
    {
        CheckOwnership(source);
        if (slots.Length > DmxFrame.MaxSlots)
        {
            slots = slots[..DmxFrame.MaxSlots];
        }

        bool accepted;
        bool changed;
        bool expirableActivated = false;
        bool failsafeToggled;
        lock (_lock)
        {
            if (source.IsRemoved)
            {
                return false;
            }

            long now = _time.GetTimestamp();
            slots.CopyTo(source.Slots);
            source.Length = slots.Length;
            if (priority is int p)
            {
                source.Priority = OlaSharp.Core.Priority.Clamp(p);
            }

            // A source that stops using per-slot priorities changes the whole merge, winner or not.
            bool forceMerge = slotChange == SlotPriorityChange.Disable && source.SlotPrioritiesEnabled;
            if (slotChange != SlotPriorityChange.Keep)
            {
                StoreSlotPriorities(source, slotPriorities, slotChange == SlotPriorityChange.Enable);
            }

            source.LastSeen = now;
            source.Sequence = ++_updateSequence;
            source.FramesReceived++;
            source.KindFrames.Value++;

            // OLA ignores empty updates: a source with no slots does not count.
            bool wasActive = source.IsActive;
            source.IsActive = slots.Length > 0;
            _activeSources += (source.IsActive ? 1 : 0) - (wasActive ? 1 : 0);
            if (source.IsActive != wasActive && source.TimeoutTicks != long.MaxValue)
            {
                Volatile.Write(ref _activeExpirable, _activeExpirable + (source.IsActive ? 1 : -1));
                expirableActivated = source.IsActive;
            }

            if (!source.IsActive)
            {
                return false;
            }

            // Leaving the failsafe or the startup scene: the merged frame is not the sources' merge, so merge
            // them all whoever sent (normal merging resumes at once).
            forceMerge |= OnFrameLocked(now, out bool pendingStarted);
            expirableActivated |= pendingStarted;
            long before = Version;
            accepted = MergeLocked(forceMerge ? null : source, now);
            changed = Version != before;
            failsafeToggled = TakeFailsafeToggleLocked();
        }

        if (failsafeToggled)
        {
            FailsafeChanged?.Invoke(this);
        }

        if (expirableActivated)
        {
            // Rare (a timed source starting or coming back, a failsafe deadline starting), outside the lock: the
            // monitor may re-arm its timer.
            ExpirableSourceActivated?.Invoke();
        }

        if (accepted)
        {
            Updated?.Invoke(this, changed);
        }

        return accepted;
    }

    /// <summary>
    /// Sets per-slot priorities for a source (sACN start code 0xDD): 0 means "not sourcing this slot",
    /// 1..200 the slot's priority; slots past the end are 0. Pass an empty span with
    /// <paramref name="enabled"/> false to fall back to the source priority.
    /// </summary>
    public void SetSlotPriorities(DmxSource source, ReadOnlySpan<byte> priorities, bool enabled = true)
    {
        CheckOwnership(source);
        bool changed;
        lock (_lock)
        {
            if (source.IsRemoved)
            {
                return;
            }

            StoreSlotPriorities(source, priorities, enabled);
            changed = RemergeLocked();
        }

        if (changed)
        {
            Updated?.Invoke(this, true);
        }
    }

    /// <summary>Changes a source's priority without new data and re-merges.</summary>
    public void SetSourcePriority(DmxSource source, int priority)
    {
        CheckOwnership(source);
        bool changed;
        lock (_lock)
        {
            if (source.IsRemoved)
            {
                return;
            }

            source.Priority = OlaSharp.Core.Priority.Clamp(priority);
            changed = RemergeLocked();
        }

        if (changed)
        {
            Updated?.Invoke(this, true);
        }
    }

    /// <summary>Detaches a source (client disconnect, stream terminated, port unpatched) and re-merges the rest.</summary>
    public void RemoveSource(DmxSource source)
    {
        CheckOwnership(source);
        bool notify;
        bool failsafeToggled;
        lock (_lock)
        {
            if (source.IsRemoved)
            {
                return;
            }

            source.IsRemoved = true;
            _sources.Remove(source);
            notify = DeactivateLocked(source, _time.GetTimestamp());
            failsafeToggled = TakeFailsafeToggleLocked();
        }

        if (failsafeToggled)
        {
            FailsafeChanged?.Invoke(this);
        }

        if (notify)
        {
            Updated?.Invoke(this, true);
        }
    }

    /// <summary>
    /// Deactivates sources silent for longer than their timeout, and acts the failsafe when its After deadline
    /// passed; called by <see cref="SourceExpiryMonitor"/> on a timer so a source expires even when nobody
    /// else sends. Returns how many sources expired.
    /// </summary>
    public int ExpireSources(long now)
    {
        int expired = 0;
        bool notify = false;
        bool failsafeToggled;
        long before;
        lock (_lock)
        {
            if (_activeSources == 0 && _failsafeDeadline == long.MaxValue)
            {
                return 0;
            }

            before = Version;

            for (int i = 0; i < _sources.Count; i++)
            {
                DmxSource s = _sources[i];
                if (s.IsActive && IsExpired(s, now))
                {
                    expired++;
                    notify |= DeactivateLocked(s, now);
                }
            }

            notify |= CheckDeadlineLocked(now);
            failsafeToggled = TakeFailsafeToggleLocked();
        }

        if (failsafeToggled)
        {
            FailsafeChanged?.Invoke(this);
        }

        if (notify)
        {
            Updated?.Invoke(this, Version != before);
        }

        return expired;
    }

    /// <summary>Copies the merged frame into <paramref name="destination"/>; returns its <see cref="Version"/>.</summary>
    public long CopyMerged(DmxFrame destination, out int priority)
    {
        ArgumentNullException.ThrowIfNull(destination);
        lock (_lock)
        {
            destination.Set(_merged.AsSpan(0, _mergedLength));
            priority = ActivePriority;
            return Version;
        }
    }

    /// <summary>Copies the merged slots into <paramref name="destination"/> (at least 512 long); returns the length.</summary>
    public int CopyMerged(Span<byte> destination)
    {
        lock (_lock)
        {
            _merged.AsSpan(0, _mergedLength).CopyTo(destination);
            return _mergedLength;
        }
    }

    /// <summary>
    /// Like <see cref="CopyMerged(Span{byte})"/>, and gives a stamp of the state the copy stands for: it grows with
    /// every accepted update and every other change of the merged frame (expiry, loss policy), so a consumer that
    /// received copies out of order (queued before and after a coalesced one) can drop the older ones.
    /// </summary>
    public int CopyMerged(Span<byte> destination, out long stamp)
    {
        lock (_lock)
        {
            _merged.AsSpan(0, _mergedLength).CopyTo(destination);
            stamp = UpdateCount + Version;
            return _mergedLength;
        }
    }

    /// <summary>
    /// Copies the per-slot priorities of the last merge into <paramref name="destination"/> (at least 512
    /// long) and returns their count (the merged length), or -1 when the last merge was whole-frame (no
    /// source carries per-slot priorities; every slot is at <see cref="ActivePriority"/>). A slot's value
    /// is the priority that won it, 0 when no source sources it. <paramref name="version"/> is
    /// <see cref="SlotPriorityVersion"/>. Allocates nothing (outputs call it on their clock).
    /// </summary>
    public int CopySlotPriorities(Span<byte> destination, out long version)
    {
        lock (_lock)
        {
            version = SlotPriorityVersion;
            if (!_hasMergedPriorities)
            {
                return -1;
            }

            _mergedPriorities.AsSpan(0, _mergedLength).CopyTo(destination);
            return _mergedLength;
        }
    }

    /// <summary>A copy of the merged slots (allocates; for APIs, not the frame path).</summary>
    public byte[] GetMergedCopy()
    {
        lock (_lock)
        {
            return _merged.AsSpan(0, _mergedLength).ToArray();
        }
    }

    /// <summary>A snapshot of the sources for APIs and UIs (allocates).</summary>
    public IReadOnlyList<SourceInfo> GetSources()
    {
        lock (_lock)
        {
            long now = _time.GetTimestamp();
            var list = new List<SourceInfo>(_sources.Count);
            foreach (DmxSource s in _sources)
            {
                list.Add(new SourceInfo(s.Name, s.Kind, s.Priority, s.Length, s.IsActive, s.SlotPrioritiesEnabled,
                    s.FramesReceived == 0 ? TimeSpan.Zero : _time.GetElapsedTime(s.LastSeen, now), s.FramesReceived));
            }

            return list;
        }
    }

    /// <summary>
    /// Frames received into this universe per source kind (protocol) since it was created, including
    /// sources that have gone (allocates; for <c>/metrics</c>).
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, long>> GetFramesInByKind()
    {
        lock (_lock)
        {
            var list = new List<KeyValuePair<string, long>>(_framesInByKind.Count);
            foreach (KeyValuePair<string, StrongBox<long>> kv in _framesInByKind)
            {
                list.Add(new(kv.Key, kv.Value.Value));
            }

            return list;
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"Universe {Id} ({_name}, {_mergeMode})";

    private static void StoreSlotPriorities(DmxSource source, ReadOnlySpan<byte> priorities, bool enabled)
    {
        if (enabled)
        {
            source.SlotPriorities ??= new byte[DmxFrame.MaxSlots];
            int n = Math.Min(priorities.Length, DmxFrame.MaxSlots);
            for (int i = 0; i < n; i++)
            {
                source.SlotPriorities[i] = (byte)Math.Min((int)priorities[i], OlaSharp.Core.Priority.Max);
            }

            source.SlotPriorityLength = n;
        }

        source.SlotPrioritiesEnabled = enabled;
    }

    private enum SlotPriorityChange
    {
        Keep,
        Enable,
        Disable,
    }

    // Re-merges after a change that brought no new data (merge mode, a source's priority or slot
    // priorities); true when the merged frame changed, so listeners must hear about it.
    private bool RemergeLocked()
    {
        long before = Version;
        if (_activeSources > 0 && !_inFailsafe)
        {
            MergeLocked(null, _time.GetTimestamp());
        }

        return Version != before;
    }

    private static bool IsExpired(DmxSource s, long now) =>
        s.TimeoutTicks != long.MaxValue && now - s.LastSeen >= s.TimeoutTicks;

    private void CheckOwnership(DmxSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (!ReferenceEquals(source.Universe, this))
        {
            throw new ArgumentException($"Source {source.Name} belongs to universe {source.Universe.Id}, not {Id}.", nameof(source));
        }
    }

    // Returns true when listeners must hear about it (merged frame or priority changed, or the failsafe acted).
    private bool DeactivateLocked(DmxSource source, long now)
    {
        if (!source.IsActive)
        {
            return false;
        }

        source.IsActive = false;
        _activeSources--;
        if (source.TimeoutTicks != long.MaxValue)
        {
            Volatile.Write(ref _activeExpirable, _activeExpirable - 1);
        }

        long before = Version;
        int priorityBefore = ActivePriority;
        bool wasInFailsafe = _inFailsafe;
        if (_activeSources > 0)
        {
            // In failsafe the merged frame is the failsafe's until a source sends again.
            if (!_inFailsafe)
            {
                MergeLocked(null, now);
            }
        }
        else
        {
            OnLastSourceGoneLocked();
        }

        return Version != before || ActivePriority != priorityBefore || _inFailsafe != wasInFailsafe;
    }
}
