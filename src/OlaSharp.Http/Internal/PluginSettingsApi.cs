// Licensed under the MIT License. See LICENSE in the repository root.
using System.Text.Json;
using OlaSharp.Core.Conf;

namespace OlaSharp.Http.Internal;

/// <summary>
/// The settings pages: <c>GET /json/plugin_settings?id=&lt;plugin&gt;</c> (or <c>?conf=&lt;prefix&gt;</c>, which
/// also reaches the pages that are not plugins: <c>conf=grpc</c> for <c>ola-grpc.conf</c>) shows every
/// described key with its value in use, and <c>POST /plugin_settings</c> (the same <c>id</c> or <c>conf</c>,
/// then <c>key=value</c> fields) checks every posted value with the conf reader's rules, answers 400 with
/// <c>{"errors":{"key":"message"}}</c> and writes nothing when any fails, else writes the file atomically,
/// reloads that plugin (a gRPC change: the token at once, the listener at the next start) and answers with
/// the page as it is now.
/// </summary>
internal sealed class PluginSettingsApi(OlaHttpHost host, ILogger logger)
{
    public const string GetPath = "/json/plugin_settings";
    public const string PostPath = "/plugin_settings";

    public IResult Get(HttpContext ctx)
    {
        IQueryCollection q = ctx.Request.Query;
        if (FindPlugin(q["id"].ToString(), q["conf"].ToString()) is Plugin p)
        {
            return PluginPage(p, message: null);
        }

        if (FindPage(q["conf"].ToString()) is ConfSettingsPage page)
        {
            return ExtraPage(page, page.Store.Load(page.Description.Prefix), restart: page.PendingRestart(page.Store.Load(page.Description.Prefix)), message: null);
        }

        return Unknown(q["id"].ToString(), q["conf"].ToString());
    }

