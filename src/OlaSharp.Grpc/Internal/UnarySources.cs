// Licensed under the MIT License. See LICENSE in the repository root.
using System.Collections.Concurrent;
using OlaSharp.Core;

namespace OlaSharp.Grpc.Internal;

/// <summary>
/// The sources SetFrame creates: one client (<see cref="ClientSources"/>) per source name, one source per
/// universe. Like OLA's HTTP set_dmx source they have no timeout; they go with their universe or on
/// ReleaseSource.
/// </summary>
internal sealed class UnarySources(ServerCore core)
{
    private readonly ConcurrentDictionary<string, ClientSources> _clients = new(StringComparer.Ordinal);

    public DmxSource GetOrAdd(Universe universe, string name) =>
        _clients.GetOrAdd(name, static (n, c) => c.OpenClient(n, "grpc"), core).For(universe);

    public bool Release(int universe, string name) => _clients.TryGetValue(name, out ClientSources? client) && client.Release(universe);
}
