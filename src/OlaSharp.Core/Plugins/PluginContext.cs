// Licensed under the MIT License. See LICENSE in the repository root.

using OlaSharp.Core.Standby;

namespace OlaSharp.Core.Plugins;

/// <summary>What a plugin gets from the server.</summary>
public sealed class PluginContext
{
    /// <summary>Creates a context.</summary>
    public PluginContext(UniverseRegistry universes, RefreshScheduler clock, ConfStore conf, DeviceRegistry devices, ILoggerFactory loggerFactory, TimeProvider? time = null, string instanceName = "OLA Server")
    {
        Universes = universes ?? throw new ArgumentNullException(nameof(universes));
        Clock = clock ?? throw new ArgumentNullException(nameof(clock));
        Conf = conf ?? throw new ArgumentNullException(nameof(conf));
        Devices = devices ?? throw new ArgumentNullException(nameof(devices));
        LoggerFactory = loggerFactory ?? throw new ArgumentNullException(nameof(loggerFactory));
        Time = time ?? universes.Time;
        InstanceName = instanceName;
    }

    /// <summary>The universes.</summary>
    public UniverseRegistry Universes { get; }

    /// <summary>The refresh clock.</summary>
    public RefreshScheduler Clock { get; }

    /// <summary>The conf directory.</summary>
    public ConfStore Conf { get; }

    /// <summary>Device registration and the patch board.</summary>
    public DeviceRegistry Devices { get; }

    /// <summary>Logging.</summary>
    public ILoggerFactory LoggerFactory { get; }

    /// <summary>Time source.</summary>
    public TimeProvider Time { get; }

    /// <summary>The server's instance name (ola-server.conf <c>instance-name</c>).</summary>
    public string InstanceName { get; }

    /// <summary>Open while this server drives its outputs; closed while it is the standby of a hot-standby pair.</summary>
    public OutputGate Outputs { get; init; } = new();
}
