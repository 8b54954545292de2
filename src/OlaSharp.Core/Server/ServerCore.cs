// Licensed under the MIT License. See LICENSE in the repository root.
using System.Diagnostics.CodeAnalysis;
using OlaSharp.Core.Plugins;
using OlaSharp.Core.Standby;

namespace OlaSharp.Core.Server;

/// <summary>
/// The server as its front ends (HTTP, OLA RPC, gRPC) see it: universes, the patch board, plugins and the
/// rules olad applies to them, in one place. The front ends adapt it thinly: they parse their wire format,
/// call one method here and map its result to their own reply or error form.
/// </summary>
public sealed class ServerCore
{
    private readonly PluginManager? _plugins;
    private readonly Func<CancellationToken, Task>? _reloadAsync;

    /// <summary>Creates the core over the server's registries.</summary>
    /// <param name="universes">The universes.</param>
    /// <param name="devices">Devices and the patch board (patches persist to <c>ola-port.conf</c>).</param>
    /// <param name="plugins">The plugins, if the front ends list or switch them.</param>
    /// <param name="conf">The conf store, for the file a plugin reads (<c>preferences_source</c>).</param>
    /// <param name="reloadAsync">Reloads the server (SIGHUP); without it, the plugins are reloaded.</param>
    /// <param name="time">Time source for timestamps and watchers; the universes' by default.</param>
    public ServerCore(UniverseRegistry universes, DeviceRegistry devices, PluginManager? plugins = null, ConfStore? conf = null, Func<CancellationToken, Task>? reloadAsync = null, TimeProvider? time = null)
    {
        Universes = universes ?? throw new ArgumentNullException(nameof(universes));
        Devices = devices ?? throw new ArgumentNullException(nameof(devices));
        _plugins = plugins;
        Conf = conf;
        _reloadAsync = reloadAsync;
        Time = time ?? universes.Time;
    }

    /// <summary>The universes.</summary>
    public UniverseRegistry Universes { get; }

    /// <summary>Devices and the patch board.</summary>
    public DeviceRegistry Devices { get; }

    /// <summary>The plugins (throws when the core was made without them).</summary>
    public PluginManager Plugins => _plugins ?? throw new InvalidOperationException("This server core has no plugin manager.");

    /// <summary>The conf store, if any.</summary>
    public ConfStore? Conf { get; }

    /// <summary>Time source for timestamps and the watchers' refresh clock.</summary>
    public TimeProvider Time { get; }

    /// <summary>The hot-standby state and the manual switch-over; a standalone controller unless a partner is configured.</summary>
    public IStandbyController Standby { get; init; } = new StandaloneController(DateTimeOffset.Now);

    /// <summary>Reloads the server as SIGHUP does (HTTP <c>/reload</c>, RPC ReloadPlugins).</summary>
    public Task ReloadAsync(CancellationToken cancellationToken) =>
        _reloadAsync is not null ? _reloadAsync(cancellationToken) : Plugins.ReloadAsync(cancellationToken);

    /// <summary>The conf file <paramref name="plugin"/> reads (OLA's <c>preferences_source</c>).</summary>
    public string PreferencesSource(Plugin plugin)
    {
        ArgumentNullException.ThrowIfNull(plugin);
        return Conf?.PathFor(plugin.ConfPrefix) ?? string.Empty;
    }

    /// <summary>Finds a port by device alias, direction and index, saying which of the two is missing.</summary>
    public PortLookup FindPort(int deviceAlias, bool isOutput, int index, [NotNullWhen(true)] out Port? port)
    {
        port = null;
        Device? device = Devices.FindByAlias(deviceAlias);
        if (device is null)
        {
            return PortLookup.NoDevice;
        }

        port = device.FindPort(isOutput, index);
        return port is null ? PortLookup.NoPort : PortLookup.Found;
    }

    /// <summary>Finds a port by its id (<c>plugin-device-I|O-index</c>); null when there is none.</summary>
    public Port? FindPort(string portId) => string.IsNullOrEmpty(portId) ? null : Devices.FindPort(portId);

    /// <summary>
    /// Patches <paramref name="port"/> to <paramref name="universe"/> under the device's rules (multi-port
    /// patching, looping), creating the universe; <paramref name="error"/> is olad's text when refused.
    /// </summary>
    public bool TryPatch(Port port, int universe, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(port);
        if (Devices.TryPatch(port, universe, out error))
        {
            error = null;
            return true;
        }

        error ??= DeviceRegistry.PatchFailed;
        return false;
    }

    /// <summary>
    /// Unpatches <paramref name="port"/>; with <paramref name="fromUniverse"/>, only when it is patched there
    /// (HTTP's <c>remove_ports</c>). False when nothing was unpatched.
    /// </summary>
    public bool Unpatch(Port port, int? fromUniverse = null)
    {
        ArgumentNullException.ThrowIfNull(port);
        if (fromUniverse is int id && port.Universe?.Id != id)
        {
            return false;
        }

        return Devices.Unpatch(port);
    }

