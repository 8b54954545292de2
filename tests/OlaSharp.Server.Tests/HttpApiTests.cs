// Licensed under the MIT License. See LICENSE in the repository root.
using System.Net;
using System.Text;
using System.Text.Json;

namespace OlaSharp.Server.Tests;

/// <summary>One olasharpd (HTTP on 127.0.0.1, port 0) shared by the API tests of one class.</summary>
public sealed class HttpServerFixture : IAsyncLifetime
{
    internal ServerProcess Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = ServerProcess.Start(null, "--bind", "127.0.0.1");
        await Server.WaitReadyAsync();
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>
/// OLA's HTTP API on the real olasharpd: olad's shapes (shared/ola-behaviour.md section 7), and bad
/// parameters answered with clear errors rather than crashes.
/// </summary>
public sealed class HttpApiTests(HttpServerFixture fixture) : IClassFixture<HttpServerFixture>
{
    private static readonly string[] s_statsKeys = ["broadcast", "config_dir", "hostname", "hw_address", "instance_name", "ip", "quit_enabled", "subnet", "up_since", "version"];

    [Fact]
    public async Task ServerStats_HasOladsKeysSortedAsTextPlainNoCache()
    {
        using HttpClient http = fixture.Server.Http();
        using HttpResponseMessage r = await http.GetAsync("/json/server_stats");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal("text/plain", r.Content.Headers.ContentType?.MediaType);
        Assert.Equal("no-cache, must-revalidate", r.Headers.NonValidated["Cache-Control"].ToString());
        string body = await r.Content.ReadAsStringAsync();
        Assert.Contains("\\/", body, StringComparison.Ordinal);
        Assert.False(body.EndsWith('\n'));
        using JsonDocument doc = JsonDocument.Parse(body);
        Assert.Equal(s_statsKeys, doc.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.False(doc.RootElement.GetProperty("quit_enabled").GetBoolean());
        Assert.Equal("0.10.9", doc.RootElement.GetProperty("version").GetString());
        Assert.Matches(@"^[A-Z][a-z]{2} [A-Z][a-z]{2} [ 1-3]\d \d\d:\d\d:\d\d \d{4}$", doc.RootElement.GetProperty("up_since").GetString());
    }

    [Fact]
    public async Task NewUniverse_SetDmx_UniverseInfoAndPluginList_HaveOladsShapes()
    {
        using HttpClient http = fixture.Server.Http();
        string name = new('n', 150);
        using JsonDocument created = JsonDocument.Parse(await PostAsync(http, "/new_universe", ("id", "1"), ("name", name), ("add_ports", "1-O-0")));
        Assert.True(created.RootElement.GetProperty("ok").GetBoolean());
        Assert.Equal("ok", await PostAsync(http, "/set_dmx", ("u", "1"), ("d", "1,2,3,300,,7")));
        using JsonDocument dmx = JsonDocument.Parse(await http.GetStringAsync("/get_dmx?u=1"));
        Assert.Equal([1, 2, 3, 44, 0, 7], dmx.RootElement.GetProperty("dmx").EnumerateArray().Select(e => e.GetInt32()));

        using JsonDocument info = JsonDocument.Parse(await http.GetStringAsync("/json/universe_info?id=1"));
        Assert.Equal(["id", "input_ports", "merge_mode", "name", "output_ports"], info.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal(name, info.RootElement.GetProperty("name").GetString()); // kept whole (olad keeps the text after 100)
        JsonElement port = Assert.Single(info.RootElement.GetProperty("output_ports").EnumerateArray());
        Assert.Equal(["description", "device", "id", "is_output", "priority"], port.EnumerateObject().Select(p => p.Name));
        Assert.Equal("1-O-0", port.GetProperty("id").GetString());
        Assert.Equal(JsonValueKind.Object, port.GetProperty("priority").ValueKind);

        using JsonDocument list = JsonDocument.Parse(await http.GetStringAsync("/json/universe_plugin_list"));
        JsonElement u = Assert.Single(list.RootElement.GetProperty("universes").EnumerateArray(), e => e.GetProperty("id").GetInt32() == 1);
        Assert.Equal(["id", "input_ports", "name", "output_ports", "rdm_devices"], u.EnumerateObject().Select(p => p.Name));
        Assert.Equal(1, u.GetProperty("output_ports").GetInt32());
        int[] ids = [.. list.RootElement.GetProperty("plugins").EnumerateArray().Select(p => p.GetProperty("id").GetInt32())];
        Assert.Equal(ids.Order(), ids);

        Assert.Equal("ok", await PostAsync(http, "/modify_universe", ("id", "1"), ("name", "Stage"), ("merge_mode", "HTP")));
        using JsonDocument after = JsonDocument.Parse(await http.GetStringAsync("/json/universe_info?id=1"));
        Assert.Equal("HTP", after.RootElement.GetProperty("merge_mode").GetString());
        Assert.Equal("Stage", after.RootElement.GetProperty("name").GetString());
    }

    [Fact]
    public async Task PluginInfo_AndGetPorts_HaveOladsShapes()
    {
        using HttpClient http = fixture.Server.Http();
        using JsonDocument p = JsonDocument.Parse(await http.GetStringAsync("/json/plugin_info?id=1"));
        Assert.Equal(["active", "conflicts_with", "description", "enabled", "name", "preferences_source"], p.RootElement.EnumerateObject().Select(e => e.Name));
        Assert.EndsWith("ola-dummy.conf", p.RootElement.GetProperty("preferences_source").GetString(), StringComparison.Ordinal);
        using JsonDocument ports = JsonDocument.Parse(await http.GetStringAsync("/json/get_ports"));
        Assert.Equal(JsonValueKind.Array, ports.RootElement.ValueKind);
        Assert.Equal(HttpStatusCode.InternalServerError, (await http.GetAsync("/json/plugin_info?id=999")).StatusCode);
    }

    [Theory]
    [InlineData("/get_dmx")]
    [InlineData("/get_dmx?u=")]
    [InlineData("/get_dmx?u=abc")]
    [InlineData("/get_dmx?u=-1")]
    [InlineData("/get_dmx?u=99999999999")]
    [InlineData("/json/universe_info")]
    [InlineData("/json/universe_info?id=x")]
    [InlineData("/json/plugin_info")]
    [InlineData("/json/get_ports?id=x")]
    [InlineData("/set_dmx")]
    [InlineData("/new_universe")]
    public async Task Get_MissingOrBadNumber_RedirectsToHelp(string url)
    {
        using HttpClient http = NoRedirects();
        using HttpResponseMessage r = await http.GetAsync(url);
        Assert.Equal(HttpStatusCode.Found, r.StatusCode);
        Assert.Equal("?help=1", r.Headers.Location?.OriginalString);
        Assert.Equal("<b>302 Found</b> See ?help=1", await r.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Help_DescribesTheParameters()
    {
        using HttpClient http = fixture.Server.Http();
        string body = await http.GetStringAsync("/get_dmx?help=1");
        Assert.StartsWith("<b>Usage:</b>", body, StringComparison.Ordinal);
        Assert.Contains("u=[universe]", body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("u=1")]
    [InlineData("u=1&d=")]
    public async Task SetDmx_EmptyData_Is500InvalidDmxString(string form)
    {
        using HttpClient http = fixture.Server.Http();
        using var content = new StringContent(form, Encoding.ASCII, "application/x-www-form-urlencoded");
        using HttpResponseMessage r = await http.PostAsync("/set_dmx", content);
        Assert.Equal(HttpStatusCode.InternalServerError, r.StatusCode);
        Assert.Equal("<b>500 Server Error</b><p>Invalid DMX string</p>", await r.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task SetDmx_MissingUniverse_Is500()
    {
        using HttpClient http = fixture.Server.Http();
        using HttpResponseMessage r = await http.PostAsync("/set_dmx", Form(("u", "4242"), ("d", "1")));
        Assert.Equal(HttpStatusCode.InternalServerError, r.StatusCode);
        Assert.Contains("Universe doesn't exist", await r.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using JsonDocument dmx = JsonDocument.Parse(await http.GetStringAsync("/get_dmx?u=4242"));
        Assert.Equal("Universe doesn't exist", dmx.RootElement.GetProperty("error").GetString());
        Assert.Equal(0, dmx.RootElement.GetProperty("dmx").GetArrayLength());
    }

    [Fact]
    public async Task SetDmx_TenThousandValues_TruncatedTo512()
    {
        using HttpClient http = fixture.Server.Http();
        using JsonDocument created = JsonDocument.Parse(await PostAsync(http, "/new_universe", ("id", "9"), ("add_ports", "1-O-0")));
        string d = string.Join(',', Enumerable.Range(0, 10_000).Select(i => (i % 300).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal("ok", await PostAsync(http, "/set_dmx", ("u", "9"), ("d", d)));
        using JsonDocument dmx = JsonDocument.Parse(await http.GetStringAsync("/get_dmx?u=9"));
        int[] values = [.. dmx.RootElement.GetProperty("dmx").EnumerateArray().Select(e => e.GetInt32())];
        Assert.Equal(512, values.Length);
        Assert.Equal(299 % 256, values[299]);
    }

    [Fact]
    public async Task Post_WithoutContentType_Is400WithMessage()
    {
        using HttpClient http = fixture.Server.Http();
        using var content = new ByteArrayContent("u=1&d=1"u8.ToArray());
        using HttpResponseMessage r = await http.PostAsync("/modify_universe", content);
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        Assert.Contains("form", await r.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ModifyUniverse_NoName_Or_UnknownUniverse_Is500()
    {
        using HttpClient http = fixture.Server.Http();
        using HttpResponseMessage noName = await http.PostAsync("/modify_universe", Form(("id", "1")));
        Assert.Equal(HttpStatusCode.InternalServerError, noName.StatusCode);
        Assert.Contains("No name supplied", await noName.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using HttpResponseMessage unknown = await http.PostAsync("/modify_universe", Form(("id", "777"), ("name", "x")));
        Assert.Contains("Update failed", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NewUniverse_NoPorts_IsNotOk()
    {
        using HttpClient http = fixture.Server.Http();
        using JsonDocument r = JsonDocument.Parse(await PostAsync(http, "/new_universe", ("id", "55"), ("add_ports", "99-O-0,garbage")));
        Assert.False(r.RootElement.GetProperty("ok").GetBoolean());
        Assert.Equal("Failed to patch any ports", r.RootElement.GetProperty("message").GetString());
    }

    [Fact]
    public async Task SetPluginState_BadStateRedirects_UnknownPluginIs500()
    {
        using HttpClient http = NoRedirects();
        using HttpResponseMessage bad = await http.PostAsync("/set_plugin_state", Form(("plugin_id", "1"), ("state", "maybe")));
        Assert.Equal(HttpStatusCode.Found, bad.StatusCode);
        using HttpResponseMessage unknown = await http.PostAsync("/set_plugin_state", Form(("plugin_id", "999"), ("state", "true")));
        Assert.Equal(HttpStatusCode.InternalServerError, unknown.StatusCode);
    }

    [Fact]
    public async Task UnknownPath_Is404_QuitIs403WhenNotEnabled()
    {
        using HttpClient http = fixture.Server.Http();
        using HttpResponseMessage r = await http.GetAsync("/no/such/thing");
        Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
        Assert.Equal("<b>404 Not Found</b>", await r.Content.ReadAsStringAsync());
        using HttpResponseMessage quit = await http.GetAsync("/quit");
        Assert.Equal(HttpStatusCode.Forbidden, quit.StatusCode);
    }

    [Fact]
    public async Task Ui_IsServedFromTheAssembly()
    {
        using HttpClient http = fixture.Server.Http();
        string html = await http.GetStringAsync("/");
        Assert.Contains("/ui/app.js", html, StringComparison.Ordinal);
        using HttpResponseMessage js = await http.GetAsync("/ui/app.js");
        Assert.Equal("text/javascript", js.Content.Headers.ContentType?.MediaType);
        using HttpResponseMessage css = await http.GetAsync("/ui/app.css");
        Assert.Equal(HttpStatusCode.OK, css.StatusCode);
    }

    [Fact]
    public async Task Live_StreamsTheUniverseAsServerSentEvents()
    {
        using HttpClient http = fixture.Server.Http();
        using JsonDocument created = JsonDocument.Parse(await PostAsync(http, "/new_universe", ("id", "12"), ("add_ports", "1-O-0")));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/live?u=12");
        using HttpResponseMessage r = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", r.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await r.Content.ReadAsStreamAsync());
        Assert.StartsWith("data: {\"u\":12,", await reader.ReadLineAsync(), StringComparison.Ordinal);
        Assert.Equal("ok", await PostAsync(http, "/set_dmx", ("u", "12"), ("d", "9,8,7")));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        string? line;
        do
        {
            line = await reader.ReadLineAsync(cts.Token);
        }
        while (line is not null && !line.EndsWith("\"dmx\":[9,8,7]}", StringComparison.Ordinal));

        Assert.NotNull(line);
    }

    [Fact]
    public async Task Metrics_PrometheusTextWithUniverseSourceAndClockSeries()
    {
        using HttpClient http = fixture.Server.Http();
        using JsonDocument created = JsonDocument.Parse(await PostAsync(http, "/new_universe", ("id", "21"), ("add_ports", "1-O-0")));
        Assert.Equal("ok", await PostAsync(http, "/set_dmx", ("u", "21"), ("d", "1,2")));
        using HttpResponseMessage r = await http.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal("text/plain", r.Content.Headers.ContentType?.MediaType);
        string text = await r.Content.ReadAsStringAsync();
        Assert.Contains("# TYPE olasharp_universe_updates_total counter", text, StringComparison.Ordinal);
        Assert.Contains("olasharp_universe_updates_total{universe=\"21\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("olasharp_universe_sources{universe=\"21\",protocol=\"http\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("olasharp_universe_slots{universe=\"21\"} 2", text, StringComparison.Ordinal);
        Assert.Contains("olasharp_clock_lateness_seconds{stat=\"max\"}", text, StringComparison.Ordinal);
        Assert.Contains("olasharp_output_frames_total{reason=\"tick\"}", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Quit_WhenEnabled_StopsTheServer()
    {
        await using ServerProcess server = ServerProcess.Start(null, "--bind", "127.0.0.1", "--http-quit");
        await server.WaitReadyAsync();
        using HttpClient http = server.Http();
        using JsonDocument stats = JsonDocument.Parse(await http.GetStringAsync("/json/server_stats"));
        Assert.True(stats.RootElement.GetProperty("quit_enabled").GetBoolean());
        Assert.Equal("ok", await http.GetStringAsync("/quit"));
        Assert.Equal(0, await server.WaitExitAsync(TimeSpan.FromSeconds(20)));
    }

    private static FormUrlEncodedContent Form(params (string Key, string Value)[] pairs) =>
        new(pairs.Select(p => new KeyValuePair<string, string>(p.Key, p.Value)));

    private static async Task<string> PostAsync(HttpClient http, string path, params (string Key, string Value)[] pairs)
    {
        using FormUrlEncodedContent form = Form(pairs);
        using HttpResponseMessage r = await http.PostAsync(path, form);
        return await r.Content.ReadAsStringAsync();
    }

    private HttpClient NoRedirects() =>
        new(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri($"http://127.0.0.1:{fixture.Server.HttpPort}"), Timeout = TimeSpan.FromSeconds(10) };
}
