// Licensed under the MIT License. See LICENSE in the repository root.
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace OlaSharp.Http.Internal;

/// <summary>olad's reply conventions (shared/ola-behaviour.md section 7).</summary>
internal static class OlaResults
{
    private static readonly JsonWriterOptions s_jsonOptions = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static IResult Ok() => Results.Text("ok", "text/plain");

    public static IResult NoForm() =>
        Results.Text("<b>400 Bad Request</b><p>POST parameters must be sent as a form (Content-Type application/x-www-form-urlencoded or multipart/form-data)</p>", "text/html", statusCode: 400);

    /// <summary>A request whose body could not be read: 400 with the reason on one line.</summary>
    public static IResult BadRequest(string reason) =>
        Results.Text($"<b>400 Bad Request</b><p>{Escape(reason)}</p>", "text/html", statusCode: 400);

    /// <summary>A state-changing request from a page of another site (RequestGuard): 403, one line.</summary>
    public static IResult CrossSite(string reason) =>
        Results.Text($"<b>403 Forbidden</b><p>Refused: this request changes state and comes from a page on another site ({Escape(reason)}). Use the OlaSharp web UI itself, or a script (no Origin or Referer header).</p>", "text/html", statusCode: 403);

    /// <summary>A state-changing request without the right token when <c>auth_token</c> is set: 401, one line.</summary>
    public static IResult Unauthorized(bool tokenSent) => new UnauthorizedResult(tokenSent
        ? "The token sent in 'Authorization: Bearer <token>' is wrong (it is auth_token in ola-grpc.conf)."
        : "This request changes state and needs the header 'Authorization: Bearer <token>' (auth_token in ola-grpc.conf).");

    public static IResult HelpRedirect() => new HelpRedirectResult();

    public static IResult Help(string usage) =>
        Results.Text($"<b>Usage:</b><p>{Escape(usage)}</p>", "text/html");

    public static IResult ServerError(string message) =>
        Results.Text($"<b>500 Server Error</b><p>{Escape(message)}</p>", "text/html", statusCode: 500);

    public static IResult NotFound() => Results.Text("<b>404 Not Found</b>", "text/html", statusCode: 404);

    public static IResult Forbidden() => Results.Text("<b>403 Unauthorized</b>", "text/html", statusCode: 403);

    /// <summary>
    /// JSON as olad writes it: text/plain, no-cache, 2-space indent, <c>/</c> escaped as <c>\/</c>, no
    /// trailing newline. Callers write keys in sorted order.
    /// </summary>
    public static IResult Json(Action<Utf8JsonWriter> write, bool array = false)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, s_jsonOptions))
        {
            if (array)
            {
                w.WriteStartArray();
            }
            else
            {
                w.WriteStartObject();
            }

            write(w);
            if (array)
            {
                w.WriteEndArray();
            }
            else
            {
                w.WriteEndObject();
            }
        }

        // '/' only occurs inside strings in JSON, so this is olad's escaping.
        return new NoCacheText(Encoding.UTF8.GetString(ms.ToArray()).Replace("/", "\\/", StringComparison.Ordinal), "text/plain");
    }

    // Only what HTML needs; olad's messages (e.g. "Universe doesn't exist") stay byte-identical.
    private static string Escape(string s) =>
        s.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    public static bool TryInt(string? s, out int value) =>
        int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out value);

    /// <summary>C's <c>%c</c> in the C locale: <c>Mon Nov 23 21:27:08 2026</c>.</summary>
    public static string CTime(DateTimeOffset t) =>
        string.Create(CultureInfo.InvariantCulture, $"{t:ddd MMM} {t.Day,2} {t:HH:mm:ss yyyy}");

    internal sealed class NoCacheText(string body, string contentType) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.ContentType = contentType;
            httpContext.Response.Headers.CacheControl = "no-cache, must-revalidate";
            return httpContext.Response.WriteAsync(body, httpContext.RequestAborted);
        }
    }

    private sealed class UnauthorizedResult(string message) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            // A Bearer challenge: browsers show no login dialog for it (they do for Basic); the web UI asks itself.
            httpContext.Response.Headers.WWWAuthenticate = "Bearer realm=\"olasharp\"";
            return Results.Text($"<b>401 Unauthorized</b><p>{Escape(message)}</p>", "text/html", statusCode: 401).ExecuteAsync(httpContext);
        }
    }

    private sealed class HelpRedirectResult : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.Location = "?help=1";
            return Results.Text("<b>302 Found</b> See ?help=1", "text/html", statusCode: 302).ExecuteAsync(httpContext);
        }
    }
}
