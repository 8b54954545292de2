// Licensed under the MIT License. See LICENSE in the repository root.
using OlaSharp.Core.Stats;

namespace OlaSharp.Http.Internal;

/// <summary>The endpoints that change state. POST parameters come only from a form body, as in olad.</summary>
internal sealed partial class OlaApi
{
    // olad's internal HTTP client is one shared source per universe at priority 100 (it never times out).
    private readonly ClientSources _httpSources = host.Core.OpenClient("http", "http");

    private readonly CountingLogThrottle _badBodyLog = new(TimeProvider.System, TimeSpan.FromSeconds(10));

    /// <summary>
    /// Runs a POST endpoint: reads the form and its integer field <paramref name="idField"/>, then calls
    /// <paramref name="handler"/> with both, or answers for them (see <see cref="ReadFormAsync"/>).
    /// </summary>
    public async Task<IResult> PostAsync(HttpContext ctx, string idField, Func<HttpContext, IFormCollection, int, Task<IResult>> handler)
    {
        (IFormCollection? form, int id, IResult? refused) = await ReadFormAsync(ctx, idField).ConfigureAwait(false);
        return form is null ? refused! : await handler(ctx, form, id).ConfigureAwait(false);
    }

    /// <summary>As <see cref="PostAsync(HttpContext, string, Func{HttpContext, IFormCollection, int, Task{IResult}})"/> for a handler that does not wait.</summary>
    public Task<IResult> PostAsync(HttpContext ctx, string idField, Func<IFormCollection, int, IResult> handler) =>
        PostAsync(ctx, idField, (_, form, id) => Task.FromResult(handler(form, id)));

    public IResult SetDmx(IFormCollection form, int id)
    {
        string d = form["d"].ToString();
        if (d.Length == 0)
        {
            return OlaResults.ServerError("Invalid DMX string");
        }

        if (!host.Core.Universes.TryGet(id, out Universe? u))
        {
            return OlaResults.ServerError("Universe doesn't exist");
        }

        u.Update(_httpSources.For(u), ParseDmxList(d), Priority.Default);
        return OlaResults.Ok();
    }

    public IResult NewUniverse(IFormCollection form, int id)
    {
        // Names are kept whole (olad 0.10.9 keeps only the text after character 100).
        string name = form["name"].ToString();
        bool ok = false;
        foreach (string portId in SplitIds(form["add_ports"]))
        {
            Port? port = FindByHttpId(host.Core.Devices, portId);
            ok |= port is not null && host.Core.TryPatch(port, id, out _);
        }

        if (ok && name.Length > 0)
        {
            host.Core.TrySetUniverseName(id, name, out _);
        }

        return OlaResults.Json(w =>
        {
            w.WriteString("message", ok ? string.Empty : "Failed to patch any ports");
            w.WriteBoolean("ok", ok);
            w.WriteNumber("universe", id);
        });
    }

    public IResult ModifyUniverse(IFormCollection form, int id)
    {
        string name = form["name"].ToString();
        if (name.Length == 0)
        {
            return OlaResults.ServerError("No name supplied");
        }

        // olad's order: name, merge mode, unpatch, patch, priorities; any failure gives "Update failed".
        if (!host.Core.TrySetUniverseName(id, name, out _))
        {
            return OlaResults.ServerError("Update failed");
        }

        bool ok = true;
        string mode = form["merge_mode"].ToString();
        if (mode is "HTP" or "LTP")
        {
            host.Core.TrySetMergeMode(id, mode == "HTP" ? MergeMode.Htp : MergeMode.Ltp, out _);
        }
        else if (mode.Length > 0)
        {
            ok = false;
        }

        foreach (string portId in SplitIds(form["remove_ports"]))
        {
            Port? port = FindByHttpId(host.Core.Devices, portId);
            ok &= port is not null && host.Core.Unpatch(port, fromUniverse: id);
        }

        foreach (string portId in SplitIds(form["add_ports"]))
        {
            Port? port = FindByHttpId(host.Core.Devices, portId);
            ok &= port is not null && host.Core.TryPatch(port, id, out _);
        }

        foreach (string portId in SplitIds(form["modify_ports"]))
        {
            Port? port = FindByHttpId(host.Core.Devices, portId);
            if (port is null || port.PriorityCapability == PriorityCapability.None)
            {
                ok = false;
                continue;
            }

            string pMode = form[portId + "_priority_mode"].ToString();
            if (pMode == "inherit")
            {
                ok &= host.Core.Devices.TrySetPriority(port, PriorityMode.Inherit, null, out _);
            }
            else if (OlaResults.TryInt(form[portId + "_priority_value"], out int value))
            {
                ok &= host.Core.Devices.TrySetPriority(port, PriorityMode.Static, value, out _);
            }
            else
            {
                ok = false;
            }
        }

        return ok ? OlaResults.Ok() : OlaResults.ServerError("Update failed");
    }

