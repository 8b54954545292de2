// Licensed under the MIT License. See LICENSE in the repository root.
using System.Globalization;
using System.Text.Json;

namespace OlaSharp.Http.Internal;

/// <summary>
/// <c>GET /json/health</c> (ours, not olad's): every plugin's devices with their state, since when, the OS's
/// last error, the universes waiting for them, the problem and the fix; and every plugin with whether it is
/// active as users see it (a started plugin whose devices are all unusable is not) and why not. Keys sorted:
/// <c>{"devices": [{"device", "fix", "last_error", "path", "plugin", "plugin_id", "problem", "seconds", "since",
/// "state", "waiting_universes"}], "plugins": [{"active", "enabled", "id", "name", "reason"}]}</c>.
/// </summary>
internal static class HealthApi
{
    public static IResult Health(OlaHttpHost host) => OlaResults.Json(w => Write(w, host.Core.Plugins, TimeProvider.System.GetUtcNow()));

    internal static void Write(Utf8JsonWriter w, PluginManager plugins, DateTimeOffset now)
    {
        w.WriteStartArray("devices");
        foreach (DeviceHealth d in DeviceHealthReport.Collect(plugins))
        {
            w.WriteStartObject();
            w.WriteString("device", d.DeviceId);
            w.WriteString("fix", d.Fix);
            if (d.LastError is null)
            {
                w.WriteNull("last_error");
            }
            else
            {
                w.WriteString("last_error", d.LastError);
            }

            w.WriteString("path", d.Path);
            w.WriteString("plugin", d.PluginName);
            w.WriteNumber("plugin_id", d.PluginId);
            w.WriteString("problem", d.Problem);
            w.WriteNumber("seconds", Math.Max(0, (long)(now - d.Since).TotalSeconds));
            w.WriteString("since", d.Since.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
            w.WriteString("state", d.StateName);
            w.WriteStartArray("waiting_universes");
            foreach (int u in d.WaitingUniverses)
            {
                w.WriteNumberValue(u);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("plugins");
        foreach (Plugin p in plugins.Plugins.OrderBy(p => p.Id))
        {
            PluginHealth h = DeviceHealthReport.Of(p);
            w.WriteStartObject();
            w.WriteBoolean("active", h.Active);
            w.WriteBoolean("enabled", p.IsEnabled);
            w.WriteNumber("id", p.Id);
            w.WriteString("name", p.Name);
            w.WriteString("reason", h.Reason);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }
}