    /// <summary>
    /// olad's candidate ports: the unpatched ports that could be patched (to <paramref name="universe"/>, if
    /// given) without breaking their device's rules: no second port of a direction on the universe unless the
    /// device allows multi-port patching, no input and output on it unless it allows looping. With
    /// <paramref name="firstPerDirection"/> (olad's HTTP <c>get_ports</c>), a device without multi-port
    /// patching offers only its first free port of each direction. Device order, then port order.
    /// </summary>
    public IReadOnlyList<Port> CandidatePorts(int? universe, bool firstPerDirection = false)
    {
        var free = new List<Port>();
        foreach (Device d in Devices.Devices)
        {
            bool inputOnUniverse = universe is int u1 && d.InputPorts.Any(p => p.Universe?.Id == u1);
            bool outputOnUniverse = universe is int u2 && d.OutputPorts.Any(p => p.Universe?.Id == u2);
            bool inputListed = false;
            bool outputListed = false;
            foreach (Port p in d.Ports)
            {
                if (p.Universe is not null)
                {
                    continue;
                }

                bool sameDirection = p.IsOutput ? outputOnUniverse : inputOnUniverse;
                bool otherDirection = p.IsOutput ? inputOnUniverse : outputOnUniverse;
                if ((sameDirection && !d.AllowMultiPortPatching) || (otherDirection && !d.AllowLooping))
                {
                    continue;
                }

                ref bool listed = ref p.IsOutput ? ref outputListed : ref inputListed;
                if (firstPerDirection && listed && !d.AllowMultiPortPatching)
                {
                    continue;
                }

                listed = true;
                free.Add(p);
            }
        }

        return free;
    }

    /// <summary>Renames universe <paramref name="id"/> (an empty name gives OLA's default); false when it does not exist.</summary>
    public bool TrySetUniverseName(int id, string name, [NotNullWhen(true)] out Universe? universe)
    {
        if (!Universes.TryGet(id, out universe))
        {
            return false;
        }

        universe.Name = name;
        return true;
    }

    /// <summary>Sets universe <paramref name="id"/>'s merge mode (re-merges at once); false when it does not exist.</summary>
    public bool TrySetMergeMode(int id, MergeMode mode, [NotNullWhen(true)] out Universe? universe)
    {
        if (!Universes.TryGet(id, out universe))
        {
            return false;
        }

        universe.MergeMode = mode;
        return true;
    }

    /// <summary>
    /// Sets universe <paramref name="id"/>'s failsafe (persisted to <c>ola-universe.conf</c>); the result says
    /// why when refused (no universe, a bad After, a scene mode without a known scene).
    /// </summary>
    public FailsafeResult SetFailsafe(int id, FailsafeSettings settings) =>
        Universes.TryGet(id, out Universe? u) ? u.SetFailsafe(settings) : NoUniverse(id);

    /// <summary>Captures universe <paramref name="id"/>'s current merged frame as scene <paramref name="name"/>.</summary>
    public FailsafeResult CaptureScene(int id, string name) =>
        Universes.TryGet(id, out Universe? u) ? u.CaptureScene(name) : NoUniverse(id);

    /// <summary>Deletes a scene; refused while it is the universe's failsafe or startup scene.</summary>
    public FailsafeResult DeleteScene(int id, string name) =>
        Universes.TryGet(id, out Universe? u) ? u.DeleteScene(name) : NoUniverse(id);

    /// <summary>Sets universe <paramref name="id"/>'s startup scene; an empty name clears it.</summary>
    public FailsafeResult SetStartupScene(int id, string? name) =>
        Universes.TryGet(id, out Universe? u) ? u.SetStartupScene(name) : NoUniverse(id);

    private static FailsafeResult NoUniverse(int id) =>
        new(FailsafeError.UniverseNotFound, $"universe {id} does not exist");

    /// <summary>
    /// A client's sources: one <see cref="DmxSource"/> per universe it sends to, named
    /// <paramref name="name"/> and labelled <paramref name="kind"/>, with no timeout; all removed when the
    /// returned object is disposed (the client disconnected).
    /// </summary>
    public ClientSources OpenClient(string name, string kind) => new(Universes, name, kind);

    /// <summary>
    /// Calls <paramref name="handler"/> after each update of <paramref name="universe"/> until the returned
    /// handle is disposed. With <paramref name="asSink"/> the subscriber counts as a sink (OLA's registered
    /// client), which keeps the universe from being collected. The handler runs on the producer's thread:
    /// see <see cref="Universe.Updated"/> for what it may do.
    /// </summary>
    public static UniverseSubscription Subscribe(Universe universe, UniverseUpdatedHandler handler, bool asSink = true) =>
        new(universe, handler, asSink);
}
