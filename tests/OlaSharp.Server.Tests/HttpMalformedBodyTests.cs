// Licensed under the MIT License. See LICENSE in the repository root.
using System.Net;
using System.Text;
using System.Text.Json;

namespace OlaSharp.Server.Tests;

/// <summary>An olasharpd (HTTP on 127.0.0.1, port 0) with universe 1 patched to the dummy output.</summary>
public sealed class MalformedBodyFixture : IAsyncLifetime
{
    internal ServerProcess Server { get; private set; } = null!;

    internal int Port => Server.HttpPort!.Value;

    public async Task InitializeAsync()
    {
        Server = ServerProcess.Start(null, "--bind", "127.0.0.1");
        await Server.WaitReadyAsync();
        using HttpClient http = Server.Http();
        using var form = new FormUrlEncodedContent([new("id", "1"), new("add_ports", "1-O-0")]);
        using HttpResponseMessage r = await http.PostAsync("/new_universe", form);
        using JsonDocument created = JsonDocument.Parse(await r.Content.ReadAsStringAsync());
        Assert.True(created.RootElement.GetProperty("ok").GetBoolean());
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>
/// Issue 13 defect 7: a form body that cannot be read (broken chunking, a body that stops short, over
/// the size limit, bad percent-encoding or UTF-8, broken multipart) gets a 400 with a one-line reason,
/// never a 500, and the server logs no stack trace (Kestrel logs one for any exception the app lets out).
/// Sent over a raw socket, since HttpClient cannot send these.
/// </summary>
public sealed class HttpMalformedBodyTests(MalformedBodyFixture fixture) : IClassFixture<MalformedBodyFixture>
{
    private const string FormType = "Content-Type: application/x-www-form-urlencoded";

    public static TheoryData<string, string> BrokenChunking => new()
    {
        { "chunk size overflows", "ffffffffffffffffff\r\nu=1\r\n0\r\n\r\n" },
        { "chunk size not hex", "zz\r\nu=1\r\n0\r\n\r\n" },
        { "chunk data without its CRLF", "3\r\nu=1XX0\r\n\r\n" },
    };

    [Theory]
    [MemberData(nameof(BrokenChunking))]
    public async Task SetDmx_BrokenChunkedBody_Is400WithoutStackTrace(string what, string body)
    {
        RawHttp.Reply r = await RawHttp.SendAsync(fixture.Port, RawHttp.Head("POST", "/set_dmx", fixture.Port, FormType, "Transfer-Encoding: chunked") + body);

        Assert.True(r.Status == 400, $"{what}: {r.Text}");
        Assert.Contains("400 Bad Request", r.Body, StringComparison.Ordinal);
        await AssertNoStackTraceAsync();
    }

    [Theory]
    [InlineData("/set_dmx", "u=1&d=%zz", "percent")]
    [InlineData("/set_dmx", "u=1&d=5%", "percent")]
    [InlineData("/set_dmx", "u=1&d=%FF%FE", "UTF-8")]
    [InlineData("/modify_universe", "id=1&name=%E2%28%A1", "UTF-8")]
    public async Task Post_BadUrlEncoding_Is400NamingTheProblem(string path, string body, string reason)
    {
        RawHttp.Reply r = await RawHttp.SendAsync(fixture.Port, RawHttp.Head("POST", path, fixture.Port, FormType, $"Content-Length: {body.Length}") + body);

        Assert.True(r.Status == 400, r.Text);
        Assert.Contains(reason, r.Body, StringComparison.Ordinal);
        await AssertNoStackTraceAsync();
    }

    [Fact]
    public async Task SetDmx_FormOverTheSizeLimit_Is400()
    {
        // 1.5 MiB of values (olad would keep the first 512): over the 1 MiB a form may hold.
        string body = "u=1&d=" + string.Join(',', Enumerable.Repeat("255", 400_000));
        RawHttp.Reply r = await RawHttp.SendAsync(fixture.Port, RawHttp.Head("POST", "/set_dmx", fixture.Port, FormType, $"Content-Length: {body.Length}") + body);

        Assert.True(r.Status == 400, r.Text.Length > 400 ? r.Text[..400] : r.Text);
        Assert.Contains("too large", r.Body, StringComparison.Ordinal);
        await AssertNoStackTraceAsync();
    }

    [Fact]
    public async Task SetDmx_ChunkedFormOverTheSizeLimit_Is400()
    {
        var body = new StringBuilder();
        string chunk = "u=1&d=" + new string('1', 65_530);
        body.Append("10000\r\n").Append(chunk).Append("\r\n");
        string more = new('1', 65_536);
        for (int i = 0; i < 20; i++)
        {
            body.Append("10000\r\n").Append(more).Append("\r\n");
        }

        body.Append("0\r\n\r\n");
        RawHttp.Reply r = await RawHttp.SendAsync(fixture.Port, RawHttp.Head("POST", "/set_dmx", fixture.Port, FormType, "Transfer-Encoding: chunked") + body);

        Assert.True(r.Status == 400, r.Text.Length > 400 ? r.Text[..400] : r.Text);
        await AssertNoStackTraceAsync();
    }

    [Fact]
    public async Task Post_TooManyFields_Is400SayingSo()
    {
        string body = string.Join('&', Enumerable.Range(0, 5000).Select(i => $"k{i}=1"));
        RawHttp.Reply r = await RawHttp.SendAsync(fixture.Port, RawHttp.Head("POST", "/modify_universe", fixture.Port, FormType, $"Content-Length: {body.Length}") + body);

        Assert.True(r.Status == 400, r.Text);
        Assert.Contains("fields", r.Body, StringComparison.Ordinal);
        await AssertNoStackTraceAsync();
    }

    [Fact]
    public async Task Post_BrokenMultipart_Is400SayingWhy()
    {
        const string body = "--XX\r\nbroken-part-hea";
        RawHttp.Reply r = await RawHttp.SendAsync(fixture.Port, RawHttp.Head("POST", "/set_dmx", fixture.Port, "Content-Type: multipart/form-data; boundary=XX", $"Content-Length: {body.Length}") + body);

        Assert.True(r.Status == 400, r.Text);
        Assert.DoesNotContain("must be sent as a form", r.Body, StringComparison.Ordinal);
        await AssertNoStackTraceAsync();
    }

    [Fact]
    public async Task SetDmx_BodyShorterThanContentLength_Is400AfterTheReadTimesOut()
    {
        // The client claims 100 bytes, sends 7 and waits: Kestrel gives up after its minimum data rate's
        // 5 s grace period.
        RawHttp.Reply r = await RawHttp.SendAsync(fixture.Port, RawHttp.Head("POST", "/set_dmx", fixture.Port, FormType, "Content-Length: 100") + "u=1&d=1", TimeSpan.FromSeconds(30));

        Assert.False(r.TimedOut, "no reply within 30 s");
        Assert.True(r.Status == 400, r.Text);
        await AssertNoStackTraceAsync();
    }

    [Fact]
    public async Task SetDmx_BodyCutShortByTheClient_NoStackTrace_ServerStillServes()
    {
        // FIN after 7 of 100 bytes: Kestrel aborts the request, nothing can be answered.
        await RawHttp.SendAsync(fixture.Port, RawHttp.Head("POST", "/set_dmx", fixture.Port, FormType, "Content-Length: 100") + "u=1&d=1", TimeSpan.FromSeconds(10), halfClose: true);

        using HttpClient http = fixture.Server.Http();
        using var form = new FormUrlEncodedContent([new("u", "1"), new("d", "4,5,6")]);
        using HttpResponseMessage ok = await http.PostAsync("/set_dmx", form);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        await AssertNoStackTraceAsync();
    }

    [Fact]
    public async Task SetDmx_WellFormedChunkedForm_StillApplies()
    {
        const string body = "5\r\nu=1&d\r\n6\r\n=7,8,9\r\n0\r\n\r\n";
        RawHttp.Reply r = await RawHttp.SendAsync(fixture.Port, RawHttp.Head("POST", "/set_dmx", fixture.Port, FormType, "Transfer-Encoding: chunked") + body);

        Assert.True(r.Status == 200, r.Text);
        Assert.Equal("ok", r.Body);
        using HttpClient http = fixture.Server.Http();
        using JsonDocument dmx = JsonDocument.Parse(await http.GetStringAsync("/get_dmx?u=1"));
        Assert.Equal([7, 8, 9], dmx.RootElement.GetProperty("dmx").EnumerateArray().Select(e => e.GetInt32()));
    }

    // Kestrel logs "fail: ... An unhandled exception was thrown by the application" with the whole trace
    // for anything the app lets escape; our own line (if any) is one short line at debug.
    private async Task AssertNoStackTraceAsync()
    {
        await Task.Delay(200);
        string output = fixture.Server.Output;
        Assert.DoesNotContain("Exception", output, StringComparison.Ordinal);
        Assert.DoesNotContain(" fail: ", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
    }
}
