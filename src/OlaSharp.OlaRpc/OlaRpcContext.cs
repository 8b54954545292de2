// Licensed under the MIT License. See LICENSE in the repository root.
using OlaSharp.Core;
using OlaSharp.Core.Plugins;

namespace OlaSharp.OlaRpc;

/// <summary>What the OLA RPC service works on: the server's universes, devices and plugins.</summary>
public sealed class OlaRpcContext
{
    /// <summary>Creates the context.</summary>
    /// <param name="universes">The universes.</param>
    /// <param name="devices">Devices and the patch board (patches persist to ola-port.conf).</param>
    /// <param name="plugins">The plugins.</param>
    /// <param name="preferencesSource">The conf file a plugin reads (PluginStateReply.preferences_source).</param>
    /// <param name="reloadAsync">Reloads the plugins (ReloadPlugins, like SIGHUP).</param>
    public OlaRpcContext(UniverseRegistry universes, DeviceRegistry devices, PluginManager plugins, Func<Plugin, string> preferencesSource, Func<CancellationToken, Task> reloadAsync)
    {
        Universes = universes ?? throw new ArgumentNullException(nameof(universes));
        Devices = devices ?? throw new ArgumentNullException(nameof(devices));
        Plugins = plugins ?? throw new ArgumentNullException(nameof(plugins));
        PreferencesSource = preferencesSource ?? throw new ArgumentNullException(nameof(preferencesSource));
        ReloadAsync = reloadAsync ?? throw new ArgumentNullException(nameof(reloadAsync));
    }

    /// <summary>The universes.</summary>
    public UniverseRegistry Universes { get; }

    /// <summary>Devices and the patch board.</summary>
    public DeviceRegistry Devices { get; }

    /// <summary>The plugins.</summary>
    public PluginManager Plugins { get; }

    /// <summary>The conf file a plugin reads.</summary>
    public Func<Plugin, string> PreferencesSource { get; }

    /// <summary>Reloads the plugins.</summary>
    public Func<CancellationToken, Task> ReloadAsync { get; }
}
