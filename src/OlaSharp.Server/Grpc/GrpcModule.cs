// Licensed under the MIT License. See LICENSE in the repository root.
using Grpc.AspNetCore.Server;
using OlaSharp.Core.Conf;
using OlaSharp.Core.Security;
using OlaSharp.Grpc;

namespace OlaSharp.Server.Grpc;

/// <summary>
/// The gRPC API (package <c>olasharp.v1</c>, health checking, reflection) on <c>--grpc-port</c>
/// (default 50051), HTTP/2 without TLS, at <c>--bind</c> or 127.0.0.1. <c>ola-grpc.conf</c>:
/// <c>enabled</c> (default true) and <c>auth_token</c> (empty: no token needed; it guards the HTTP API too).
/// </summary>
internal sealed class GrpcModule : IServerModule
{
    /// <summary>Name of the listener in the ready line.</summary>
    public const string ListenerName = "grpc";

    private readonly string _configDir;
    private readonly ConfFile _conf;
    private ListenerSet? _listeners;

    // Read at start-up through ConfStore, before the runtime exists (it decides whether the listener exists);
    // a missing file means the defaults, an unreadable one is said in one line. Never written: olad has no
    // such file, and its defaults are what a missing key means.
    public GrpcModule(string configDir, ILogger? logger = null)
    {
        _configDir = configDir;
        _conf = AuthTokens.Reload(new ConfStore(configDir, logger));
        string? enabled = _conf.Get("enabled");
        if (enabled is not null && !BoolValidator.Instance.IsValid(enabled))
        {
            _conf.WarnInvalid("enabled", enabled, BoolValidator.Instance.Expected, "'true'");
        }
    }

    /// <summary>
    /// <c>auth_token</c>: guards the state-changing calls of gRPC and of the HTTP API (given to
    /// <c>HttpModule</c>), also when the gRPC listener is off. Re-read from <c>ola-grpc.conf</c> on each reload.
    /// </summary>
    public BearerTokenSource AuthTokens { get; } = new();

    /// <summary>True when the gRPC listener will run.</summary>
    public bool Enabled => _conf.GetBool("enabled", true);

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
            listeners.Listen(kestrel, ListenerName, options.Bind ?? IPAddress.Loopback, options.GrpcPort, lo => lo.Protocols = HttpProtocols.Http2);
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
