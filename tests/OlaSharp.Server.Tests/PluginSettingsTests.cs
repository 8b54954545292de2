// Licensed under the MIT License. See LICENSE in the repository root.
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using OlaSharp.Uart.Tests;

namespace OlaSharp.Server.Tests;

/// <summary>
/// Issue 14 (plugin pages): <c>GET /json/plugin_settings</c> shows each conf key with its value in use and the
/// conf path; <c>POST /plugin_settings</c> refuses a bad value with the reader's words and writes nothing, or
/// writes the file and reloads the plugin. The story: a fresh conf dir has the UART off with
/// <c>device = /dev/ttyACM0</c>; the user sets the device and enables the plugin through the page, and the
/// line comes up (here on a pty), keeping its patch across a later change.
/// </summary>
public sealed class PluginSettingsTests
{
    private const int Uart = 20;

    [Fact]
    public async Task Get_FreshConfDir_UartValuesInUseAndConfPath()
    {
        await using ServerProcess server = ServerProcess.Start(null, "--bind", "127.0.0.1");
        await server.WaitReadyAsync();
        using HttpClient http = server.Http();

        using JsonDocument page = JsonDocument.Parse(await http.GetStringAsync($"/json/plugin_settings?id={Uart}"));
        JsonElement root = page.RootElement;
        Assert.Equal(Uart, root.GetProperty("id").GetInt32());
        Assert.Equal("UART native DMX", root.GetProperty("name").GetString());
        Assert.Equal(Path.Combine(server.ConfigDir, "ola-uartdmx.conf"), root.GetProperty("conf_path").GetString());
        Assert.False(root.GetProperty("active").GetBoolean());
        Assert.Equal("false", Field(root, "enabled").GetProperty("value").GetString());
        JsonElement device = Field(root, "device");
        Assert.Equal("list", device.GetProperty("kind").GetString());
        Assert.Equal(["/dev/ttyACM0"], device.GetProperty("value").EnumerateArray().Select(e => e.GetString()));
        JsonElement brk = Field(root, "/dev/ttyACM0-break");
        Assert.Equal("/dev/ttyACM0", brk.GetProperty("device").GetString());
        Assert.Equal(88, brk.GetProperty("min").GetInt32());
        Assert.Equal("100", brk.GetProperty("value").GetString());
        Assert.False(string.IsNullOrEmpty(brk.GetProperty("help").GetString()));

        // Art-Net's page (disabled here) and ?conf= naming the file; gRPC's page never shows the token.
        using JsonDocument artnet = JsonDocument.Parse(await http.GetStringAsync("/json/plugin_settings?conf=artnet"));
        Assert.Equal("0", Field(artnet.RootElement, "subnet").GetProperty("value").GetString());
        Assert.Equal(15, Field(artnet.RootElement, "subnet").GetProperty("max").GetInt32());
        Assert.Equal(["direct", "ola"], Field(artnet.RootElement, "universe_mapping").GetProperty("choices").EnumerateArray().Select(e => e.GetString()));
        using JsonDocument grpc = JsonDocument.Parse(await http.GetStringAsync("/json/plugin_settings?conf=grpc"));
        Assert.False(Field(grpc.RootElement, "auth_token").GetProperty("set").GetBoolean());
    }

    [Fact]
    public async Task Post_BadValues_400WithEachFieldsError_FileUnchangedByteForByte()
    {
        await using ServerProcess server = ServerProcess.Start(null, "--bind", "127.0.0.1");
        await server.WaitReadyAsync();
        using HttpClient http = server.Http();
        string conf = Path.Combine(server.ConfigDir, "ola-uartdmx.conf");
        byte[] before = await File.ReadAllBytesAsync(conf);

        using HttpResponseMessage r = await PostAsync(http, ("id", "20"), ("device", "/dev/ttyACM0"), ("/dev/ttyACM0-break", "10"), ("/dev/ttyACM0-malf", "200"), ("enabled", "yes"));

        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        using JsonDocument body = JsonDocument.Parse(await r.Content.ReadAsStringAsync());
        JsonElement errors = body.RootElement.GetProperty("errors");
        Assert.Equal("'10' is not an integer 88..1000000", errors.GetProperty("/dev/ttyACM0-break").GetString());
        Assert.Equal("'yes' is not true or false", errors.GetProperty("enabled").GetString());
        Assert.False(errors.TryGetProperty("/dev/ttyACM0-malf", out _));
        Assert.Equal(before, await File.ReadAllBytesAsync(conf));
        Assert.Empty(Directory.GetFiles(server.ConfigDir, ".ola-uartdmx.conf.tmp-*"));
    }

