// Licensed under the MIT License. See LICENSE in the repository root.
using OlaSharp.ArtNet;
using OlaSharp.Core;
using OlaSharp.Core.Clock;
using OlaSharp.Core.Conf;
using OlaSharp.Core.Plugins;
using OlaSharp.Core.Plugins.Dummy;
using OlaSharp.Core.Server;
using OlaSharp.Core.Stats;
using OlaSharp.Sacn;
using OlaSharp.Uart;

namespace OlaSharp.Server;

/// <summary>
/// The server's core, composed from the conf directory: universes, the refresh clock, source expiry,
/// devices and patches, and the plugins. Started and stopped by the host.
/// </summary>
internal sealed partial class OlaServerRuntime : IHostedService, IDisposable
{
    public const string ServerConfPrefix = "server";

    private readonly ILogger _logger;
    private readonly List<Action> _reloadHooks = [];

    public OlaServerRuntime(ServerOptions options, string configDir, ILoggerFactory loggerFactory, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        Time = time ?? TimeProvider.System;
        _logger = loggerFactory.CreateLogger<OlaServerRuntime>();
        ConfigDir = configDir;
        Conf = new ConfStore(configDir, loggerFactory.CreateLogger<ConfStore>());
        Conf.EnsureDirectory();

        ServerConf = Conf.Load(ServerConfPrefix);
        bool changed = ServerConf.SetDefaultValue("instance-name", new StringValidator(), "OLA Server");
        LossPolicy loss = LossPolicy.Hold;
        string? lossText = ServerConf.Get("universe_loss_policy");
        if (lossText is not null && !MergeModeText.TryParseLossPolicy(lossText, out loss))
        {
            ServerConf.WarnInvalid("universe_loss_policy", lossText, "hold, blackout or full", "hold");
        }

        if (options.LossPolicy is LossPolicy fromFlag)
        {
            loss = fromFlag;
        }

        if (changed)
        {
            Conf.TrySave(ServerConfPrefix, ServerConf);
        }

        InstanceName = ServerConf.Get("instance-name") ?? "OLA Server";
        Universes = new UniverseRegistry(Time, loss, loggerFactory.CreateLogger<UniverseRegistry>());
        UniverseSettings = new UniverseSettingsStore(Universes, Conf);
        Clock = new RefreshScheduler(Time, loggerFactory.CreateLogger<RefreshScheduler>());
        Expiry = new SourceExpiryMonitor(Universes, Time);
        Expiry.UniverseCollected += id => Log.UniverseCollected(_logger, id);
        Devices = new DeviceRegistry(Universes, Clock, Conf, loggerFactory.CreateLogger<DeviceRegistry>());
        Context = new PluginContext(Universes, Clock, Conf, Devices, loggerFactory, Time, InstanceName);
        Plugins = new PluginManager(CreatePlugins(), Context);
        Core = new ServerCore(Universes, Devices, Plugins, Conf, ReloadAsync, Time);
        foreach (IProtocolCounterSource counted in Plugins.Plugins.OfType<IProtocolCounterSource>())
        {
            Counters.Register(counted);
        }

        StartedAt = DateTimeOffset.Now;
    }

    public string ConfigDir { get; }

    public ConfStore Conf { get; }

    public ConfFile ServerConf { get; }

    public string InstanceName { get; }

    public TimeProvider Time { get; }

    public UniverseRegistry Universes { get; }

    public UniverseSettingsStore UniverseSettings { get; }

    public RefreshScheduler Clock { get; }

    public SourceExpiryMonitor Expiry { get; }

    public DeviceRegistry Devices { get; }

    public PluginContext Context { get; }

    public PluginManager Plugins { get; }

    /// <summary>What the front ends (HTTP, OLA RPC, gRPC) adapt: one context for all three.</summary>
    public ServerCore Core { get; }

    /// <summary>Protocol counters of the plugins and client APIs, for <c>/metrics</c>.</summary>
    public ProtocolCounterRegistry Counters { get; } = new();

    public DateTimeOffset StartedAt { get; }

    /// <summary>The plugins this build ships; later plugins (Art-Net, sACN, UART...) are added here.</summary>
    public static IEnumerable<Plugin> CreatePlugins() => [new DummyPlugin(), new ArtNetPlugin(), new SacnPlugin(), new UartDmxPlugin()];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        Clock.Start();
        Expiry.Start();
        await Plugins.StartAllAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await Plugins.StopAllAsync(cancellationToken).ConfigureAwait(false);
        Expiry.Dispose();
        Clock.Stop();
    }

    public async Task ReloadAsync(CancellationToken cancellationToken)
    {
        Log.Reloading(_logger);
        await Plugins.ReloadAsync(cancellationToken).ConfigureAwait(false);
        Action[] hooks;
        lock (_reloadHooks)
        {
            hooks = [.. _reloadHooks];
        }

        foreach (Action hook in hooks)
        {
            hook();
        }
    }

    /// <summary>Adds work done on each reload (SIGHUP, <c>/reload</c>, ReloadPlugins), after the plugins restarted.</summary>
    public void OnReload(Action hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        lock (_reloadHooks)
        {
            _reloadHooks.Add(hook);
        }
    }

    public void Dispose()
    {
        Expiry.Dispose();
        Clock.Dispose();
        UniverseSettings.Dispose();
    }
}
