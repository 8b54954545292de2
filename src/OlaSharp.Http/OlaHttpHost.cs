// Licensed under the MIT License. See LICENSE in the repository root.
using OlaSharp.Core.Clock;
using OlaSharp.Core.Stats;

namespace OlaSharp.Http;

/// <summary>What the HTTP API and web UI need: the server core, and what is HTTP's own (instance name, quit, tokens, metrics).</summary>
public sealed class OlaHttpHost
{
    /// <summary>The server: universes, patching, plugins, reload.</summary>
    public required ServerCore Core { get; init; }

    /// <summary>The conf directory shown in <c>server_stats</c>.</summary>
    public required string ConfigDir { get; init; }

    /// <summary>The server's instance name.</summary>
    public required string InstanceName { get; init; }

    /// <summary>When the server started (local time, shown as C's <c>%c</c>).</summary>
    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>Whether <c>GET /quit</c> stops the server; otherwise it answers 403 like olad's <c>--no-http-quit</c>.</summary>
    public bool QuitEnabled { get; init; }

    /// <summary>Stops the server cleanly (<c>GET /quit</c> when enabled).</summary>
    public required Action Quit { get; init; }

    /// <summary>The refresh clock's counters for <c>/metrics</c> (frames out, jitter), if any.</summary>
    public ClockStatistics? ClockStatistics { get; init; }

    /// <summary>Protocol counters (packets in/out, malformed, dropped) for <c>/metrics</c>, if any.</summary>
    public ProtocolCounterRegistry? Counters { get; init; }

    /// <summary>
    /// When set (<c>auth_token</c> in <c>ola-grpc.conf</c>), the endpoints that change state need
    /// <c>Authorization: Bearer &lt;token&gt;</c> (401 otherwise); reads stay open.
    /// </summary>
    public BearerToken? AuthToken { get; init; }

    /// <summary>
    /// The token as it changes on reload (the server's, shared with gRPC); when set it is read per request
    /// and <see cref="AuthToken"/> is not used.
    /// </summary>
    public BearerTokenSource? AuthTokens { get; init; }

    /// <summary>Settings pages of conf files that are not a plugin's (<c>ola-grpc.conf</c>), by <c>conf=</c> id.</summary>
    public IReadOnlyList<ConfSettingsPage> SettingsPages { get; init; } = [];

    /// <summary>The version reported in <c>server_stats</c>; olad 0.10.9's, so OLA's UIs and scripts accept it.</summary>
    public string Version { get; init; } = "0.10.9";
}
