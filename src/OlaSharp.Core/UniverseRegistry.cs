// Licensed under the MIT License. See LICENSE in the repository root.
using Microsoft.Extensions.Logging.Abstractions;

namespace OlaSharp.Core;

/// <summary>
/// The server's universes by id. Lookups take a lock; enumeration uses a copy-on-write array so
/// timers and clocks can walk every universe without allocating or locking.
/// </summary>
public sealed class UniverseRegistry
{
    // Guards _byId and the snapshot. Taken under the DeviceRegistry's lock (a patch creates its universe);
    // under it only a Universe's lock is taken (IsInUse in CollectUnused). Created and Removed are raised
    // outside it (Created still inside the DeviceRegistry's lock when a patch creates the universe).
    private readonly object _lock = new();
    private readonly Dictionary<int, Universe> _byId = [];
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private Universe[] _snapshot = [];

    /// <summary>Creates an empty registry.</summary>
    /// <param name="time">Clock of the universes.</param>
    /// <param name="defaultLossPolicy">Failsafe mode of universes without one of their own.</param>
    /// <param name="logger">Where a universe's failsafe starting and ending is logged (one line each).</param>
    public UniverseRegistry(TimeProvider? time = null, LossPolicy defaultLossPolicy = LossPolicy.Hold, ILogger? logger = null)
    {
        _time = time ?? TimeProvider.System;
        DefaultLossPolicy = defaultLossPolicy;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>Raised after a universe is created (settings restored by listeners happen here).</summary>
    public event Action<Universe>? Created;

    /// <summary>Raised after a universe is removed.</summary>
    public event Action<Universe>? Removed;

    /// <summary>
    /// Raised (on the producer's thread, outside every lock) when a source with a finite timeout becomes active
    /// in one of the universes: <see cref="SourceExpiryMonitor"/> ticks only while there is something to expire.
    /// </summary>
    public event Action? ExpirableSourceActivated;

    /// <summary>Loss policy given to new universes.</summary>
    public LossPolicy DefaultLossPolicy { get; set; }

    /// <summary>The time source universes use.</summary>
    public TimeProvider Time => _time;

    /// <summary>All universes, ordered by id; a stable array safe to enumerate without locking.</summary>
    public IReadOnlyList<Universe> All => Volatile.Read(ref _snapshot);

    /// <summary>Finds a universe.</summary>
    public bool TryGet(int id, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Universe? universe)
    {
        lock (_lock)
        {
            return _byId.TryGetValue(id, out universe);
        }
    }

    /// <summary>Finds or creates a universe (creation as in OLA: by patching, or by a client registering).</summary>
    public Universe GetOrCreate(int id)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(id);
        Universe created;
        lock (_lock)
        {
            if (_byId.TryGetValue(id, out Universe? existing))
            {
                return existing;
            }

            created = new Universe(id, _time, lossPolicy: DefaultLossPolicy)
            {
                ExpirableSourceActivated = OnExpirableSourceActivated,
                FailsafeChanged = OnFailsafeChanged,
            };
            _byId.Add(id, created);
            RebuildSnapshot();
        }

        Created?.Invoke(created);
        return created;
    }

    /// <summary>Removes a universe whatever it holds.</summary>
    public bool Remove(int id)
    {
        Universe? removed;
        lock (_lock)
        {
            if (!_byId.Remove(id, out removed))
            {
                return false;
            }

            RebuildSnapshot();
        }

        Removed?.Invoke(removed);
        return true;
    }

    /// <summary>
    /// Removes universes with no ports, sources or sinks (olad does this every 10 s).
    /// Returns the ids removed.
    /// </summary>
    public IReadOnlyList<int> CollectUnused()
    {
        List<int>? ids = null;
        foreach (Universe u in All)
        {
            if (!u.IsInUse)
            {
                (ids ??= []).Add(u.Id);
            }
        }

        if (ids is null)
        {
            return [];
        }

        var removed = new List<int>(ids.Count);
        foreach (int id in ids)
        {
            Universe? u;
            lock (_lock)
            {
                // Re-check under the lock: something may have patched it meanwhile.
                if (!_byId.TryGetValue(id, out u) || u.IsInUse)
                {
                    continue;
                }

                _byId.Remove(id);
                RebuildSnapshot();
            }

            removed.Add(id);
            Removed?.Invoke(u);
        }

        return removed;
    }

    private void RebuildSnapshot()
    {
        var arr = new Universe[_byId.Count];
        _byId.Values.CopyTo(arr, 0);
        Array.Sort(arr, static (a, b) => a.Id.CompareTo(b.Id));
        Volatile.Write(ref _snapshot, arr);
    }

    private void OnExpirableSourceActivated() => ExpirableSourceActivated?.Invoke();

    private void OnFailsafeChanged(Universe u)
    {
        FailsafeStatus status = u.GetFailsafeStatus();
        if (status.Active)
        {
            FailsafeSettings f = u.Failsafe;
            string reason = f.After is TimeSpan after ? $"no frame for {after.TotalSeconds:0.###} s" : "its last source went away";
            string mode = status.Mode == LossPolicy.Scene ? $"scene '{f.Scene}'" : MergeModeText.ToText(status.Mode);
            Log.FailsafeActing(_logger, u.Id, reason, mode);
        }
        else
        {
            Log.FailsafeEnded(_logger, u.Id);
        }
    }
}
