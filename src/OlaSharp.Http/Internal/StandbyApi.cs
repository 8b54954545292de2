// Licensed under the MIT License. See LICENSE in the repository root.
using System.Globalization;
using System.Text.Json;
using OlaSharp.Core.Standby;

namespace OlaSharp.Http.Internal;

/// <summary>
/// <c>GET /json/standby</c> and <c>POST /json/standby/switch</c> (ours, not olad's): the hot-standby state of
/// <see cref="ServerCore.Standby"/> and the manual switch-over. Keys sorted: <c>{"outputs", "outputs_driven",
/// "partner", "partner_last_heard_ms", "partner_role", "reason", "role", "since", "transitions"}</c>;
/// <c>partner_last_heard_ms</c> is null when the partner was never heard. The switch answers the new state,
/// or 409 with the controller's sentence when it refuses (standalone, the partner not heard).
/// </summary>
internal static class StandbyApi
{
    public const string GetPath = "/json/standby";

    public const string SwitchPath = "/json/standby/switch";

    public static IResult Status(OlaHttpHost host) => OlaResults.Json(w => Write(w, host.Core.Standby.Status));

    public static IResult Switch(OlaHttpHost host)
    {
        IStandbyController standby = host.Core.Standby;
        if (!standby.TrySwitchOver(out string? error))
        {
            return Results.Text(error ?? "the switch-over was refused", "text/plain", statusCode: StatusCodes.Status409Conflict);
        }

        return OlaResults.Json(w => Write(w, standby.Status));
    }

    internal static void Write(Utf8JsonWriter w, StandbyStatus s)
    {
        w.WriteString("outputs", StandbyText.Outputs(s));
        w.WriteBoolean("outputs_driven", StandbyText.DrivesOutputs(s.Role));
        w.WriteString("partner", s.Partner);
        if (s.PartnerLastHeard is TimeSpan heard)
        {
            w.WriteNumber("partner_last_heard_ms", (long)heard.TotalMilliseconds);
        }
        else
        {
            w.WriteNull("partner_last_heard_ms");
        }

        w.WriteString("partner_role", StandbyText.RoleName(s.PartnerRole));
        w.WriteString("reason", s.Reason);
        w.WriteString("role", StandbyText.RoleName(s.Role));
        w.WriteString("since", s.Since.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        w.WriteNumber("transitions", s.Transitions);
    }
}
