// Licensed under the MIT License. See LICENSE in the repository root.

namespace OlaSharp.Http.Internal;

/// <summary>
/// <c>GET /json/notices</c> (ours, not olad's): what the plugins want the user to know and fix, such as Art-Net
/// arriving for a universe no input port listens to. The web UI shows them on its home page.
/// <c>{"notices": [{"count", "from", "kind", "last_seen_ms", "message", "plugin", "subject"}]}</c>, keys sorted.
/// </summary>
internal static class NoticesApi
{
    public static IResult Notices(OlaHttpHost host) => OlaResults.Json(w =>
    {
        var notices = new List<PluginNotice>();
        w.WriteStartArray("notices");
        foreach (Plugin plugin in host.Core.Plugins.Plugins.OrderBy(p => p.Id))
        {
            if (plugin is not INoticeSource source || !plugin.IsActive)
            {
                continue;
            }

            notices.Clear();
            source.CollectNotices(notices);
            foreach (PluginNotice n in notices)
            {
                w.WriteStartObject();
                w.WriteNumber("count", n.Count);
                w.WriteString("from", n.From);
                w.WriteString("kind", n.Kind);
                w.WriteNumber("last_seen_ms", (long)n.LastSeen.TotalMilliseconds);
                w.WriteString("message", n.Message);
                w.WriteString("plugin", plugin.Name);
                w.WriteString("subject", n.Subject);
                w.WriteEndObject();
            }
        }

        w.WriteEndArray();
    });
}
