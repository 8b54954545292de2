// Licensed under the MIT License. See LICENSE in the repository root.
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace OlaSharp.Server.Tests;

/// <summary>An olasharpd whose <c>ola-grpc.conf</c> sets <c>auth_token = t0ken</c>, with universe 1 patched (with the token).</summary>
public sealed class AuthTokenFixture : IAsyncLifetime
{
    public const string Token = "t0ken";

    private readonly string _dir = Directory.CreateTempSubdirectory("olas-http-token-").FullName;

    internal ServerProcess Server { get; private set; } = null!;

    internal int Port => Server.HttpPort!.Value;

    public async Task InitializeAsync()
    {
        await File.WriteAllTextAsync(Path.Combine(_dir, "ola-grpc.conf"), $"auth_token = {Token}\n");
        Server = ServerProcess.Start(_dir, "--bind", "127.0.0.1");
        await Server.WaitReadyAsync();
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        Directory.Delete(_dir, true);
    }
}

/// <summary>
/// Issue 13 defect 12, second half: <c>auth_token</c> in <c>ola-grpc.conf</c> guards the HTTP API's
/// state-changing endpoints too (<c>Authorization: Bearer &lt;token&gt;</c>, else 401), with reads left
/// open as gRPC leaves them. Before, HTTP on all interfaces patched and renamed without it.
/// </summary>
public sealed class HttpAuthTokenTests(AuthTokenFixture fixture) : IClassFixture<AuthTokenFixture>
{
    public static TheoryData<string, string?> RefusedAuthorizations => new()
    {
        { "no header", null },
        { "wrong token", "Bearer wrong" },
        { "token prefix", "Bearer t0ke" },
        { "token plus more", "Bearer t0ken2" },
        { "Basic scheme", "Basic dDBrZW4=" },
        { "bare token", "t0ken" },
        { "empty bearer", "Bearer " },
    };

    [Theory]
    [MemberData(nameof(RefusedAuthorizations))]
    public async Task Posts_WithoutTheRightToken_Are401AndChangeNothing(string what, string? authorization)
    {
        using HttpClient http = fixture.Server.Http();
        await PatchUniverseOneAsync(http);
        (string, string)[] headers = authorization is null ? [] : [("Authorization", authorization)];

        using HttpResponseMessage setDmx = await HttpCrossSiteTests.SendFormAsync(http, "/set_dmx", headers, ("u", "1"), ("d", "200"));
        using HttpResponseMessage rename = await HttpCrossSiteTests.SendFormAsync(http, "/modify_universe", headers, ("id", "1"), ("name", "Renamed"));
        using HttpResponseMessage create = await HttpCrossSiteTests.SendFormAsync(http, "/new_universe", headers, ("id", "88"), ("add_ports", "1-O-0"));
        using HttpResponseMessage plugin = await HttpCrossSiteTests.SendFormAsync(http, "/set_plugin_state", headers, ("plugin_id", "1"), ("state", "false"));

        foreach (HttpResponseMessage r in new[] { setDmx, rename, create, plugin })
        {
            Assert.True(r.StatusCode == HttpStatusCode.Unauthorized, $"{what}: {r.RequestMessage?.RequestUri} {(int)r.StatusCode}");
            Assert.Equal("Bearer", Assert.Single(r.Headers.WwwAuthenticate).Scheme);
            Assert.Contains("Authorization: Bearer", await r.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using JsonDocument info = JsonDocument.Parse(await http.GetStringAsync("/json/universe_info?id=1"));
        Assert.NotEqual("Renamed", info.RootElement.GetProperty("name").GetString());
        using JsonDocument dmx = JsonDocument.Parse(await http.GetStringAsync("/get_dmx?u=1"));
        Assert.DoesNotContain(dmx.RootElement.GetProperty("dmx").EnumerateArray(), e => e.GetInt32() == 200);
        using JsonDocument list = JsonDocument.Parse(await http.GetStringAsync("/json/universe_plugin_list"));
        Assert.DoesNotContain(list.RootElement.GetProperty("universes").EnumerateArray(), u => u.GetProperty("id").GetInt32() == 88);
        Assert.True(list.RootElement.GetProperty("plugins").EnumerateArray().First(p => p.GetProperty("id").GetInt32() == 1).GetProperty("enabled").GetBoolean());
    }

    [Theory]
    [InlineData("/reload")]
    [InlineData("/reload_pids")]
    [InlineData("/quit")]
    public async Task StateChangingGets_WithoutTheToken_Are401(string path)
    {
        using HttpClient http = fixture.Server.Http();
        using HttpResponseMessage r = await http.GetAsync(path);
        Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);

        using var withToken = new HttpRequestMessage(HttpMethod.Get, path);
        withToken.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AuthTokenFixture.Token);
        using HttpResponseMessage ok = await http.SendAsync(withToken);
        Assert.Equal(path == "/quit" ? HttpStatusCode.Forbidden : HttpStatusCode.OK, ok.StatusCode); // /quit is off unless --http-quit
    }

    [Theory]
    [InlineData("Bearer t0ken")]
    [InlineData("bearer t0ken")]
    [InlineData("Bearer  t0ken ")]
    public async Task Posts_WithTheToken_Apply(string authorization)
    {
        using HttpClient http = fixture.Server.Http();
        await PatchUniverseOneAsync(http);

        using HttpResponseMessage r = await HttpCrossSiteTests.SendFormAsync(http, "/set_dmx", [("Authorization", authorization)], ("u", "1"), ("d", "42,43"));

        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        using JsonDocument dmx = JsonDocument.Parse(await http.GetStringAsync("/get_dmx?u=1"));
        Assert.Equal([42, 43], dmx.RootElement.GetProperty("dmx").EnumerateArray().Select(e => e.GetInt32()));
    }

    [Fact]
    public async Task TheTokenDoesNotOpenTheDoorToAnotherSite()
    {
        using HttpClient http = fixture.Server.Http();
        using HttpResponseMessage r = await HttpCrossSiteTests.SendFormAsync(http, "/set_dmx", [("Authorization", "Bearer " + AuthTokenFixture.Token), ("Origin", "http://evil.example")], ("u", "1"), ("d", "1"));
        Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
    }

    [Theory]
    [InlineData("/get_dmx?u=1")]
    [InlineData("/json/universe_plugin_list")]
    [InlineData("/json/server_stats")]
    [InlineData("/json/universe_info?id=1")]
    [InlineData("/json/get_ports")]
    [InlineData("/json/plugin_info?id=1")]
    [InlineData("/metrics")]
    [InlineData("/")]
    [InlineData("/ui/app.js")]
    [InlineData("/set_dmx?help=1")]
    public async Task Reads_NeedNoToken(string path)
    {
        using HttpClient http = fixture.Server.Http();
        await PatchUniverseOneAsync(http);
        using HttpResponseMessage r = await http.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
    }

    [Fact]
    public async Task Live_NeedsNoToken()
    {
        using HttpClient http = fixture.Server.Http();
        await PatchUniverseOneAsync(http);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/live?u=1");
        using HttpResponseMessage r = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal("text/event-stream", r.Content.Headers.ContentType?.MediaType);
    }

    private static async Task PatchUniverseOneAsync(HttpClient http)
    {
        using HttpResponseMessage r = await HttpCrossSiteTests.SendFormAsync(http, "/new_universe", [("Authorization", "Bearer " + AuthTokenFixture.Token)], ("id", "1"), ("add_ports", "1-O-0"));
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
    }
}
