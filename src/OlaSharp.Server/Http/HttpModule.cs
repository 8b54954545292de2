// Licensed under the MIT License. See LICENSE in the repository root.
using System.Text.Json;
using OlaSharp.Core.Security;
using OlaSharp.Http;
using OlaSharp.Uart.Setup;

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
        app.MapGet("/json/setup", () => SetupJsonAsync(runtime.ConfigDir));
        OlaHttpEndpoints.MapNotFound(app);
    }

    /// <summary>
    /// <c>GET /json/setup</c>: <c>olasharpd doctor</c>'s checks of this machine and the server's conf dir, for the
    /// web UI's setup page: <c>{"model", "boot_config", "checks": [{"id", "title", "outcome", "found", "fix"}], "ok"}</c>.
    /// Run off the request thread: it reads files and scans <c>/proc</c>.
    /// </summary>
    private static async Task<IResult> SetupJsonAsync(string configDir)
    {
        SetupReport report = await Task.Run(() => SetupDoctor.Run(new SetupOptions { ConfigDir = configDir, ServerPid = Environment.ProcessId })).ConfigureAwait(false);
        using var ms = new MemoryStream();
        using (var writer = new Utf8JsonWriter(ms, new JsonWriterOptions { Indented = true }))
        {
            SetupReportWriter.WriteJson(writer, report);
        }

        return Results.Text(ms.ToArray(), "application/json; charset=utf-8");
    }
}