    public async Task<IResult> SetPluginStateAsync(HttpContext ctx, IFormCollection form, int id)
    {
        bool? state = form["state"].ToString().ToLowerInvariant() switch
        {
            "true" or "on" or "enable" or "enabled" or "1" or "t" => true,
            "false" or "off" or "disable" or "disabled" or "0" or "f" => false,
            _ => null,
        };
        if (state is null)
        {
            return OlaResults.HelpRedirect();
        }

        if (host.Core.Plugins.Find(id) is null)
        {
            return OlaResults.ServerError("Plugin not loaded");
        }

        await host.Core.Plugins.SetEnabledAsync(id, state.Value, ctx.RequestAborted).ConfigureAwait(false);
        return OlaResults.Ok();
    }

    public async Task<IResult> ReloadAsync(HttpContext ctx)
    {
        await host.Core.ReloadAsync(ctx.RequestAborted).ConfigureAwait(false);
        return OlaResults.Ok();
    }

    public IResult Quit(HttpContext ctx)
    {
        if (!host.QuitEnabled)
        {
            return OlaResults.Forbidden();
        }

        // Stop after the reply is written.
        ctx.Response.OnCompleted(() =>
        {
            host.Quit();
            return Task.CompletedTask;
        });
        return new OlaResults.NoCacheText("ok", "text/plain");
    }

    // The form and its integer field idField, or the reply: 400 with the reason for a body that is not a form
    // (logged at debug, rate-limited), olad's help redirect when the field is missing or not a number.
    private async Task<(IFormCollection? Form, int Id, IResult? Refused)> ReadFormAsync(HttpContext ctx, string idField)
    {
        FormRead read = await FormBody.ReadAsync(ctx).ConfigureAwait(false);
        if (read.Form is not null)
        {
            return OlaResults.TryInt(read.Form[idField], out int id) ? (read.Form, id, null) : (null, 0, OlaResults.HelpRedirect());
        }

        if (read.NotAForm)
        {
            return (null, 0, OlaResults.NoForm());
        }

        string reason = read.Error ?? "malformed form";
        if (_badBodyLog.TryEnter(out long suppressed))
        {
            Log.BadBody(logger, ctx.Request.Method, ctx.Request.Path, ctx.Connection.RemoteIpAddress, reason, suppressed);
        }

        return (null, 0, OlaResults.BadRequest(reason));
    }

    /// <summary>OLA's HTTP port id: <c>&lt;device alias&gt;-&lt;I|O&gt;-&lt;index&gt;</c>.</summary>
    public static Port? FindByHttpId(DeviceRegistry devices, string id)
    {
        string[] parts = id.Split('-');
        if (parts.Length != 3 || !OlaResults.TryInt(parts[0], out int alias) || !OlaResults.TryInt(parts[2], out int index) || (parts[1] != "I" && parts[1] != "O"))
        {
            return null;
        }

        return devices.FindByAlias(alias)?.FindPort(parts[1] == "O", index);
    }

    /// <summary>olad's parsing: split on commas, C atoi (junk is 0), modulo 256, at most 512 values.</summary>
    public static byte[] ParseDmxList(string d)
    {
        string[] parts = d.Split(',', DmxFrame.MaxSlots + 1);
        int n = Math.Min(parts.Length, DmxFrame.MaxSlots);
        byte[] data = new byte[n];
        for (int i = 0; i < n; i++)
        {
            data[i] = (byte)Atoi(parts[i]);
        }

        return data;
    }

    private static IEnumerable<string> SplitIds(string? list) =>
        (list ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

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
}
