// Licensed under the MIT License. See LICENSE in the repository root.
using System.Net;
using System.Text.Json;

namespace OlaSharp.Server.Tests;

/// <summary>
/// Issue 13 defect 12, first half: a web page on another site must not change the lights or the patch
/// through the HTTP API (a form POST or a no-cors fetch carries the page's Origin, or Referer, or
/// <c>Sec-Fetch-Site: cross-site</c>), while curl, scripts and the UI itself (same origin) keep working.
/// olad 0.10.9 applies all of these.
/// </summary>
public sealed class HttpCrossSiteTests(MalformedBodyFixture fixture) : IClassFixture<MalformedBodyFixture>
{
    public static TheoryData<string, string, string> CrossSiteHeaders => new()
    {
        { "another site", "Origin", "http://evil.example" },
        { "another port of this host", "Origin", "http://127.0.0.1:1" },
        { "a sandboxed frame or file://", "Origin", "null" },
        { "an https page", "Origin", "https://evil.example" },
        { "a Referer from another site", "Referer", "http://evil.example/lights.html" },
        { "a Referer that does not parse", "Referer", "::not a url::" },
        { "the browser's word", "Sec-Fetch-Site", "cross-site" },
        { "the browser's word (same site, other origin)", "Sec-Fetch-Site", "same-site" },
    };

    [Theory]
    [MemberData(nameof(CrossSiteHeaders))]
    public async Task SetDmx_FromAnotherOrigin_Is403AndChangesNothing(string what, string header, string value)
    {
        using HttpClient http = fixture.Server.Http();
        await SetDmxAsync(http, "1,1,1");

        using HttpResponseMessage r = await SendFormAsync(http, "/set_dmx", [(header, value)], ("u", "1"), ("d", "200,200,200"));

        Assert.True(r.StatusCode == HttpStatusCode.Forbidden, $"{what}: {(int)r.StatusCode} {await r.Content.ReadAsStringAsync()}");
        string body = await r.Content.ReadAsStringAsync();
        Assert.Contains("403", body, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', body);
        int[] after = await GetDmxAsync(http);
        Assert.Equal(new[] { 1, 1, 1 }, after);
    }

    [Theory]
    [InlineData("/new_universe", "id", "77", "name", "Evil")]
    [InlineData("/modify_universe", "id", "1", "name", "Evil")]
    [InlineData("/set_plugin_state", "plugin_id", "1", "state", "false")]
    public async Task OtherPosts_FromAnotherSite_Are403AndChangeNothing(string path, string k1, string v1, string k2, string v2)
    {
        using HttpClient http = fixture.Server.Http();

        using HttpResponseMessage r = await SendFormAsync(http, path, [("Origin", "http://evil.example")], (k1, v1), (k2, v2));

        Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
        using JsonDocument list = JsonDocument.Parse(await http.GetStringAsync("/json/universe_plugin_list"));
        Assert.DoesNotContain(list.RootElement.GetProperty("universes").EnumerateArray(), u => u.GetProperty("id").GetInt32() == 77 || u.GetProperty("name").GetString() == "Evil");
        Assert.True(list.RootElement.GetProperty("plugins").EnumerateArray().First(p => p.GetProperty("id").GetInt32() == 1).GetProperty("enabled").GetBoolean());
    }

    [Theory]
    [InlineData("/reload")]
    [InlineData("/reload_pids")]
    [InlineData("/quit")]
    public async Task StateChangingGets_WithAReferrerFromAnotherSite_Are403(string path)
    {
        using HttpClient http = fixture.Server.Http();
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Referrer = new Uri("http://evil.example/");

        using HttpResponseMessage r = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
        Assert.Contains("another site", await r.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    public static TheoryData<string, (string, string)[]> SameOriginHeaders => new()
    {
        { "curl, scripts, OLA's tools: no Origin, no Referer", [] },
        { "the UI: its own origin", [("Origin", "http://127.0.0.1:{port}")] },
        { "the UI: its own page as Referer", [("Referer", "http://127.0.0.1:{port}/")] },
        { "the browser says same-origin", [("Sec-Fetch-Site", "same-origin"), ("Origin", "http://127.0.0.1:{port}")] },
        { "typed into the address bar", [("Sec-Fetch-Site", "none")] },
    };

    [Theory]
    [MemberData(nameof(SameOriginHeaders))]
    public async Task SetDmx_FromTheSameOriginOrNoBrowser_Applies(string what, (string, string)[] headers)
    {
        using HttpClient http = fixture.Server.Http();
        await SetDmxAsync(http, "1,1,1");
        (string, string)[] withPort = [.. headers.Select(h => (h.Item1, h.Item2.Replace("{port}", fixture.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)))];

        using HttpResponseMessage r = await SendFormAsync(http, "/set_dmx", withPort, ("u", "1"), ("d", "9,8,7"));

        Assert.True(r.StatusCode == HttpStatusCode.OK, $"{what}: {(int)r.StatusCode} {await r.Content.ReadAsStringAsync()}");
        int[] after = await GetDmxAsync(http);
        Assert.Equal(new[] { 9, 8, 7 }, after);
    }

    [Theory]
    [InlineData("/get_dmx?u=1")]
    [InlineData("/json/universe_plugin_list")]
    [InlineData("/json/server_stats")]
    [InlineData("/metrics")]
    [InlineData("/")]
    public async Task Reads_StayOpenWhateverTheOrigin(string path)
    {
        using HttpClient http = fixture.Server.Http();
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Origin", "http://evil.example");
        request.Headers.Add("Sec-Fetch-Site", "cross-site");

        using HttpResponseMessage r = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.False(r.Headers.Contains("Access-Control-Allow-Origin"), "a page on another site must not be allowed to read the answers");
    }

    private static async Task SetDmxAsync(HttpClient http, string d)
    {
        using HttpResponseMessage r = await SendFormAsync(http, "/set_dmx", [], ("u", "1"), ("d", d));
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
    }

    private static async Task<int[]> GetDmxAsync(HttpClient http)
    {
        using JsonDocument dmx = JsonDocument.Parse(await http.GetStringAsync("/get_dmx?u=1"));
        return [.. dmx.RootElement.GetProperty("dmx").EnumerateArray().Select(e => e.GetInt32())];
    }

    internal static async Task<HttpResponseMessage> SendFormAsync(HttpClient http, string path, (string Name, string Value)[] headers, params (string Key, string Value)[] fields)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new FormUrlEncodedContent(fields.Select(f => new KeyValuePair<string, string>(f.Key, f.Value))),
        };
        foreach ((string name, string value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return await http.SendAsync(request);
    }
}
