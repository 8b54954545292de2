// Licensed under the MIT License. See LICENSE in the repository root.
namespace OlaSharp.Core;

/// <summary>
/// Expires silent sources on a timer, so a source times out even when nobody else sends
/// (olad only checks at merge time, so its outputs freeze until another packet arrives).
/// Also collects unused universes every <see cref="CollectInterval"/>, as olad's housekeeping does.
/// </summary>
public sealed class SourceExpiryMonitor : IDisposable
{
    private readonly UniverseRegistry _registry;
    private readonly TimeProvider _time;
    private readonly long _collectTicks;
    private ITimer? _timer;
    private long _lastCollect;
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
        _timer ??= _time.CreateTimer(static s => ((SourceExpiryMonitor)s!).Run(), this, Interval, Interval);
    }

    /// <summary>One pass: expire sources, and collect universes when due. Public for tests and tools.</summary>
    public void Run()
    {
        long now = _time.GetTimestamp();
        IReadOnlyList<Universe> all = _registry.All;
        for (int i = 0; i < all.Count; i++)
        {
            all[i].ExpireSources(now);
        }

        if (_collectTicks != long.MaxValue && now - _lastCollect >= _collectTicks)
        {
            _lastCollect = now;
            foreach (int id in _registry.CollectUnused())
            {
                UniverseCollected?.Invoke(id);
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _timer?.Dispose();
        }
    }
}
