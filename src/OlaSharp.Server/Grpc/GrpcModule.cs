// Licensed under the MIT License. See LICENSE in the repository root.
using System.Globalization;
using Grpc.AspNetCore.Server;
using OlaSharp.Core.Conf;
using OlaSharp.Core.Security;
using OlaSharp.Grpc;
using OlaSharp.Http;

namespace OlaSharp.Server.Grpc;

/// <summary>
/// The gRPC API (package <c>olasharp.v1</c>, health checking, reflection) on <c>--grpc-port</c>
/// (default 50051), HTTP/2 without TLS, at <c>--bind</c> or 127.0.0.1. <c>ola-grpc.conf</c>:
/// <c>enabled</c> (default true), <c>auth_token</c> (empty: no token needed; it guards the HTTP API too),
/// <c>bind</c> and <c>port</c> (used when <c>--bind</c> and <c>--grpc-port</c> are not given); see
/// <see cref="Settings"/>, which the settings page (<c>conf=grpc</c>) shows and edits.
/// </summary>
internal sealed class GrpcModule : IServerModule
{
    /// <summary>Name of the listener in the ready line.</summary>
    public const string ListenerName = "grpc";

    private readonly string _configDir;
    private readonly ConfStore _store;
    private readonly ConfFile _conf;
    private ListenerSet? _listeners;

    // Read at start-up through ConfStore, before the runtime exists (it decides whether the listener exists);
    // a missing file means the defaults, an unreadable one is said in one line. Never written: olad has no
    // such file, and its defaults are what a missing key means.
    public GrpcModule(string configDir, ILogger? logger = null)
    {
        _configDir = configDir;
        _store = new ConfStore(configDir, logger);
        _conf = AuthTokens.Reload(_store);
        foreach (ConfSetting s in Settings.Settings)
        {
            string? value = _conf.Get(s.Key);
            if (value is not null && s.Check(value) is not null)
            {
                _conf.WarnInvalid(s.Key, value, s.Validator.Expected, s.Default.Length == 0 ? "the default" : ConfFile.Quote(s.Default));
            }
        }
    }

    /// <summary>The keys of <c>ola-grpc.conf</c>, for this reader and the settings page.</summary>
    public static ConfDescription Settings { get; } = new(
        BearerToken.ConfPrefix,
        [
            ConfDescriptions.Enabled(byDefault: true, "Run the gRPC API listener.") with { Policy = DefaultPolicy.CheckedOnUse, RestartNeeded = true },
            new ConfSetting
            {
                Key = BearerToken.ConfKey, Label = "Access token", Secret = true, Policy = DefaultPolicy.CheckedOnUse,
                Validator = new StringValidator(allowEmpty: true),
                Help = "When set, changes through gRPC and through this web UI need 'Authorization: Bearer <token>'; reads stay open. Applies at once. Never shown: type a new one to replace it.",
            },
            new ConfSetting
            {
                Key = "bind", Label = "Listen address", Kind = SettingKind.Ip, Policy = DefaultPolicy.CheckedOnUse, RestartNeeded = true,
                Validator = new IPv4Validator(allowEmpty: true),
                Help = "IPv4 address the gRPC listener binds (0.0.0.0: every interface). Empty: 127.0.0.1. The --bind flag wins over it.",
            },
            ConfDescriptions.Number("port", "Port", "TCP port of the gRPC listener (0: any free port). The --grpc-port flag wins over it (unless it gives the default, 50051).", 0, 65535, ServerOptions.DefaultGrpcPort.ToString(CultureInfo.InvariantCulture))
                with { Policy = DefaultPolicy.CheckedOnUse, RestartNeeded = true },
        ]);