    [Fact]
    public async Task Post_PtyDeviceAndEnabled_LineComesUp_FramesOnThePty_PatchKeptAcrossAChange()
    {
        using var pty = new PtyPair();
        await using ServerProcess server = ServerProcess.Start(null, "--bind", "127.0.0.1");
        await server.WaitReadyAsync();
        using HttpClient http = server.Http();
        string conf = Path.Combine(server.ConfigDir, "ola-uartdmx.conf");

        using (HttpResponseMessage r = await PostAsync(http, ("id", "20"), ("device", pty.SlavePath), ("enabled", "true")))
        {
            string text = await r.Content.ReadAsStringAsync();
            Assert.True(r.StatusCode == HttpStatusCode.OK, text);
            using JsonDocument page = JsonDocument.Parse(text);
            Assert.True(page.RootElement.GetProperty("active").GetBoolean());
            Assert.Contains("restarted", page.RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
            Assert.Contains($"20-{pty.SlavePath}", page.RootElement.GetProperty("devices").EnumerateArray().Select(d => d.GetProperty("id").GetString()));
            Assert.Equal("100", Field(page.RootElement, $"{pty.SlavePath}-break").GetProperty("value").GetString());
        }

        string written = await File.ReadAllTextAsync(conf);
        Assert.Contains($"device = {pty.SlavePath}\n", written, StringComparison.Ordinal);
        Assert.Contains("enabled = true\n", written, StringComparison.Ordinal);
        Assert.DoesNotContain("/dev/ttyACM0", written, StringComparison.Ordinal);

        // Patch universe 1 to the line and set levels: they arrive on the pty.
        string portId = await PortIdAsync(http, pty.SlavePath);
        using (HttpResponseMessage r = await HttpCrossSiteTests.SendFormAsync(http, "/new_universe", [], ("id", "1"), ("name", "Stage"), ("add_ports", portId)))
        {
            Assert.Contains("\"ok\": true", await r.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        await HttpCrossSiteTests.SendFormAsync(http, "/set_dmx", [], ("u", "1"), ("d", "11,22,33"));
        Assert.True(WaitForFrame(pty, [0, 11, 22, 33]), "no frame with the levels on the pty");

        // A change through the page reloads the plugin: the device opens again with its patch.
        using (HttpResponseMessage r = await PostAsync(http, ("id", "20"), ($"{pty.SlavePath}-break", "200"), ($"{pty.SlavePath}-mab", "20")))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }

        Assert.Contains($"{pty.SlavePath}-break = 200\n", await File.ReadAllTextAsync(conf), StringComparison.Ordinal);
        // The server logs it as the plugin starts; the line reaches this process through its stdout pipe a little
        // later than the POST's answer (CI once read the output before it arrived).
        string started = "UART " + pty.SlavePath + " started: break 200 us, MAB 20 us";
        Assert.True(SpinWait.SpinUntil(() => server.Output.Contains(started, StringComparison.Ordinal), TimeSpan.FromSeconds(10)), server.Output);
        using JsonDocument info = JsonDocument.Parse(await http.GetStringAsync("/json/universe_info?id=1"));
        Assert.Contains(portId, info.RootElement.GetProperty("output_ports").EnumerateArray().Select(p => p.GetProperty("id").GetString()));
        await HttpCrossSiteTests.SendFormAsync(http, "/set_dmx", [], ("u", "1"), ("d", "44,55,66"));
        Assert.True(WaitForFrame(pty, [0, 44, 55, 66]), "no frame after the reload");
    }

    [Fact]
    public async Task Post_GrpcToken_SetAppliesAtOnce_NeverShown_ClearedWithTheToken()
    {
        await using ServerProcess server = ServerProcess.Start(null, "--bind", "127.0.0.1");
        await server.WaitReadyAsync();
        using HttpClient http = server.Http();

        using (HttpResponseMessage r = await PostAsync(http, ("conf", "grpc"), ("auth_token", "pi-secret-1"), ("bind", "0.0.0.0")))
        {
            string text = await r.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            Assert.DoesNotContain("pi-secret-1", text, StringComparison.Ordinal);
            using JsonDocument page = JsonDocument.Parse(text);
            Assert.True(Field(page.RootElement, "auth_token").GetProperty("set").GetBoolean());
            Assert.Equal(["bind"], page.RootElement.GetProperty("restart_needed").EnumerateArray().Select(e => e.GetString()));
            Assert.Contains("restarts", page.RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
        }

        Assert.Contains("auth_token = pi-secret-1\n", await File.ReadAllTextAsync(Path.Combine(server.ConfigDir, "ola-grpc.conf")), StringComparison.Ordinal);
        Assert.DoesNotContain("pi-secret-1", await http.GetStringAsync("/json/plugin_settings?conf=grpc"), StringComparison.Ordinal);

        // The token guards this endpoint like every other change, at once.
        using (HttpResponseMessage r = await PostAsync(http, ("conf", "grpc"), ("clear", "auth_token")))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
        }

        using (HttpResponseMessage r = await PostAsync(http, "pi-secret-1", ("conf", "grpc"), ("clear", "auth_token")))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }

        Assert.DoesNotContain("auth_token", await File.ReadAllTextAsync(Path.Combine(server.ConfigDir, "ola-grpc.conf")), StringComparison.Ordinal);
        using (HttpResponseMessage r = await HttpCrossSiteTests.SendFormAsync(http, "/new_universe", [], ("id", "5"), ("add_ports", "1-O-0")))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }
    }

