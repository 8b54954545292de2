// Licensed under the MIT License. See LICENSE in the repository root.
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using OlaSharp.Http.Internal;

namespace OlaSharp.Http;

/// <summary>
/// OLA's HTTP API (shared/ola-behaviour.md section 7) and the web UI. JSON is sent as <c>text/plain</c>
/// with sorted keys and a 2-space indent, as olad does. Deliberate differences from olad 0.10.9: a POST
/// without a form Content-Type gets a 400 with a message (olad drops the connection); a form body that
/// cannot be read (broken chunking, cut short, over 1 MiB, bad percent-encoding or UTF-8) gets a 400 with
/// the reason; names over 100 characters are kept whole; <c>/quit</c> is off unless enabled; requests that
/// change state are refused (403) when they come from a page of another site, and need the bearer token
/// when <c>auth_token</c> is set (401), see <see cref="RequestGuard"/>.
/// </summary>
public static class OlaHttpEndpoints
{
    private static readonly Dictionary<string, string> s_usage = new(StringComparer.Ordinal)
    {
        ["/get_dmx"] = "GET /get_dmx?u=[universe]",
        ["/set_dmx"] = "POST /set_dmx with form fields u=[universe], d=[comma separated DMX values]",
        ["/json/universe_info"] = "GET /json/universe_info?id=[universe]",
        ["/json/universe_sources"] = "GET /json/universe_sources?id=[universe]",
        ["/json/plugin_info"] = "GET /json/plugin_info?id=[plugin]",
        ["/json/get_ports"] = "GET /json/get_ports[?id=[universe]]",
        ["/json/patch_check"] = "GET /json/patch_check?id=[universe]&port=[port id]",
        ["/new_universe"] = "POST /new_universe with form fields id=[universe], name=[name], add_ports=[port ids]",
        ["/modify_universe"] = "POST /modify_universe with form fields id, name, merge_mode, add_ports, remove_ports, modify_ports",
        ["/set_plugin_state"] = "POST /set_plugin_state with form fields plugin_id=[plugin], state=[true|false]",
        [PluginSettingsApi.GetPath] = "GET /json/plugin_settings?id=[plugin] or ?conf=[conf prefix, e.g. grpc]",
        [PluginSettingsApi.PostPath] = "POST /plugin_settings with form fields id=[plugin] or conf=[conf prefix], then key=value for each setting to change, clear=[key] to remove one",
        ["/live"] = "GET /live?u=[universe] (server-sent events)",
        [FailsafeApi.GetPath] = "GET /json/universe/failsafe?id=[universe]",
        [FailsafeApi.SetPath] = "POST /universe/failsafe with form fields id=[universe], mode=[hold|blackout|full|scene], after_ms=[empty or 1..86400000], scene=[scene name]",
        [FailsafeApi.CapturePath] = "POST /universe/scene/capture with form fields id=[universe], name=[scene name]",
        [FailsafeApi.DeletePath] = "POST /universe/scene/delete with form fields id=[universe], name=[scene name]",
        [FailsafeApi.StartupPath] = "POST /universe/startup_scene with form fields id=[universe], name=[scene name, empty for none]",
        [StandbyApi.GetPath] = "GET /json/standby (the hot-standby role, partner, last heard, since, reason, transitions)",
        [StandbyApi.SwitchPath] = "POST /json/standby/switch (hand the outputs to the standby partner, or take them; 409 with the reason when refused)",
    };

    /// <summary>Maps the API, the live stream and the UI.</summary>
    public static void Map(IEndpointRouteBuilder app, OlaHttpHost host)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(host);
        ILoggerFactory logs = app.ServiceProvider.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;
        ILogger logger = logs.CreateLogger("OlaSharp.Http");
        var api = new OlaApi(host, logger);

        // Everything that changes state goes through the guard (Post does it for every POST).
        var guard = new RequestGuard(host.AuthTokens ?? new BearerTokenSource(host.AuthToken), logger, TimeProvider.System);

