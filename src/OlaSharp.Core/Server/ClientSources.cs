// Licensed under the MIT License. See LICENSE in the repository root.
using System.Runtime.InteropServices;

namespace OlaSharp.Core.Server;

/// <summary>
/// One client's sources (<see cref="ServerCore.OpenClient"/>): an OLA RPC connection, a gRPC stream, the
/// HTTP API's shared client. One <see cref="DmxSource"/> per universe, created on first use with no timeout
/// (client sources count until the client goes); <see cref="Dispose"/> removes them all. A universe removed
/// from the registry drops its entry; a later send to a new universe of that id gets a new source.
/// </summary>
public sealed class ClientSources : IDisposable
{
    private readonly UniverseRegistry _universes;
    private readonly Dictionary<int, DmxSource> _sources = [];
    private readonly object _lock = new();
    private bool _disposed;

    internal ClientSources(UniverseRegistry universes, string name, string kind)
    {
        _universes = universes;
        Name = name ?? throw new ArgumentNullException(nameof(name));
        Kind = kind ?? throw new ArgumentNullException(nameof(kind));
        _universes.Removed += OnUniverseRemoved;
    }

    /// <summary>The name its sources carry.</summary>
    public string Name { get; }

    /// <summary>The protocol label its sources carry.</summary>
    public string Kind { get; }

    /// <summary>Sources held.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _sources.Count;
            }
        }
    }

    /// <summary>
    /// This client's source in <paramref name="universe"/>, created on first use (named
    /// <paramref name="name"/> if given, else <see cref="Name"/>). Allocates nothing once it exists.
    /// </summary>
    public DmxSource For(Universe universe, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(universe);
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            ref DmxSource? slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_sources, universe.Id, out _);
            if (slot is null || slot.IsRemoved || !ReferenceEquals(slot.Universe, universe))
            {
                slot = universe.AddSource(name ?? Name, Kind, Timeout.InfiniteTimeSpan);
            }

            return slot;
        }
    }

    /// <summary>Removes this client's source from universe <paramref name="universeId"/>; false when it had none.</summary>
    public bool Release(int universeId)
    {
        DmxSource? s;
        bool removed;
        lock (_lock)
        {
            removed = _sources.Remove(universeId, out s);
        }

        s?.Universe.RemoveSource(s);
        return removed;
    }

    /// <summary>Removes every source of this client (idempotent).</summary>
    public void Dispose()
    {
        DmxSource[] sources;
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            sources = [.. _sources.Values];
            _sources.Clear();
        }

        _universes.Removed -= OnUniverseRemoved;
        foreach (DmxSource s in sources)
        {
            s.Universe.RemoveSource(s);
        }
    }

    private void OnUniverseRemoved(Universe universe)
    {
        lock (_lock)
        {
            if (_sources.TryGetValue(universe.Id, out DmxSource? s) && ReferenceEquals(s.Universe, universe))
            {
                _sources.Remove(universe.Id);
            }
        }
    }
}