    public async Task<IResult> PostAsync(HttpContext ctx)
    {
        FormRead read = await FormBody.ReadAsync(ctx).ConfigureAwait(false);
        if (read.Form is null)
        {
            return read.NotAForm ? OlaResults.NoForm() : OlaResults.BadRequest(read.Error ?? "malformed form");
        }

        IFormCollection form = read.Form;
        var posted = form.Select(f => new KeyValuePair<string, IReadOnlyList<string>>(f.Key, [.. f.Value.Select(v => v ?? string.Empty)])).ToList();
        try
        {
            if (FindPlugin(form["id"].ToString(), form["conf"].ToString()) is Plugin p)
            {
                ConfDescription description = DescriptionOf(p);
                ConfEdit? edit = await host.Core.Plugins.ReconfigureAsync(p.Id, current => description.Edit(current, posted), ctx.RequestAborted).ConfigureAwait(false);
                if (edit is null)
                {
                    return Unknown(form["id"].ToString(), form["conf"].ToString());
                }

                return edit.Ok ? PluginPage(p, Saved(p.IsEnabled, p.IsActive)) : Errors(edit);
            }

            if (FindPage(form["conf"].ToString()) is ConfSettingsPage page)
            {
                return SaveExtra(page, posted);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            string reason = ex.Message;
            Log.SettingsNotSaved(logger, reason);
            return OlaResults.ServerError("The settings were not saved: " + reason);
        }

        return Unknown(form["id"].ToString(), form["conf"].ToString());
    }

    private static string Saved(bool enabled, bool active) =>
        !enabled ? "Saved. The plugin is disabled." : active ? "Saved; the plugin restarted with these settings." : "Saved, but the plugin did not start: see the server log.";

    private static IResult SaveExtra(ConfSettingsPage page, List<KeyValuePair<string, IReadOnlyList<string>>> posted)
    {
        ConfFile current = page.Store.Load(page.Description.Prefix);
        if (current.LoadFailed)
        {
            return OlaResults.ServerError($"The settings were not saved: {page.Store.PathFor(page.Description.Prefix)} could not be read, so it is not written over.");
        }

        ConfEdit edit = page.Description.Edit(current, posted);
        if (!edit.Ok)
        {
            return Errors(edit);
        }

        page.Store.Save(page.Description.Prefix, edit.File);
        IReadOnlyList<string> restart = page.Applied(edit.File);
        string message = restart.Count == 0
            ? "Saved; the change applies now."
            : $"Saved. {string.Join(", ", restart)} change{(restart.Count == 1 ? "s" : string.Empty)} when olasharpd restarts (sudo systemctl restart olasharpd).";
        return ExtraPage(page, edit.File, restart, message);
    }

    private Plugin? FindPlugin(string id, string conf)
    {
        if (OlaResults.TryInt(id, out int pluginId))
        {
            return host.Core.Plugins.Find(pluginId);
        }

        return conf.Length == 0 ? null : host.Core.Plugins.Plugins.FirstOrDefault(p => p.ConfPrefix == conf);
    }

    private ConfSettingsPage? FindPage(string conf) =>
        conf.Length == 0 ? null : host.SettingsPages.FirstOrDefault(p => p.Id == conf);

    private static ConfDescription DescriptionOf(Plugin p) =>
        p is IConfDescribed d ? d.ConfDescription : ConfDescriptions.EnabledOnly(p.ConfPrefix, p.EnabledByDefault);

    private static IResult Unknown(string id, string conf) =>
        id.Length == 0 && conf.Length == 0 ? OlaResults.HelpRedirect() : OlaResults.ServerError("Plugin not loaded");

    private IResult PluginPage(Plugin p, string? message)
    {
        ConfDescription description = DescriptionOf(p);
        string path = host.Core.PreferencesSource(p);
        IReadOnlyList<SettingValue> values = description.Values(p.Preferences);
        return OlaResults.Json(w =>
        {
            w.WriteBoolean("active", p.IsActive);
            w.WriteString("conf", p.ConfPrefix);
            w.WriteString("conf_path", path);
            w.WriteStartArray("devices");
            foreach (Device d in host.Core.Devices.Devices.Where(d => ReferenceEquals(d.Owner, p)))
            {
                w.WriteStartObject();
                w.WriteString("id", d.UniqueId);
                w.WriteString("name", d.Name);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteBoolean("enabled", p.IsEnabled);
            WriteFields(w, values, restart: []);
            w.WriteNumber("id", p.Id);
            if (message is not null)
            {
                w.WriteString("message", message);
            }

            w.WriteString("name", p.Name);
            w.WriteStartArray("restart_needed");
            w.WriteEndArray();
        });
    }

    private static IResult ExtraPage(ConfSettingsPage page, ConfFile file, IReadOnlyList<string> restart, string? message)
    {
        IReadOnlyList<SettingValue> values = page.Description.Values(file);
        return OlaResults.Json(w =>
        {
            w.WriteString("conf", page.Id);
            w.WriteString("conf_path", page.Store.PathFor(page.Description.Prefix));
            WriteFields(w, values, restart);
            if (message is not null)
            {
                w.WriteString("message", message);
            }

            w.WriteString("name", page.Name);
            w.WriteStartArray("restart_needed");
            foreach (string key in restart)
            {
                w.WriteStringValue(key);
            }

            w.WriteEndArray();
        });
    }

    private static void WriteFields(Utf8JsonWriter w, IReadOnlyList<SettingValue> values, IReadOnlyList<string> restart)
    {
        w.WriteStartArray("fields");
        foreach (SettingValue v in values)
        {
            ConfSetting s = v.Setting;
            w.WriteStartObject();
            if (s.Choices is { } choices)
            {
                w.WriteStartArray("choices");
                foreach (string c in choices)
                {
                    w.WriteStringValue(c);
                }

                w.WriteEndArray();
            }

            if (s.Kind == SettingKind.List)
            {
                w.WriteStartArray("default");
                foreach (string item in s.Default.Split([',', ' '], StringSplitOptions.RemoveEmptyEntries))
                {
                    w.WriteStringValue(item);
                }

                w.WriteEndArray();
            }
            else
            {
                w.WriteString("default", s.Default);
            }

            if (v.Device is not null)
            {
                w.WriteString("device", v.Device);
            }

            w.WriteString("help", s.Help);
            w.WriteString("key", v.Key);
            w.WriteString("kind", s.Kind.ToString().ToLowerInvariant());
            w.WriteString("label", s.Label);
            if (s.Max is long max)
            {
                w.WriteNumber("max", max);
            }

            if (s.Min is long min)
            {
                w.WriteNumber("min", min);
            }

            w.WriteBoolean("optional", s.Optional);
            if (s.RestartNeeded)
            {
                w.WriteBoolean("restart", true);
                w.WriteBoolean("restart_pending", restart.Contains(v.Key, StringComparer.Ordinal));
            }

            if (s.Secret)
            {
                w.WriteBoolean("secret", true);
            }

            w.WriteBoolean("set", v.IsSet);
            if (s.Kind == SettingKind.List)
            {
                w.WriteStartArray("value");
                foreach (string item in v.Items)
                {
                    w.WriteStringValue(item);
                }

                w.WriteEndArray();
            }
            else
            {
                w.WriteString("value", v.Value);
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static IResult Errors(ConfEdit edit) => new StatusJson(OlaResults.Json(w =>
    {
        w.WriteStartObject("errors");
        foreach (KeyValuePair<string, string> e in edit.Errors.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            w.WriteString(e.Key, e.Value);
        }

        w.WriteEndObject();
    }), StatusCodes.Status400BadRequest);

    private sealed class StatusJson(IResult inner, int status) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = status;
            return inner.ExecuteAsync(httpContext);
        }
    }
}