    [Fact]
    public async Task Post_FromAnotherSite_403_NothingWritten()
    {
        await using ServerProcess server = ServerProcess.Start(null, "--bind", "127.0.0.1");
        await server.WaitReadyAsync();
        using HttpClient http = server.Http();
        string conf = Path.Combine(server.ConfigDir, "ola-uartdmx.conf");
        byte[] before = await File.ReadAllBytesAsync(conf);

        using HttpResponseMessage r = await HttpCrossSiteTests.SendFormAsync(http, "/plugin_settings", [("Origin", "http://evil.example")], ("id", "20"), ("enabled", "true"));

        Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
        Assert.Equal(before, await File.ReadAllBytesAsync(conf));
    }

    [Fact]
    public async Task Post_ArtNetSubnet_PluginReloaded_PatchedPortTakesTheNewPortAddress()
    {
        // Art-Net runs only inside the server's own network namespace, bound to its loopback.
        string dir = Directory.CreateTempSubdirectory("olas-artnet-page-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(dir, "ola-artnet.conf"), "enabled = true\nip = 127.0.0.1\nuse_loopback = true\n");
            await File.WriteAllTextAsync(Path.Combine(dir, "ola-e131.conf"), "enabled = false\n");
            await using ServerProcess server = ServerProcess.StartInNamespace(dir);
            await server.WaitReadyAsync(TimeSpan.FromSeconds(60));

            using JsonDocument ports = JsonDocument.Parse((await NsCurlAsync(server, "/json/get_ports")).Body);
            string portId = ports.RootElement.EnumerateArray()
                .First(p => p.GetProperty("is_output").GetBoolean() && p.GetProperty("device").GetString()!.StartsWith("ArtNet", StringComparison.Ordinal))
                .GetProperty("id").GetString()!;
            Assert.Equal(200, (await NsCurlAsync(server, "/new_universe", $"id=1&name=Stage&add_ports={portId}")).Status);
            Assert.Equal("ArtNet Universe 0:0:1", await PortDescriptionAsync(server, portId));

            (int status, string body) = await NsCurlAsync(server, "/plugin_settings", "id=2&subnet=5&net=2");
            Assert.True(status == 200, body);
            using (JsonDocument page = JsonDocument.Parse(body))
            {
                Assert.True(page.RootElement.GetProperty("active").GetBoolean());
                Assert.Equal("5", Field(page.RootElement, "subnet").GetProperty("value").GetString());
            }

            Assert.Equal("ArtNet Universe 2:5:1", await PortDescriptionAsync(server, portId));
            string conf = await File.ReadAllTextAsync(Path.Combine(dir, "ola-artnet.conf"));
            Assert.Contains("subnet = 5\n", conf, StringComparison.Ordinal);
            Assert.Contains("ip = 127.0.0.1\n", conf, StringComparison.Ordinal);

            // A subnet out of range is refused and changes nothing.
            Assert.Equal(400, (await NsCurlAsync(server, "/plugin_settings", "id=2&subnet=16")).Status);
            Assert.Equal(conf, await File.ReadAllTextAsync(Path.Combine(dir, "ola-artnet.conf")));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    private static async Task<string?> PortDescriptionAsync(ServerProcess server, string portId)
    {
        using JsonDocument info = JsonDocument.Parse((await NsCurlAsync(server, "/json/universe_info?id=1")).Body);
        return info.RootElement.GetProperty("output_ports").EnumerateArray().Single(p => p.GetProperty("id").GetString() == portId).GetProperty("description").GetString();
    }

    // curl inside the server's network namespace; returns the status and the body.
    private static async Task<(int Status, string Body)> NsCurlAsync(ServerProcess server, string path, string? form = null)
    {
        var psi = new System.Diagnostics.ProcessStartInfo("nsenter") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string a in new[] { "-t", server.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture), "-n", "--", "curl", "-s", "-m", "20", "-w", "\n%{http_code}" })
        {
            psi.ArgumentList.Add(a);
        }

        if (form is not null)
        {
            psi.ArgumentList.Add("-d");
            psi.ArgumentList.Add(form);
        }

        psi.ArgumentList.Add($"http://127.0.0.1:{server.HttpPort}{path}");
        using System.Diagnostics.Process curl = System.Diagnostics.Process.Start(psi)!;
        string text = await curl.StandardOutput.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await curl.WaitForExitAsync(cts.Token);
        int cut = text.LastIndexOf('\n');
        return (int.Parse(text[(cut + 1)..], System.Globalization.CultureInfo.InvariantCulture), text[..Math.Max(cut, 0)]);
    }

