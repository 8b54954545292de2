// Licensed under the MIT License. See LICENSE in the repository root.
namespace OlaSharp.Core;

/// <summary>
/// Expires silent sources on a timer, so a source times out even when nobody else sends
/// (olad only checks at merge time, so its outputs freeze until another packet arrives).
/// Also collects unused universes every <see cref="CollectInterval"/>, as olad's housekeeping does.
/// <para>
/// It ticks every <see cref="Interval"/> only while some universe has an active source with a finite timeout
/// (<see cref="Universe.HasActiveExpirableSources"/>: clients' and plain ports' sources; Art-Net and sACN ports
/// expire their senders themselves). Otherwise it ticks every <see cref="CollectInterval"/>, and the first
/// such source to become active re-arms it (<see cref="UniverseRegistry.ExpirableSourceActivated"/>). It also
/// ticks while a universe has a failsafe deadline pending (<see cref="Universe.HasPendingFailsafe"/>: After
/// set and a frame received since the failsafe last acted), and acts the failsafe when it passes. On the
/// Pi's idle line and its 44 Hz Art-Net console the 100 ms tick did nothing but cost 10 timer and ~20
/// thread-pool wake-ups a second (interop/bench/run.sh pi, docs/benchmarks.md).
/// </para>
/// </summary>
public sealed class SourceExpiryMonitor : IDisposable
{
    private readonly UniverseRegistry _registry;
    private readonly TimeProvider _time;
    private readonly long _collectTicks;
    private readonly long _intervalTicks;

    // Guards switching the timer between Interval and CollectInterval (_slow and the Change calls).
    private readonly object _rateLock = new();
    private ITimer? _timer;
    private long _lastCollect;
    private int _slow;
    private int _disposed;

    /// <summary>Creates a monitor; call <see cref="Start"/>.</summary>
    /// <param name="registry">Universes to watch.</param>
    /// <param name="time">Clock and timer source.</param>
    /// <param name="interval">How often sources are checked (default 100 ms: expiry is late by at most this).</param>
    /// <param name="collectInterval">How often unused universes are removed (default 10 s as olad); infinite disables.</param>
    public SourceExpiryMonitor(UniverseRegistry registry, TimeProvider? time = null, TimeSpan? interval = null, TimeSpan? collectInterval = null)
    {
        _registry = registry ?? throw new ArgumentNullException(nameof(registry));
        _time = time ?? registry.Time;
        Interval = interval ?? TimeSpan.FromMilliseconds(100);
        CollectInterval = collectInterval ?? TimeSpan.FromSeconds(10);
        _collectTicks = TimeUtil.ToTimestampTicks(CollectInterval, _time.TimestampFrequency);
        _intervalTicks = TimeUtil.ToTimestampTicks(Interval, _time.TimestampFrequency);
    }

    /// <summary>Check period.</summary>
    public TimeSpan Interval { get; }

    /// <summary>Unused-universe collection period.</summary>
    public TimeSpan CollectInterval { get; }

    /// <summary>Universes removed by collection, for logging.</summary>
    public event Action<int>? UniverseCollected;

    /// <summary>Starts the timer.</summary>
    public void Start()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        _lastCollect = _time.GetTimestamp();
        if (_timer is null)
        {
            _registry.ExpirableSourceActivated += OnExpirableSourceActivated;
            _timer = _time.CreateTimer(static s => ((SourceExpiryMonitor)s!).Tick(), this, Interval, Interval);
        }
    }

    /// <summary>True while the timer runs at <see cref="CollectInterval"/> because nothing can expire; for tests.</summary>
    public bool IsIdle => Volatile.Read(ref _slow) != 0;

    /// <summary>One pass: expire sources, and collect universes when due. Public for tests and tools.</summary>
    public void Run()
    {
        long now = _time.GetTimestamp();
        IReadOnlyList<Universe> all = _registry.All;
        for (int i = 0; i < all.Count; i++)
        {
            all[i].ExpireSources(now);
        }

        // An Interval early still counts: in the idle rate the timer fires every CollectInterval, and a tick a
        // hair early must not put the collection off by a whole period.
        if (_collectTicks != long.MaxValue && now - _lastCollect >= _collectTicks - _intervalTicks)
        {
            _lastCollect = now;
            foreach (int id in _registry.CollectUnused())
            {
                UniverseCollected?.Invoke(id);
            }
        }
    }

    // The timer's callback: one pass, then the idle rate when nothing is left to expire.
    private void Tick()
    {
        Run();
        if (Volatile.Read(ref _slow) != 0 || AnyExpirable())
        {
            return;
        }

        lock (_rateLock)
        {
            if (Volatile.Read(ref _disposed) != 0)
            {
                return;
            }

            // Dekker with OnExpirableSourceActivated: _slow is published (full fence) before the universes are
            // looked at again, and a universe's count is published before the activation reads _slow, so a
            // source that becomes active meanwhile is seen here or re-arms the timer there.
            Interlocked.Exchange(ref _slow, 1);
            if (AnyExpirable())
            {
                Volatile.Write(ref _slow, 0);
                return;
            }

            // The first idle tick falls when the next collection is due, then one every CollectInterval.
            TimeSpan due = CollectInterval;
            if (_collectTicks != long.MaxValue)
            {
                long left = Math.Max(_intervalTicks, _lastCollect + _collectTicks - _time.GetTimestamp());
                due = TimeSpan.FromSeconds((double)left / _time.TimestampFrequency);
            }

            _timer?.Change(due, CollectInterval);
        }
    }

    private bool AnyExpirable()
    {
        IReadOnlyList<Universe> all = _registry.All;
        for (int i = 0; i < all.Count; i++)
        {
            if (all[i].HasActiveExpirableSources || all[i].HasPendingFailsafe)
            {
                return true;
            }
        }

        return false;
    }

    private void OnExpirableSourceActivated()
    {
        Interlocked.MemoryBarrier();
        if (Volatile.Read(ref _slow) == 0)
        {
            return;
        }

        lock (_rateLock)
        {
            if (Volatile.Read(ref _slow) == 0 || Volatile.Read(ref _disposed) != 0)
            {
                return;
            }

            Volatile.Write(ref _slow, 0);
            _timer?.Change(Interval, Interval);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _registry.ExpirableSourceActivated -= OnExpirableSourceActivated;
            lock (_rateLock)
            {
                _timer?.Dispose();
            }
        }
    }
}