    /// <summary>The settings page of <c>ola-grpc.conf</c> (<c>conf=grpc</c>): the token applies at once, the rest at the next start.</summary>
    public ConfSettingsPage SettingsPage => new()
    {
        Id = BearerToken.ConfPrefix,
        Name = "gRPC API",
        Description = Settings,
        Store = _store,
        Applied = file =>
        {
            AuthTokens.Set(BearerToken.FromConf(file));
            return PendingRestart(file);
        },
        PendingRestart = PendingRestart,
    };

    private IReadOnlyList<string> PendingRestart(ConfFile file) =>
        [.. Settings.Settings.Where(s => s.RestartNeeded && (Used(file, s.Key) ?? s.Default) != (Used(_conf, s.Key) ?? s.Default)).Select(s => s.Key)];

    // The value a key has for this reader: an invalid one counts as missing.
    private static string? Used(ConfFile file, string key)
    {
        string? value = file.Get(key);
        return value is not null && Settings.Find(key)!.Check(value) is null && value.Length != 0 ? value : null;
    }

    /// <summary>
    /// <c>auth_token</c>: guards the state-changing calls of gRPC and of the HTTP API (given to
    /// <c>HttpModule</c>), also when the gRPC listener is off. Re-read from <c>ola-grpc.conf</c> on each reload.
    /// </summary>
    public BearerTokenSource AuthTokens { get; } = new();

    /// <summary>True when the gRPC listener will run.</summary>
    public bool Enabled => _conf.GetBool("enabled", true);

    /// <summary>The listener's address: <c>--bind</c>, else <c>bind</c>, else 127.0.0.1.</summary>
    public IPAddress BindAddress(ServerOptions options) =>
        options?.Bind ?? (Used(_conf, "bind") is string bind ? IPAddress.Parse(bind) : IPAddress.Loopback);

    /// <summary>The listener's port: <c>--grpc-port</c> unless it is the default, else <c>port</c>, else 50051.</summary>
    public int Port(ServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.GrpcPort == ServerOptions.DefaultGrpcPort && _conf.GetInt("port") is int port && Used(_conf, "port") is not null ? port : options.GrpcPort;
    }

    public void ConfigureServices(IServiceCollection services, ServerOptions options)
    {
        if (!Enabled)
        {
            return;
        }

        services.AddOlaSharpGrpc(sp => sp.GetRequiredService<OlaServerRuntime>().Core, new GrpcApiOptions { AuthTokens = AuthTokens });
    }

    public void ConfigureKestrel(KestrelServerOptions kestrel, ServerOptions options, ListenerSet listeners)
    {
        _listeners = listeners;
        if (Enabled)
        {
            listeners.Listen(kestrel, ListenerName, BindAddress(options), Port(options), lo => lo.Protocols = HttpProtocols.Http2);
        }
    }

    public void Map(WebApplication app, OlaServerRuntime runtime)
    {
        ArgumentNullException.ThrowIfNull(runtime);

        // A changed auth_token applies on reload (HTTP's guard and the interceptor read it per request);
        // enabled and the listener stay as started, as olad's ports do.
        runtime.OnReload(() => AuthTokens.Reload(runtime.Conf));
        if (!Enabled)
        {
            return;
        }

        app.MapOlaSharpGrpc();

        // Registered now rather than on the first call, so /metrics shows the gRPC counters from the start.
        runtime.Counters.Register(OlaSharpGrpc.GetCounters(app.Services));

        // One app serves every listener: keep gRPC methods on the gRPC port and the HTTP API off it,
        // so opening gRPC to the LAN does not open the HTTP API there too (and the reverse).
        app.Use((ctx, next) =>
        {
            int? grpcPort = _listeners?.PortOf(ListenerName);
            bool isGrpcMethod = ctx.GetEndpoint()?.Metadata.GetMetadata<GrpcMethodMetadata>() is not null;
            if (grpcPort is int port && (ctx.Connection.LocalPort == port) != isGrpcMethod)
            {
                ctx.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            }

            return next(ctx);
        });
    }

    public override string ToString() => $"gRPC ({_configDir})";
}
