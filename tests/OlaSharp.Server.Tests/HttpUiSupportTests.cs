// Licensed under the MIT License. See LICENSE in the repository root.
using System.Net;
using System.Text.Json;

namespace OlaSharp.Server.Tests;

/// <summary>
/// Issue 14 part 5, what the web UI relies on in the real olasharpd: <c>set_dmx</c> replaces the HTTP source's
/// whole frame (so the UI's faders send all 512 slots, or the line would carry only up to the highest fader),
/// and <c>/json/patch_check</c> says in words why a patch would fail (olad's API only says "Failed to patch any
/// ports" / "Update failed", which stays as it is for olad's clients).
/// </summary>
public sealed class HttpUiSupportTests(HttpServerFixture fixture) : IClassFixture<HttpServerFixture>
{
    [Fact]
    public async Task SetDmx_ShortListAfterFullFrame_CutsTheFrame_Full512KeepsEverySlot()
    {
        using HttpClient http = fixture.Server.Http();
        using JsonDocument created = JsonDocument.Parse(await PostAsync(http, "/new_universe", ("id", "31"), ("name", "Faders"), ("add_ports", "1-O-0")));
        Assert.True(created.RootElement.GetProperty("ok").GetBoolean());
        int[] pattern = [.. Enumerable.Range(0, 512).Select(i => ((i * 7) + 11) % 256)];
        Assert.Equal("ok", await PostAsync(http, "/set_dmx", ("u", "31"), ("d", string.Join(',', pattern))));
        Assert.Equal(pattern, await GetDmxAsync(http, 31));

        // What the UI did before: only up to the fader touched (3). The frame becomes 3 slots long.
        Assert.Equal("ok", await PostAsync(http, "/set_dmx", ("u", "31"), ("d", "11,18,200")));
        int[] cut = await GetDmxAsync(http, 31);
        Assert.Equal([11, 18, 200], cut);

        // What it does now: the frame shown with fader 3 applied, all 512 slots: every other slot is kept.
        int[] moved = [.. pattern];
        moved[2] = 200;
        Assert.Equal("ok", await PostAsync(http, "/set_dmx", ("u", "31"), ("d", string.Join(',', moved))));
        Assert.Equal(moved, await GetDmxAsync(http, 31));
    }

    [Fact]
    public async Task PatchCheck_SaysWhyInWords_OkWhenNothingStandsInTheWay()
    {
        using HttpClient http = fixture.Server.Http();
        using JsonDocument free = JsonDocument.Parse(await http.GetStringAsync("/json/patch_check?id=32&port=1-O-0"));
        Assert.Equal(["ok", "problem"], free.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.True(free.RootElement.GetProperty("ok").GetBoolean());
        Assert.Equal(string.Empty, free.RootElement.GetProperty("problem").GetString());

        (bool ok, string problem) = await CheckAsync(http, "id=32&port=");
        Assert.False(ok);
        Assert.StartsWith("Choose a port to patch", problem, StringComparison.Ordinal);

        (ok, problem) = await CheckAsync(http, "id=32&port=77-O-0");
        Assert.False(ok);
        Assert.Equal("Port 77-O-0 does not exist (any more): its device may have gone or its plugin been disabled.", problem);

        // A GET without a universe, or with one that is not a number of 0 or more, gets olad's help redirect, like
        // the other endpoints.
        using var noRedirects = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = http.BaseAddress };
        foreach (string url in new[] { "/json/patch_check", "/json/patch_check?id=-1&port=1-O-0", "/json/patch_check?id=x" })
        {
            using HttpResponseMessage help = await noRedirects.GetAsync(url);
            Assert.Equal(HttpStatusCode.Found, help.StatusCode);
        }
    }

    private static async Task<(bool Ok, string Problem)> CheckAsync(HttpClient http, string query)
    {
        using JsonDocument doc = JsonDocument.Parse(await http.GetStringAsync("/json/patch_check?" + query));
        return (doc.RootElement.GetProperty("ok").GetBoolean(), doc.RootElement.GetProperty("problem").GetString()!);
    }

    private static async Task<int[]> GetDmxAsync(HttpClient http, int universe)
    {
        using JsonDocument dmx = JsonDocument.Parse(await http.GetStringAsync($"/get_dmx?u={universe}"));
        return [.. dmx.RootElement.GetProperty("dmx").EnumerateArray().Select(e => e.GetInt32())];
    }

    private static async Task<string> PostAsync(HttpClient http, string path, params (string Key, string Value)[] pairs)
    {
        using var form = new FormUrlEncodedContent(pairs.Select(p => new KeyValuePair<string, string>(p.Key, p.Value)));
        using HttpResponseMessage r = await http.PostAsync(path, form);
        return await r.Content.ReadAsStringAsync();
    }
}
