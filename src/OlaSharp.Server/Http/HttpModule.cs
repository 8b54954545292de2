// Licensed under the MIT License. See LICENSE in the repository root.
using OlaSharp.Core.Security;
using OlaSharp.Http;

namespace OlaSharp.Server.Http;

/// <summary>
/// OLA's HTTP API on <c>--http-port</c> (default 9090), all interfaces like olad unless <c>--bind</c>;
/// <paramref name="authTokens"/> (<c>auth_token</c> in <c>ola-grpc.conf</c>, re-read on reload) guards its state-changing endpoints.
/// </summary>
internal sealed class HttpModule(BearerTokenSource authTokens, ConfSettingsPage? grpcSettings = null) : IServerModule
{
    public void ConfigureServices(IServiceCollection services, ServerOptions options)
    {
    }

    public void ConfigureKestrel(KestrelServerOptions kestrel, ServerOptions options, ListenerSet listeners)
    {
        if (!options.NoHttp)
        {
            listeners.Listen(kestrel, "http", options.Bind ?? IPAddress.Any, options.HttpPort, lo => lo.Protocols = HttpProtocols.Http1);
        }
    }

    public void Map(WebApplication app, OlaServerRuntime runtime)
    {
        ServerOptions options = app.Services.GetRequiredService<ServerOptions>();
        if (options.NoHttp)
        {
            return;
        }

        OlaHttpEndpoints.Map(app, new OlaHttpHost
        {
            Core = runtime.Core,
            ConfigDir = runtime.ConfigDir,
            InstanceName = runtime.InstanceName,
            StartedAt = runtime.StartedAt,
            QuitEnabled = options.HttpQuit,
            Quit = app.Lifetime.StopApplication,
            ClockStatistics = runtime.Clock.Statistics,
            Counters = runtime.Counters,
            AuthTokens = authTokens,
            SettingsPages = grpcSettings is null ? [] : [grpcSettings],
        });
        OlaHttpEndpoints.MapNotFound(app);
    }
}
