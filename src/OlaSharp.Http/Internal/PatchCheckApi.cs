// Licensed under the MIT License. See LICENSE in the repository root.

namespace OlaSharp.Http.Internal;

/// <summary>
/// <c>GET /json/patch_check?id=[universe]&amp;port=[port id]</c> (ours, not olad's): why patching a port to a universe
/// would fail, in words, so the web UI can say more than olad's "Failed to patch any ports" / "Update failed"
/// (whose text the OLA JSON API keeps for olad's clients). <c>{"ok": bool, "problem": "..."}</c>, keys sorted;
/// <c>ok</c> is true and <c>problem</c> empty when nothing stands in the way. Read-only: nothing is patched.
/// </summary>
internal static class PatchCheckApi
{
    public static IResult Check(OlaHttpHost host, HttpContext ctx)
    {
        if (!OlaResults.TryInt(ctx.Request.Query["id"], out int universe))
        {
            return OlaResults.HelpRedirect();
        }

        string portId = ctx.Request.Query["port"].ToString();
        string problem = Problem(host, universe, portId);
        return OlaResults.Json(w =>
        {
            w.WriteBoolean("ok", problem.Length == 0);
            w.WriteString("problem", problem);
        });
    }

    /// <summary>The reason in words, or empty.</summary>
    internal static string Problem(OlaHttpHost host, int universe, string portId)
    {
        if (portId.Length == 0)
        {
            return "Choose a port to patch: a universe exists only while a port is patched to it.";
        }

        Port? port = OlaApi.FindByHttpId(host.Core.Devices, portId);
        if (port is null)
        {
            return $"Port {portId} does not exist (any more): its device may have gone or its plugin been disabled.";
        }

        string name = $"{port.Device.Name} {(port.IsOutput ? "output" : "input")} {port.Index}";
        if (port.Universe?.Id == universe)
        {
            return string.Empty;
        }

        if (!port.IsUniverseValid(universe, out string? reason))
        {
            return $"{name} cannot take universe {universe}: {reason ?? "the plugin refuses that universe"}.";
        }

        foreach (Port other in port.Device.Ports)
        {
            if (ReferenceEquals(other, port) || other.Universe?.Id != universe)
            {
                continue;
            }

            if (other.IsOutput != port.IsOutput && !port.Device.AllowLooping)
            {
                return $"{name} cannot be patched to universe {universe}: its device's {(other.IsOutput ? "output" : "input")} {other.Index} is patched to it, and this device cannot loop a universe back to itself.";
            }

            if (other.IsOutput == port.IsOutput && !port.Device.AllowMultiPortPatching)
            {
                return $"{name} cannot be patched to universe {universe}: {(other.IsOutput ? "output" : "input")} {other.Index} of the same device already is, and this device patches one port per universe.";
            }
        }

        return string.Empty;
    }
}
