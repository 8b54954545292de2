// Licensed under the MIT License. See LICENSE in the repository root.
using OlaSharp.ArtNet;
using OlaSharp.Core;
using OlaSharp.Core.Clock;
using OlaSharp.Core.Conf;
using OlaSharp.Core.Plugins;
using OlaSharp.Core.Plugins.Dummy;
using OlaSharp.Core.Server;
using OlaSharp.Core.Standby;
using OlaSharp.Core.Stats;
using OlaSharp.Sacn;
using OlaSharp.Standby;
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
        Outputs = new OutputGate();
        Standby = CreateStandby(Conf, Outputs, Time, loggerFactory);
        Clock = new RefreshScheduler(Time, loggerFactory.CreateLogger<RefreshScheduler>(), Outputs);
        Expiry = new SourceExpiryMonitor(Universes, Time);
        Expiry.UniverseCollected += id => Log.UniverseCollected(_logger, id);
        Devices = new DeviceRegistry(Universes, Clock, Conf, loggerFactory.CreateLogger<DeviceRegistry>());
        Context = new PluginContext(Universes, Clock, Conf, Devices, loggerFactory, Time, InstanceName) { Outputs = Outputs };
        Plugins = new PluginManager(CreatePlugins(), Context);
        Core = new ServerCore(Universes, Devices, Plugins, Conf, ReloadAsync, Time) { Standby = Standby };
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

    /// <summary>Open while this server drives its outputs (always, without a standby partner).</summary>
    public OutputGate Outputs { get; }

    /// <summary>The hot-standby controller: <see cref="StandbyController"/> with a partner in <c>ola-standby.conf</c>, else standalone.</summary>
    public IStandbyController Standby { get; }

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
        (Standby as StandbyController)?.Start();
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // A graceful stop of the active server hands the outputs over at once (a kill leaves it to the take-over time).
        (Standby as StandbyController)?.YieldForShutdown();
        await Plugins.StopAllAsync(cancellationToken).ConfigureAwait(false);

        // The outputs have stopped (the UART lines let go): the yield's released flag goes out before the socket closes.
        (Standby as StandbyController)?.WaitForRelease(StandbyController.ReleaseWait);
        (Standby as StandbyController)?.Dispose();
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
        (Standby as StandbyController)?.Dispose();
        Expiry.Dispose();
        Clock.Dispose();
        UniverseSettings.Dispose();
    }

    // ola-standby.conf: without enabled = true and a partner, the standalone controller (gate always open, no
    // socket). The node's id is the sACN CID (ola-e131.conf), so partner = CID names the same id the sACN
    // plugin sends; a missing one is generated and saved there first, as the plugin itself would.
    private static IStandbyController CreateStandby(ConfStore conf, OutputGate gate, TimeProvider time, ILoggerFactory loggerFactory)
    {
        ConfFile file = conf.Load(StandbyConf.Prefix);
        ConfFile e131 = conf.Load("e131");
        string? sacnCid = e131.Get("cid");
        bool enabled = file.GetBool(ConfDescriptions.EnabledKey, false);
        if (enabled && !StandbySettings.TryParseCid(sacnCid, out _))
        {
            sacnCid = StandbySettings.FormatCid(BinaryPrimitivesCid());
            e131.Set("cid", sacnCid);
            conf.TrySave("e131", e131);
        }

        StandbySettings settings = StandbyConf.Read(file, enabled ? sacnCid : null, out bool changed);
        if (changed)
        {
            conf.TrySave(StandbyConf.Prefix, file);
        }

        return settings.Enabled
            ? new StandbyController(settings, gate, time, loggerFactory.CreateLogger<StandbyController>())
            : new StandaloneController(DateTimeOffset.Now);
    }

    private static UInt128 BinaryPrimitivesCid() =>
        System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian(Guid.NewGuid().ToByteArray(bigEndian: true));
}
