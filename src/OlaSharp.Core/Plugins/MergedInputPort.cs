// Licensed under the MIT License. See LICENSE in the repository root.
namespace OlaSharp.Core.Plugins;

/// <summary>
/// An input port that merges its protocol's senders itself (sACN's CIDs, Art-Net's two senders) and feeds
/// the universe as one source. The senders' state lives under <see cref="StateLock"/>; the merge result goes
/// to the universe after that lock is released, so <see cref="Universe.Updated"/> handlers (which run on the
/// caller's thread) never run under it.
/// <para>
/// Publishing is serialized without holding a lock: a change marks the port dirty under
/// <see cref="StateLock"/> (<see cref="RequestPublishLocked"/>); <see cref="Flush"/>, called after releasing
/// it, lets one thread at a time become the publisher, which merges the latest state (under the lock) and
/// updates the universe (outside it) until nothing is dirty. A thread that finds a publisher at work leaves
/// its change to it, so updates are never reordered and the last state is never lost; no thread waits on
/// another's publishing. Patch and unpatch bump a generation (under the lock), so a publish already under
/// way for the old universe cannot leave a source behind. Allocation-free per publish.
/// </para>
/// Lock order: <see cref="StateLock"/> is a leaf: nothing else is locked while it is held.
/// </summary>
public abstract class MergedInputPort : InputPort
{
    private readonly byte[] _levels = new byte[DmxFrame.MaxSlots];
    private readonly byte[] _slotPriorities = new byte[DmxFrame.MaxSlots];
    private int _publishing;
    private volatile bool _dirty;
    private int _generation;
    private DmxSource? _source;

    /// <summary>Creates the port.</summary>
    protected MergedInputPort(Device device, int index, string description)
        : base(device, index, description)
    {
    }

    /// <summary>Guards the senders' state; hold it only for short, non-blocking work.</summary>
    protected object StateLock { get; } = new();

    /// <summary>
    /// Merges the senders (under <see cref="StateLock"/>, only ever by the one publisher) into
    /// <paramref name="levels"/> and, for a per-slot merge, <paramref name="slotPriorities"/>.
    /// Returns the frame length; 0 = nothing to source (the port's source leaves the universe).
    /// </summary>
    /// <param name="levels">512 bytes for the merged levels.</param>
    /// <param name="slotPriorities">512 bytes for per-slot priorities.</param>
    /// <param name="priority">The source's priority (before <see cref="InputPort.EffectivePriority"/>), or null for none.</param>
    /// <param name="perSlot">True when <paramref name="slotPriorities"/> holds the frame's per-slot priorities.</param>
    protected abstract int MergeLocked(Span<byte> levels, Span<byte> slotPriorities, out int? priority, out bool perSlot);

    /// <summary>Marks the state changed; the caller holds <see cref="StateLock"/> and calls <see cref="Flush"/> after releasing it.</summary>
    protected void RequestPublishLocked() => _dirty = true;

    /// <summary>
    /// Forgets the universe source and any pending publish (on patch and unpatch, under <see cref="StateLock"/>);
    /// a publish already under way for the old universe removes what it made.
    /// </summary>
    protected void ResetPublishLocked()
    {
        _generation++;
        _dirty = false;
        _source = null;
    }

    /// <summary>Publishes pending changes (never call it while holding <see cref="StateLock"/>).</summary>
    protected void Flush()
    {
        while (_dirty)
        {
            if (Interlocked.CompareExchange(ref _publishing, 1, 0) != 0)
            {
                // The publisher at work re-checks _dirty after it stops, so it picks this change up.
                return;
            }

            try
            {
                PublishWhileDirty();
            }
            finally
            {
                // A full fence: a change marked after the publisher's last look is seen by the loop test.
                Interlocked.Exchange(ref _publishing, 0);
            }
        }
    }

    private void PublishWhileDirty()
    {
        while (true)
        {
            int length;
            int? priority;
            bool perSlot;
            int generation;
            DmxSource? source;
            lock (StateLock)
            {
                if (!_dirty)
                {
                    return;
                }

                _dirty = false;
                length = MergeLocked(_levels, _slotPriorities, out priority, out perSlot);
                generation = _generation;
                source = _source;
                if (length == 0)
                {
                    _source = null;
                }
            }

            if (length == 0)
            {
                // Nobody sources anything: the port leaves the universe, which re-merges its other sources
                // or holds its frame (olad keeps the universe's last data too).
                if (source is not null)
                {
                    RemoveSource(source);
                }

                continue;
            }

            if (source is null || source.IsRemoved)
            {
                // The port owns its senders' expiry and leaves the universe when none is left, so the
                // universe source itself never times out.
                source = CreateSource(Id, Timeout.InfiniteTimeSpan);
                if (source is null)
                {
                    continue;
                }

                bool stale;
                lock (StateLock)
                {
                    stale = generation != _generation;
                    if (!stale)
                    {
                        _source = source;
                    }
                }

                if (stale)
                {
                    // Patched or unpatched meanwhile: this source belongs to a universe the port has left.
                    RemoveSource(source);
                    continue;
                }
            }

            // A source removed by an unpatch meanwhile ignores the update.
            source.Universe.Update(source, _levels.AsSpan(0, length), EffectivePriority(priority), _slotPriorities.AsSpan(0, perSlot ? length : 0), perSlot);
        }
    }
}
