// Licensed under the MIT License. See LICENSE in the repository root.
using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using OlaSharp.Core;
using OlaSharp.Core.Plugins;

namespace OlaSharp.Server.Http;

/// <summary>
/// The first endpoints of OLA's HTTP API (shared/ola-behaviour.md section 7): <c>GET /get_dmx</c>,
/// <c>POST /set_dmx</c>, <c>POST /new_universe</c>. JSON is sent as <c>text/plain</c> with sorted keys
/// and a 2-space indent, as olad does. Differences: a POST without a form Content-Type gets a 400
/// with a message (olad drops the connection); names over 100 characters are kept whole.
/// </summary>
internal static class OlaHttpApi
{
    private static readonly TimeSpan s_noTimeout = Timeout.InfiniteTimeSpan;

    public static void Map(WebApplication app, OlaServerRuntime runtime)
    {
        var httpSources = new ConcurrentDictionary<int, DmxSource>();
        runtime.Universes.Removed += u => httpSources.TryRemove(u.Id, out _);

        app.MapGet("/get_dmx", (HttpContext ctx) =>
        {
            if (!TryInt(ctx.Request.Query["u"], out int id))
            {
                return HelpRedirect();
            }

            bool exists = runtime.Universes.TryGet(id, out Universe? u);
            return Json(w =>
            {
                w.WriteStartArray("dmx");
                if (exists)
                {
                    foreach (byte b in u!.GetMergedCopy())
                    {
                        w.WriteNumberValue(b);
                    }
                }

                w.WriteEndArray();
                w.WriteString("error", exists ? string.Empty : "Universe doesn't exist");
            });
        });

        app.MapMethods("/set_dmx", ["GET"], () => HelpRedirect());
        app.MapPost("/set_dmx", async (HttpContext ctx) =>
        {
            IFormCollection? form = await ReadFormAsync(ctx).ConfigureAwait(false);
            if (form is null)
            {
                return NoForm();
            }

            if (!TryInt(form["u"], out int id))
            {
                return HelpRedirect();
            }

            string d = form["d"].ToString();
            if (d.Length == 0)
            {
                return ServerError("Invalid DMX string");
            }

            if (!runtime.Universes.TryGet(id, out Universe? u))
            {
                return ServerError("Universe doesn't exist");
            }

            byte[] data = ParseDmxList(d);
            DmxSource source = httpSources.GetOrAdd(id, _ => u.AddSource("http", "http", s_noTimeout));
            u.Update(source, data, Priority.Default);
            return Results.Text("ok", "text/plain");
        });

        app.MapPost("/new_universe", async (HttpContext ctx) =>
        {
            IFormCollection? form = await ReadFormAsync(ctx).ConfigureAwait(false);
            if (form is null)
            {
                return NoForm();
            }

            if (!TryInt(form["id"], out int id))
            {
                return HelpRedirect();
            }

            string name = form["name"].ToString();
            bool ok = false;
            foreach (string portId in form["add_ports"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                Port? port = FindByHttpId(runtime.Devices, portId);
                ok |= port is not null && runtime.Devices.TryPatch(port, id, out _);
            }

            if (ok && name.Length > 0 && runtime.Universes.TryGet(id, out Universe? u))
            {
                u.Name = name;
            }

            return Json(w =>
            {
                w.WriteString("message", ok ? string.Empty : "Failed to patch any ports");
                w.WriteBoolean("ok", ok);
                w.WriteNumber("universe", id);
            });
        });
    }

    /// <summary>OLA's HTTP port id: <c>&lt;device alias&gt;-&lt;I|O&gt;-&lt;index&gt;</c>.</summary>
    public static Port? FindByHttpId(DeviceRegistry devices, string id)
    {
        string[] parts = id.Split('-');
        if (parts.Length != 3 || !TryInt(parts[0], out int alias) || !TryInt(parts[2], out int index) || (parts[1] != "I" && parts[1] != "O"))
        {
            return null;
        }

        return devices.FindByAlias(alias)?.FindPort(parts[1] == "O", index);
    }

    /// <summary>olad's parsing: split on commas, C atoi (junk is 0), modulo 256, at most 512 values.</summary>
    public static byte[] ParseDmxList(string d)
    {
        string[] parts = d.Split(',');
        int n = Math.Min(parts.Length, DmxFrame.MaxSlots);
        byte[] data = new byte[n];
        for (int i = 0; i < n; i++)
        {
            data[i] = (byte)Atoi(parts[i]);
        }

        return data;
    }

    private static int Atoi(string s)
    {
        int i = 0;
        while (i < s.Length && char.IsWhiteSpace(s[i]))
        {
            i++;
        }

        bool negative = false;
        if (i < s.Length && (s[i] == '+' || s[i] == '-'))
        {
            negative = s[i] == '-';
            i++;
        }

        long value = 0;
        while (i < s.Length && s[i] is >= '0' and <= '9' && value < int.MaxValue)
        {
            value = (value * 10) + (s[i] - '0');
            i++;
        }

        return (int)(negative ? -value : value);
    }

    private static bool TryInt(string? s, out int value) =>
        int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out value);

    private static async Task<IFormCollection?> ReadFormAsync(HttpContext ctx)
    {
        if (!ctx.Request.HasFormContentType)
        {
            return null;
        }

        return await ctx.Request.ReadFormAsync(ctx.RequestAborted).ConfigureAwait(false);
    }

    private static IResult NoForm() =>
        Results.Text("<b>400 Bad Request</b><p>POST parameters must be sent as a form (application/x-www-form-urlencoded or multipart/form-data)</p>", "text/html", statusCode: 400);

    private static IResult HelpRedirect() =>
        new RedirectWithBody(Results.Text("<b>302 Found</b> See ?help=1", "text/html", statusCode: 302));

    private static IResult ServerError(string message) =>
        Results.Text($"<b>500 Server Error</b><p>{System.Net.WebUtility.HtmlEncode(message)}</p>", "text/html", statusCode: 500);

    private static IResult Json(Action<Utf8JsonWriter> write)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            write(w);
            w.WriteEndObject();
        }

        return new NoCacheText(Encoding.UTF8.GetString(ms.ToArray()));
    }

    private sealed class NoCacheText(string body) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.ContentType = "text/plain";
            httpContext.Response.Headers.CacheControl = "no-cache, must-revalidate";
            return httpContext.Response.WriteAsync(body, httpContext.RequestAborted);
        }
    }

    private sealed class RedirectWithBody(IResult inner) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.Location = "?help=1";
            return inner.ExecuteAsync(httpContext);
        }
    }
}
