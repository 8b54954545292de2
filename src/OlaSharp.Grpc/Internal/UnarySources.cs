// Licensed under the MIT License. See LICENSE in the repository root.
using System.Collections.Concurrent;
using OlaSharp.Core;

namespace OlaSharp.Grpc.Internal;

/// <summary>
/// The sources SetFrame creates, one per (universe, name). Like OLA's HTTP set_dmx source they have no
/// timeout; they go with their universe or on ReleaseSource.
/// </summary>
internal sealed class UnarySources
{
    private readonly ConcurrentDictionary<(int Universe, string Name), DmxSource> _sources = new();
    private readonly object _createLock = new();

    public UnarySources(GrpcCore core)
    {
        ArgumentNullException.ThrowIfNull(core);
        core.Universes.Removed += u =>
        {
            foreach ((int Universe, string Name) key in _sources.Keys)
            {
                if (key.Universe == u.Id)
                {
                    _sources.TryRemove(key, out _);
                }
            }
        };
    }

    public int Count => _sources.Count;

    public DmxSource GetOrAdd(Universe universe, string name)
    {
        var key = (universe.Id, name);
        if (_sources.TryGetValue(key, out DmxSource? s) && !s.IsRemoved && ReferenceEquals(s.Universe, universe))
        {
            return s;
        }

        lock (_createLock)
        {
            if (_sources.TryGetValue(key, out s) && !s.IsRemoved && ReferenceEquals(s.Universe, universe))
            {
                return s;
            }

            s = universe.AddSource(name, "grpc", Timeout.InfiniteTimeSpan);
            _sources[key] = s;
            return s;
        }
    }

    public bool Release(int universe, string name)
    {
        if (!_sources.TryRemove((universe, name), out DmxSource? s))
        {
            return false;
        }

        s.Universe.RemoveSource(s);
        return true;
    }
}
