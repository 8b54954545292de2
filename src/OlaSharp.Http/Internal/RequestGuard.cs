// Licensed under the MIT License. See LICENSE in the repository root.
using Microsoft.Extensions.Primitives;
using OlaSharp.Core.Stats;

namespace OlaSharp.Http.Internal;

/// <summary>
/// Guards the endpoints that change state (every POST, and <c>GET /reload</c>, <c>/reload_pids</c>,
/// <c>/quit</c>). First, any web page the user happens to visit can make the browser send a form POST
/// (or a no-cors fetch) to the Pi on the LAN: such a request names the page's site in <c>Origin</c> (or
/// <c>Referer</c>), and modern browsers add <c>Sec-Fetch-Site</c>; when that is not the host the request
/// was sent to, it is refused with 403. A request with none of them (curl, scripts, OLA's tools) is not
/// from a web page and passes. Second, when <c>auth_token</c> is set, it needs
/// <c>Authorization: Bearer &lt;token&gt;</c> (401 otherwise), as gRPC's state-changing calls do.
/// Refusals are logged at warning, at most one line per 10 s with a count.
/// </summary>
internal sealed class RequestGuard(BearerTokenSource tokens, ILogger logger, TimeProvider time)
{
    private readonly CountingLogThrottle _log = new(time, TimeSpan.FromSeconds(10));

    /// <summary>Null when <paramref name="ctx"/> may change state; otherwise the 403 or 401 to answer.</summary>
    public IResult? Check(HttpContext ctx)
    {
        if (CrossSiteReason(ctx.Request) is string crossSite)
        {
            Refused(ctx, StatusCodes.Status403Forbidden, crossSite);
            return OlaResults.CrossSite(crossSite);
        }

        // Read per request: a reload may have changed auth_token.
        if (tokens.Current is not { } token)
        {
            return null;
        }

        string? authorization = ctx.Request.Headers.Authorization;
        if (token.IsAuthorized(authorization))
        {
            return null;
        }

        bool sent = !string.IsNullOrEmpty(authorization);
        Refused(ctx, StatusCodes.Status401Unauthorized, sent ? "wrong bearer token" : "no bearer token");
        return OlaResults.Unauthorized(sent);
    }

    /// <summary>
    /// Why <paramref name="request"/> comes from a page of another origin, or null. The browser's own
    /// <c>Sec-Fetch-Site</c> decides when present (<c>same-origin</c>, or <c>none</c> for what the user
    /// typed, pass; <c>same-site</c> and <c>cross-site</c> do not: another port of the same host is another
    /// origin). Otherwise <c>Origin</c> (<c>null</c> from sandboxed frames and <c>file://</c> included),
    /// else <c>Referer</c>, must name the scheme, host and port the request was sent to (its Host header).
    /// </summary>
    internal static string? CrossSiteReason(HttpRequest request)
    {
        StringValues fetchSite = request.Headers["Sec-Fetch-Site"];
        if (fetchSite.Count == 1)
        {
            switch (fetchSite.ToString())
            {
                case "same-origin" or "none":
                    return null;
                case "cross-site" or "same-site":
                    return $"Sec-Fetch-Site: {fetchSite}";
            }
        }

        foreach (string header in (ReadOnlySpan<string>)["Origin", "Referer"])
        {
            StringValues value = request.Headers[header];
            if (StringValues.IsNullOrEmpty(value))
            {
                continue;
            }

            return value.Count == 1 && IsSameOrigin(value.ToString(), request) ? null : $"{header}: {Printable(value.ToString())}";
        }

        return null;
    }

    private static bool IsSameOrigin(string url, HttpRequest request)
    {
        HostString host = request.Host;
        if (!host.HasValue || !Uri.TryCreate(url, UriKind.Absolute, out Uri? uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            return false;
        }

        // Same origin: scheme, host and port (an IPv6 host is bracketed in Host, not in IdnHost).
        int hostPort = host.Port ?? (request.IsHttps ? 443 : 80);
        return string.Equals(uri.Scheme, request.Scheme, StringComparison.OrdinalIgnoreCase) && uri.Port == hostPort &&
            string.Equals(uri.IdnHost.Trim('[', ']'), host.Host.Trim('[', ']'), StringComparison.OrdinalIgnoreCase);
    }

    // Header values come from anyone: at most 100 characters, control characters shown as '?'.
    private static string Printable(string value)
    {
        Span<char> chars = stackalloc char[Math.Min(value.Length, 100)];
        for (int i = 0; i < chars.Length; i++)
        {
            chars[i] = char.IsControl(value[i]) ? '?' : value[i];
        }

        return value.Length > chars.Length ? string.Concat(chars, "…") : new string(chars);
    }

    private void Refused(HttpContext ctx, int status, string reason)
    {
        if (_log.TryEnter(out long suppressed))
        {
            Log.Refused(logger, ctx.Request.Method, ctx.Request.Path, ctx.Connection.RemoteIpAddress, status, reason, suppressed);
        }
    }
}
