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
        Interlocked.Increment(ref _changes);
        Changed?.Invoke(open);
        return true;
    }
}
