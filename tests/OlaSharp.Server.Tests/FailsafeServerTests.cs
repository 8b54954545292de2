// Licensed under the MIT License. See LICENSE in the repository root.
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Google.Protobuf;
using OlaSharp.OlaRpc.Protocol;

namespace OlaSharp.Server.Tests;

/// <summary>
/// Issue 17 on the real olasharpd: the failsafe and startup scene set over HTTP survive a restart (a clean stop,
/// and kill -9 right after the POST's answer: ola-universe.conf is written atomically at each change), the
/// startup scene is the universe's frame before any source, and the failsafe acts when the source stops.
/// </summary>
[Collection("olasharpd processes")]
public sealed class FailsafeServerTests : IDisposable
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(10);
    private readonly string _dir = Directory.CreateTempSubdirectory("olas-failsafe-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    [Fact]
    public async Task CleanStop_Restart_StartupSceneBeforeAnySource_SceneFailsafeWhenRpcClientLeaves()
    {
        await using (ServerProcess first = ServerProcess.Start(_dir, "--bind", "127.0.0.1"))
        {
            await first.WaitReadyAsync();
            using HttpClient http = first.Http();
            await SetUpAsync(http, afterMs: string.Empty);
            first.Signal(15);
            Assert.Equal(0, await first.WaitExitAsync(TimeSpan.FromSeconds(20)));
        }

        await using ServerProcess second = ServerProcess.Start(_dir, "--bind", "127.0.0.1");
        JsonElement ready = await second.WaitReadyAsync();
        using HttpClient http2 = second.Http();
        Assert.Equal(new[] { 10, 20, 30 }, await GetDmxAsync(http2));
        using (JsonDocument status = await GetFailsafeAsync(http2))
        {
            Assert.True(status.RootElement.GetProperty("startup_scene_shown").GetBoolean());
            Assert.Equal("scene", status.RootElement.GetProperty("mode").GetString());
            Assert.Equal(JsonValueKind.Null, status.RootElement.GetProperty("after_ms").ValueKind);
        }

        // An OLA RPC client (no timeout of its own) sends, then disconnects: the last source goes away.
        using (Socket rpc = await ConnectAsync(ready.GetProperty("rpc").GetInt32()))
        {
            await rpc.SendAsync(RpcFrame(new DmxData { Universe = 1, Data = ByteString.CopyFrom(1, 2, 3, 4), Priority = 100 }));
            Assert.True(await WaitForAsync(async () => (await GetDmxAsync(http2)).SequenceEqual(new[] { 1, 2, 3, 4 })));
        }

        Assert.True(await WaitForAsync(async () => (await GetDmxAsync(http2)).SequenceEqual(new[] { 200, 0, 100 })));
        using JsonDocument acted = await GetFailsafeAsync(http2);
        Assert.True(acted.RootElement.GetProperty("in_failsafe").GetBoolean());
        Assert.Equal("scene", acted.RootElement.GetProperty("active_mode").GetString());
        string metrics = await http2.GetStringAsync("/metrics");
        Assert.Contains("olasharp_universe_failsafe_active{universe=\"1\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("olasharp_universe_failsafe_activations_total{universe=\"1\"} 1", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KilledRightAfterPost_Restart_StartupScene_AfterMsFailsafeWhenHttpSourceStops()
    {
        await using (ServerProcess first = ServerProcess.Start(_dir, "--bind", "127.0.0.1"))
        {
            await first.WaitReadyAsync();
            using HttpClient http = first.Http();
            await SetUpAsync(http, afterMs: "2000");
            first.Signal(9);
            await first.WaitExitAsync(TimeSpan.FromSeconds(20));
        }

        await using ServerProcess second = ServerProcess.Start(_dir, "--bind", "127.0.0.1");
        await second.WaitReadyAsync();
        using HttpClient http2 = second.Http();
        Assert.Equal(new[] { 10, 20, 30 }, await GetDmxAsync(http2));

        // /set_dmx's source never times out: only after_ms (from its last frame) can act. 2 s leaves room for the
        // GET right after the POST on a loaded machine (500 ms did not, once, with the whole suite running).
        Assert.Equal("ok", await PostTextAsync(http2, "/set_dmx", ("u", "1"), ("d", "5,6")));
        Assert.Equal(new[] { 5, 6 }, await GetDmxAsync(http2));
        Assert.True(await WaitForAsync(async () => (await GetDmxAsync(http2)).SequenceEqual(new[] { 200, 0, 100 })));
        using (JsonDocument acted = await GetFailsafeAsync(http2))
        {
            Assert.True(acted.RootElement.GetProperty("in_failsafe").GetBoolean());
            Assert.Equal(2000, acted.RootElement.GetProperty("after_ms").GetInt32());
        }

        // Sending again resumes at once.
        Assert.Equal("ok", await PostTextAsync(http2, "/set_dmx", ("u", "1"), ("d", "7")));
        Assert.Equal(new[] { 7 }, await GetDmxAsync(http2));
    }

    [Fact]
    public async Task HttpApi_Errors_StatusesAndMessages_AndTheGuard()
    {
        await using ServerProcess server = ServerProcess.Start(_dir, "--bind", "127.0.0.1");
        await server.WaitReadyAsync();
        using HttpClient http = server.Http();
        using (HttpResponseMessage missing = await http.GetAsync("/json/universe/failsafe?id=42"))
        {
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
            Assert.Contains("universe 42 does not exist", await missing.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Equal("ok", await CreateAndSetAsync(http));
        await AssertPostAsync(http, "/universe/failsafe", HttpStatusCode.BadRequest, "use hold, blackout, full or scene", ("id", "1"), ("mode", "dim"));
        await AssertPostAsync(http, "/universe/failsafe", HttpStatusCode.BadRequest, "must be 1 to 86400000", ("id", "1"), ("mode", "hold"), ("after_ms", "abc"));
        await AssertPostAsync(http, "/universe/failsafe", HttpStatusCode.NotFound, "has no scene 'x'", ("id", "1"), ("mode", "scene"), ("scene", "x"));
        await AssertPostAsync(http, "/universe/scene/capture", HttpStatusCode.BadRequest, "1 to 32 characters", ("id", "1"), ("name", "a b"));
        await AssertPostAsync(http, "/universe/scene/capture", HttpStatusCode.OK, "\"scenes\"", ("id", "1"), ("name", "s1"));
        await AssertPostAsync(http, "/universe/startup_scene", HttpStatusCode.OK, "\"startup_scene\": \"s1\"", ("id", "1"), ("name", "s1"));
        await AssertPostAsync(http, "/universe/scene/delete", HttpStatusCode.Conflict, "startup scene", ("id", "1"), ("name", "s1"));

        // A write from another site's page is refused like every other write.
        using var cross = new HttpRequestMessage(HttpMethod.Post, "/universe/scene/delete") { Content = Form(("id", "1"), ("name", "s1")) };
        cross.Headers.Add("Origin", "http://evil.example");
        using HttpResponseMessage refused = await http.SendAsync(cross);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }

    private static async Task<string> CreateAndSetAsync(HttpClient http)
    {
        await PostTextAsync(http, "/new_universe", ("id", "1"), ("add_ports", "1-O-0"));
        return await PostTextAsync(http, "/set_dmx", ("u", "1"), ("d", "1"));
    }

    // Universe 1 patched to the dummy output (so it exists at the next start), scenes "boot" and "lost",
    // failsafe = scene "lost" (after_ms as given), startup scene "boot".
    private static async Task SetUpAsync(HttpClient http, string afterMs)
    {
        using (JsonDocument created = JsonDocument.Parse(await PostTextAsync(http, "/new_universe", ("id", "1"), ("add_ports", "1-O-0"))))
        {
            Assert.True(created.RootElement.GetProperty("ok").GetBoolean());
        }

        Assert.Equal("ok", await PostTextAsync(http, "/set_dmx", ("u", "1"), ("d", "10,20,30")));
        await AssertPostAsync(http, "/universe/scene/capture", HttpStatusCode.OK, "\"boot\"", ("id", "1"), ("name", "boot"));
        Assert.Equal("ok", await PostTextAsync(http, "/set_dmx", ("u", "1"), ("d", "200,0,100")));
        await AssertPostAsync(http, "/universe/scene/capture", HttpStatusCode.OK, "\"lost\"", ("id", "1"), ("name", "lost"));
        await AssertPostAsync(http, "/universe/failsafe", HttpStatusCode.OK, "\"mode\": \"scene\"", ("id", "1"), ("mode", "scene"), ("scene", "lost"), ("after_ms", afterMs));
        await AssertPostAsync(http, "/universe/startup_scene", HttpStatusCode.OK, "\"startup_scene\": \"boot\"", ("id", "1"), ("name", "boot"));
    }

    private static async Task AssertPostAsync(HttpClient http, string path, HttpStatusCode expected, string contains, params (string Key, string Value)[] pairs)
    {
        using FormUrlEncodedContent form = Form(pairs);
        using HttpResponseMessage r = await http.PostAsync(path, form);
        string body = await r.Content.ReadAsStringAsync();
        Assert.True(r.StatusCode == expected, $"{path}: {(int)r.StatusCode} {body}");
        Assert.Contains(contains, body, StringComparison.Ordinal);
    }

    private static async Task<JsonDocument> GetFailsafeAsync(HttpClient http) =>
        JsonDocument.Parse(await http.GetStringAsync("/json/universe/failsafe?id=1"));

    private static async Task<int[]> GetDmxAsync(HttpClient http)
    {
        using JsonDocument dmx = JsonDocument.Parse(await http.GetStringAsync("/get_dmx?u=1"));
        return [.. dmx.RootElement.GetProperty("dmx").EnumerateArray().Select(e => e.GetInt32())];
    }

    private static async Task<bool> WaitForAsync(Func<Task<bool>> condition)
    {
        DateTime end = DateTime.UtcNow + s_wait;
        while (DateTime.UtcNow < end)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(50);
        }

        return await condition();
    }

    private static FormUrlEncodedContent Form(params (string Key, string Value)[] pairs) =>
        new(pairs.Select(p => new KeyValuePair<string, string>(p.Key, p.Value)));

    private static async Task<string> PostTextAsync(HttpClient http, string path, params (string Key, string Value)[] pairs)
    {
        using FormUrlEncodedContent form = Form(pairs);
        using HttpResponseMessage r = await http.PostAsync(path, form);
        return await r.Content.ReadAsStringAsync();
    }

    private static async Task<Socket> ConnectAsync(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port)).WaitAsync(s_wait);
        return socket;
    }

    private static byte[] RpcFrame(DmxData data)
    {
        byte[] body = new RpcMessage { Type = OlaRpc.Protocol.Type.StreamRequest, Id = 0, Name = "StreamDmxData", Buffer = data.ToByteString() }.ToByteArray();
        byte[] frame = new byte[4 + body.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(frame, (1u << 28) | (uint)body.Length);
        body.CopyTo(frame, 4);
        return frame;
    }
}