        Get(app, "/get_dmx", api.GetDmx);
        Get(app, "/json/server_stats", _ => api.ServerStats());
        Get(app, "/json/universe_plugin_list", _ => api.UniversePluginList());
        Get(app, "/json/universe_info", api.UniverseInfo);
        Get(app, "/json/universe_sources", api.UniverseSources);
        Get(app, "/json/get_ports", api.GetPorts);
        Get(app, "/json/plugin_info", api.PluginInfo);
        Get(app, "/json/notices", _ => NoticesApi.Notices(host));
        Get(app, "/json/health", _ => HealthApi.Health(host));
        Get(app, StandbyApi.GetPath, _ => StandbyApi.Status(host));
        Get(app, "/json/patch_check", ctx => PatchCheckApi.Check(host, ctx));
        Get(app, "/quit", ctx => guard.Check(ctx) ?? api.Quit(ctx));
        Get(app, "/reload_pids", ctx => guard.Check(ctx) ?? OlaResults.Ok());
        app.MapGet("/reload", async (HttpContext ctx) => guard.Check(ctx) ?? await api.ReloadAsync(ctx).ConfigureAwait(false));

        Post(app, guard, "/set_dmx", ctx => api.PostAsync(ctx, "u", api.SetDmx));
        Post(app, guard, "/new_universe", ctx => api.PostAsync(ctx, "id", api.NewUniverse));
        Post(app, guard, "/modify_universe", ctx => api.PostAsync(ctx, "id", api.ModifyUniverse));
        Post(app, guard, "/set_plugin_state", ctx => api.PostAsync(ctx, "plugin_id", api.SetPluginStateAsync));
        Post(app, guard, StandbyApi.SwitchPath, _ => Task.FromResult(StandbyApi.Switch(host)));

        var settings = new PluginSettingsApi(host, logger);
        Get(app, PluginSettingsApi.GetPath, settings.Get);
        Post(app, guard, PluginSettingsApi.PostPath, settings.PostAsync);

        var failsafe = new FailsafeApi(host);
        Get(app, FailsafeApi.GetPath, failsafe.Get);
        Post(app, guard, FailsafeApi.SetPath, failsafe.SetAsync);
        Post(app, guard, FailsafeApi.CapturePath, failsafe.CaptureAsync);
        Post(app, guard, FailsafeApi.DeletePath, failsafe.DeleteAsync);
        Post(app, guard, FailsafeApi.StartupPath, failsafe.StartupAsync);

        app.MapGet("/live", ctx => Help(ctx, "/live") is IResult help ? help.ExecuteAsync(ctx) : LiveDmxStream.RunAsync(ctx, host.Core.Universes));

        var metrics = new OlaMetrics(host);
        app.MapGet("/metrics", metrics.WriteAsync);

        app.MapGet("/", () => EmbeddedUi.Serve("/index.html"));
        foreach (string path in EmbeddedUi.Paths)
        {
            app.MapGet("/ui" + path, () => EmbeddedUi.Serve(path));
        }
    }

    /// <summary>olad's 404 for unknown paths, for HTTP/1.x requests (gRPC on HTTP/2 keeps its own).</summary>
    public static void MapNotFound(IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapFallback((HttpContext ctx) => HttpProtocol.IsHttp2(ctx.Request.Protocol) ? Results.NotFound() : OlaResults.NotFound());
    }

    private static void Get(IEndpointRouteBuilder app, string path, Func<HttpContext, IResult> handler) =>
        app.MapGet(path, (HttpContext ctx) => Help(ctx, path) ?? handler(ctx));

    private static void Post(IEndpointRouteBuilder app, RequestGuard guard, string path, Func<HttpContext, Task<IResult>> handler)
    {
        app.MapPost(path, async (HttpContext ctx) => Help(ctx, path) ?? guard.Check(ctx) ?? await handler(ctx).ConfigureAwait(false));

        // olad redirects a GET of a POST endpoint to its help.
        app.MapGet(path, (HttpContext ctx) => Help(ctx, path) ?? OlaResults.HelpRedirect());
    }

    private static IResult? Help(HttpContext ctx, string path) =>
        ctx.Request.Query.ContainsKey("help") && s_usage.TryGetValue(path, out string? usage) ? OlaResults.Help(usage) : null;
}
