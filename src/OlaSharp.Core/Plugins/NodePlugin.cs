// Licensed under the MIT License. See LICENSE in the repository root.
using OlaSharp.Core.Stats;

namespace OlaSharp.Core.Plugins;

/// <summary>
/// A <see cref="DevicePlugin"/> whose device runs on a protocol node that owns the sockets (Art-Net, E1.31).
/// The counters live as long as the plugin, so <c>/metrics</c> keeps counting across a restart of it; the node
/// lives from <see cref="DevicePlugin.OpenDevice"/> (which hands it to <see cref="Run"/>) until
/// <see cref="CloseDevice"/> disposes it, after the device was unregistered (its ports unpatched).
/// </summary>
public abstract class NodePlugin : DevicePlugin, IProtocolCounterSource
{
    private ILogger? _logger;

    /// <summary>Creates the plugin (see <see cref="DevicePlugin"/>) with zeroed counters of <paramref name="counters"/>.</summary>
    protected NodePlugin(int id, string name, string confPrefix, CounterSchema counters)
        : base(id, name, confPrefix)
    {
        Counters = new CounterTable(counters);
    }

    /// <summary>The node's counters, shared by every node this plugin runs.</summary>
    protected CounterTable Counters { get; }

    /// <summary>The running node, null while stopped or when no device could be opened.</summary>
    protected IDisposable? Node { get; private set; }

    /// <summary>The plugin's own logger (category: the plugin's type), for what it says while opening its device.</summary>
    protected ILogger Logger => _logger ??= Context.LoggerFactory.CreateLogger(GetType());

    /// <summary>Keeps <paramref name="node"/>, started for <paramref name="device"/>, until the plugin stops; returns the device.</summary>
    protected Device Run(IDisposable node, Device device)
    {
        Node = node;
        return device;
    }

    /// <inheritdoc />
    protected override void CloseDevice()
    {
        Node?.Dispose();
        Node = null;
    }

    /// <inheritdoc />
    public void CollectCounters(ICollection<ProtocolCounter> into) => Counters.CollectCounters(into);
}