    private static JsonElement Field(JsonElement page, string key) =>
        page.GetProperty("fields").EnumerateArray().Single(f => f.GetProperty("key").GetString() == key);

    private static Task<HttpResponseMessage> PostAsync(HttpClient http, params (string Key, string Value)[] fields) => PostAsync(http, null, fields);

    private static async Task<HttpResponseMessage> PostAsync(HttpClient http, string? token, params (string Key, string Value)[] fields)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/plugin_settings")
        {
            Content = new FormUrlEncodedContent(fields.Select(f => new KeyValuePair<string, string>(f.Key, f.Value))),
        };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await http.SendAsync(request);
    }

    private static async Task<string> PortIdAsync(HttpClient http, string path)
    {
        using JsonDocument ports = JsonDocument.Parse(await http.GetStringAsync("/json/get_ports"));
        return ports.RootElement.EnumerateArray().Single(p => p.GetProperty("description").GetString() == path).GetProperty("id").GetString()!;
    }

    // Reads the pty until a frame starting with `start` (start code and first slots) arrives, or 10 s pass.
    private static bool WaitForFrame(PtyPair pty, byte[] start)
    {
        long end = Environment.TickCount64 + 10_000;
        var seen = new List<byte>();
        while (Environment.TickCount64 < end)
        {
            seen.AddRange(pty.Read(1 << 16, TimeSpan.FromMilliseconds(100)));
            if (seen.Count > start.Length && IndexOf(seen, start) >= 0)
            {
                return true;
            }

            if (seen.Count > 1 << 16)
            {
                seen.RemoveRange(0, seen.Count - 1024);
            }
        }

        return false;
    }

    private static int IndexOf(List<byte> data, byte[] pattern)
    {
        for (int i = 0; i + pattern.Length <= data.Count; i++)
        {
            if (data.Skip(i).Take(pattern.Length).SequenceEqual(pattern))
            {
                return i;
            }
        }

        return -1;
    }
}
