// Licensed under the MIT License. See LICENSE in the repository root.

namespace OlaSharp.Core.Standby;

/// <summary>
/// Whether this server drives its outputs (network outputs send, the UART line is driven) or keeps them
/// silent as the standby half of a hot-standby pair. Open by default: a server without a partner is always
/// open. Inputs, merging, failsafe and client subscriptions are not affected: a closed server keeps its
/// merged frames current so that its first frame after opening is the current one.
/// <para>
/// Readers (the refresh clock on each tick, the UART line thread per frame) read <see cref="IsOpen"/>, a
/// volatile field, without a lock. <see cref="Changed"/> is raised after the change, on the thread that made
/// it (the standby controller's), outside any lock; handlers only signal their own thread (the rule of
/// <see cref="Universe.Updated"/>).
/// </para>
/// </summary>
public sealed class OutputGate
{
    private volatile bool _open = true;
    private long _changes;
    private int _standbyPriority;
    private int _driving;
    private readonly List<OutputRelease> _shared = [];

    /// <summary>True while outputs are driven.</summary>
    public bool IsOpen => _open;

    /// <summary>How many times the gate opened or closed.</summary>
    public long Changes => Interlocked.Read(ref _changes);

    /// <summary>
    /// What sACN outputs do while the gate is closed: 0 (the default), nothing, like every network output; 1..200,
    /// they keep sending at this priority, so receivers arbitrate between the pair themselves
    /// (<c>sacn_standby_priority</c> of <c>ola-standby.conf</c>). Set by the standby controller before it starts.
    /// </summary>
    public int StandbyPriority
    {
        get => Volatile.Read(ref _standbyPriority);
        set => Volatile.Write(ref _standbyPriority, Math.Clamp(value, 0, 200));
    }

    /// <summary>
    /// How many outputs on a line shared with the partner (<see cref="Register"/>: the UART writers) still drive it.
    /// After closing the gate the standby controller announces the hand-over complete only once this is 0, so the
    /// partner never drives the shared RS-485 line while this server's transceiver still does.
    /// </summary>
    public int Driving => Volatile.Read(ref _driving);

    /// <summary>
    /// Registers an output that drives a line shared with the partner and must let go of it before the partner may
    /// drive (a UART writer: its driver-enable pin). The output calls <see cref="OutputRelease.Driving"/> before
    /// it drives and <see cref="OutputRelease.Released"/> once it has let go; disposing it counts as released.
    /// </summary>
    public OutputRelease Register(string name)
    {
        var release = new OutputRelease(this, name);
        lock (_shared)
        {
            _shared.Add(release);
        }

        return release;
    }

    /// <summary>The names of the registered outputs that still drive their line (for the one warning of a slow release).</summary>
    public string DrivingNames()
    {
        lock (_shared)
        {
            return string.Join(", ", _shared.Where(r => r.IsDriving).Select(r => r.Name));
        }
    }

    internal void Unregister(OutputRelease release)
    {
        lock (_shared)
        {
            _shared.Remove(release);
        }
    }

    internal void AddDriving(int delta) => Interlocked.Add(ref _driving, delta);

    /// <summary>Raised after <see cref="IsOpen"/> changed, with the new value.</summary>
    public event Action<bool>? Changed;

    /// <summary>Opens or closes the gate; returns false when it already was so (nothing raised).</summary>
    public bool Set(bool open)
    {
        if (_open == open)
        {
            return false;
        }

        _open = open;

        // A full fence after the write: a reader of Driving after Set sees every output that passed Driving()
        // before it could see the gate closed (OutputRelease.Driving).
        Interlocked.Increment(ref _changes);
        Changed?.Invoke(open);
        return true;
    }
}

/// <summary>
/// One output registered with <see cref="OutputGate.Register"/>: it tells the gate when it drives its shared line
/// and when it has let go of it. Called from the output's own thread; each call is a field check unless the state
/// changes (no allocation).
/// </summary>
public sealed class OutputRelease : IDisposable
{
    private readonly OutputGate _gate;
    private int _driving;
    private int _disposed;

    internal OutputRelease(OutputGate gate, string name)
    {
        _gate = gate;
        Name = name;
    }

    /// <summary>The output's name (the device path), for the log.</summary>
    public string Name { get; }

    /// <summary>True between <see cref="Driving"/> and <see cref="Released"/>.</summary>
    public bool IsDriving => Volatile.Read(ref _driving) != 0;

    /// <summary>
    /// Before driving the line: counted as driving. Call it before the last look at <see cref="OutputGate.IsOpen"/>
    /// before a frame: the interlocked count and the gate's interlocked change order the two, so either the output
    /// sees the gate closed or the controller sees it driving.
    /// </summary>
    public void Driving()
    {
        if (Volatile.Read(ref _driving) == 0 && Volatile.Read(ref _disposed) == 0 && Interlocked.Exchange(ref _driving, 1) == 0)
        {
            _gate.AddDriving(1);
        }
    }

    /// <summary>The line is let go (the driver-enable pin is inactive): no longer counted.</summary>
    public void Released()
    {
        if (Volatile.Read(ref _driving) != 0 && Interlocked.Exchange(ref _driving, 0) != 0)
        {
            _gate.AddDriving(-1);
        }
    }

    /// <summary>Released and unregistered (the output stopped).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        Released();
        _gate.Unregister(this);
    }
}
