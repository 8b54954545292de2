// Licensed under the MIT License. See LICENSE in the repository root.
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace OlaSharp.Http.Internal;

/// <summary>
/// A universe's failsafe, scenes and startup scene over HTTP, all through <see cref="ServerCore"/>:
/// <c>GET /json/universe/failsafe?id=N</c>, and the POSTs (form fields, guarded like every write)
/// <c>/universe/failsafe</c> (id, mode = hold|blackout|full|scene, after_ms = empty or 1..86400000, scene),
/// <c>/universe/scene/capture</c> (id, name), <c>/universe/scene/delete</c> (id, name) and
/// <c>/universe/startup_scene</c> (id, name; empty clears). Each POST answers with the failsafe JSON as it is
/// now, or <c>{"error": "..."}</c> with 400 (bad value), 404 (no such universe or scene) or 409 (a scene in
/// use, nothing to capture).
/// </summary>
internal sealed class FailsafeApi(OlaHttpHost host)
{
    public const string GetPath = "/json/universe/failsafe";
    public const string SetPath = "/universe/failsafe";
    public const string CapturePath = "/universe/scene/capture";
    public const string DeletePath = "/universe/scene/delete";
    public const string StartupPath = "/universe/startup_scene";

    private static readonly JsonWriterOptions s_options = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public IResult Get(HttpContext ctx)
    {
        if (!OlaResults.TryInt(ctx.Request.Query["id"].ToString(), out int id))
        {
            return Error(400, "id must be a universe number");
        }

        return host.Core.Universes.TryGet(id, out Universe? u) ? Status(u) : Error(404, $"universe {id} does not exist");
    }

    public Task<IResult> SetAsync(HttpContext ctx) => PostAsync(ctx, (form, id) =>
    {
        string modeText = form["mode"].ToString();
        if (!MergeModeText.TryParseFailsafeMode(modeText, out LossPolicy mode))
        {
            return new FailsafeResult(FailsafeError.InvalidArgument, $"mode '{modeText}' is not a failsafe mode: use hold, blackout, full or scene");
        }

        TimeSpan? after = null;
        string afterText = form["after_ms"].ToString().Trim();
        if (afterText.Length > 0)
        {
            if (!long.TryParse(afterText, NumberStyles.None, CultureInfo.InvariantCulture, out long ms) || ms > (long)FailsafeSettings.MaxAfter.TotalMilliseconds)
            {
                return new FailsafeResult(FailsafeError.InvalidArgument, $"after_ms '{afterText}' must be 1 to {FailsafeSettings.MaxAfter.TotalMilliseconds:0} milliseconds, or empty to act when the last source goes away");
            }

            after = TimeSpan.FromMilliseconds(ms);
        }

        string scene = form["scene"].ToString();
        return host.Core.SetFailsafe(id, new FailsafeSettings(mode, after, scene.Length == 0 ? null : scene));
    });

    public Task<IResult> CaptureAsync(HttpContext ctx) => PostAsync(ctx, (form, id) => host.Core.CaptureScene(id, form["name"].ToString()));

    public Task<IResult> DeleteAsync(HttpContext ctx) => PostAsync(ctx, (form, id) => host.Core.DeleteScene(id, form["name"].ToString()));

    public Task<IResult> StartupAsync(HttpContext ctx) => PostAsync(ctx, (form, id) => host.Core.SetStartupScene(id, form["name"].ToString()));

    private async Task<IResult> PostAsync(HttpContext ctx, Func<IFormCollection, int, FailsafeResult> action)
    {
        FormRead read = await FormBody.ReadAsync(ctx).ConfigureAwait(false);
        if (read.Form is null)
        {
            return read.NotAForm ? OlaResults.NoForm() : OlaResults.BadRequest(read.Error ?? "malformed form");
        }

        if (!OlaResults.TryInt(read.Form["id"].ToString(), out int id))
        {
            return Error(400, "id must be a universe number");
        }

        FailsafeResult result = action(read.Form, id);
        if (!result.Ok)
        {
            int status = result.Error switch
            {
                FailsafeError.UniverseNotFound or FailsafeError.SceneNotFound => 404,
                FailsafeError.FailedPrecondition => 409,
                _ => 400,
            };
            return Error(status, result.Message);
        }

        return host.Core.Universes.TryGet(id, out Universe? u) ? Status(u) : Error(404, $"universe {id} does not exist");
    }

    private static IResult Status(Universe u)
    {
        FailsafeSettings f = u.Failsafe;
        FailsafeStatus s = u.GetFailsafeStatus();
        IReadOnlyList<SceneInfo> scenes = u.GetScenes();
        string? startup = u.StartupScene;
        bool configured = u.FailsafeConfigured;
        return Json(200, w =>
        {
            w.WriteString("active_mode", s.Active ? MergeModeText.ToText(s.Mode) : null);
            w.WriteNumber("activations", s.Activations);
            if (f.After is TimeSpan after)
            {
                w.WriteNumber("after_ms", (long)after.TotalMilliseconds);
            }
            else
            {
                w.WriteNull("after_ms");
            }

            w.WriteBoolean("configured", configured);
            w.WriteNumber("id", u.Id);
            w.WriteBoolean("in_failsafe", s.Active);
            w.WriteString("mode", MergeModeText.ToText(f.Mode));
            w.WriteString("scene", f.Scene);
            w.WriteStartArray("scenes");
            foreach (SceneInfo scene in scenes)
            {
                w.WriteStartObject();
                w.WriteString("name", scene.Name);
                w.WriteNumber("slots", scene.Slots.Length);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteString("since", s.Since?.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            w.WriteString("startup_scene", startup);
            w.WriteBoolean("startup_scene_shown", s.StartupSceneShown);
        });
    }

    private static IResult Error(int status, string message) => Json(status, w => w.WriteString("error", message));

    private static IResult Json(int status, Action<Utf8JsonWriter> write)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, s_options))
        {
            w.WriteStartObject();
            write(w);
            w.WriteEndObject();
        }

        return Results.Text(Encoding.UTF8.GetString(ms.ToArray()), "application/json", statusCode: status);
    }
}
