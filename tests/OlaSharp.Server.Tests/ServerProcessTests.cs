// Licensed under the MIT License. See LICENSE in the repository root.
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using OlaSharp.Core.Conf;
using Xunit.Abstractions;

namespace OlaSharp.Server.Tests;

[Collection("olasharpd processes")]
public class ServerProcessTests(ITestOutputHelper output)
{
    private const int SigTerm = 15;
    private const int SigKill = 9;
    private const int SigHup = 1;

    [Fact]
    public async Task Start_TempConfigDir_PrintsReadyLineAndWritesOlaConfs()
    {
        var sw = Stopwatch.StartNew();
        await using ServerProcess server = ServerProcess.Start();
        JsonElement ready = await server.WaitReadyAsync();
        output.WriteLine($"ready after {sw.ElapsedMilliseconds} ms (this machine; not asserted)");

        Assert.Equal(server.ConfigDir, ready.GetProperty("config_dir").GetString());
        Assert.Equal(server.Pid, ready.GetProperty("pid").GetInt32());
        Assert.NotNull(server.HttpPort);
        Assert.NotEqual(0, server.HttpPort);
        Assert.Equal("OLA Server", ConfFile.Load(Path.Combine(server.ConfigDir, "ola-server.conf")).Get("instance-name"));
        Assert.Equal("true", ConfFile.Load(Path.Combine(server.ConfigDir, "ola-dummy.conf")).Get("enabled"));

        using HttpClient http = server.Http();
        string body = await http.GetStringAsync("/get_dmx?u=1");
        // olad writes the apostrophe as is (System.Text.Json would escape it as \u0027 by default).
        Assert.Contains("\"Universe doesn't exist\"", body, StringComparison.Ordinal);
        using JsonDocument doc = JsonDocument.Parse(body);
        Assert.Equal("Universe doesn't exist", doc.RootElement.GetProperty("error").GetString());
        Assert.Equal(0, doc.RootElement.GetProperty("dmx").GetArrayLength());
    }

    [Fact]
    public async Task Sigterm_StopsCleanlyWithExitCodeZero()
    {
        await using ServerProcess server = ServerProcess.Start();
        await server.WaitReadyAsync();
        server.Signal(SigTerm);
        Assert.Equal(0, await server.WaitExitAsync(TimeSpan.FromSeconds(20)));
        Assert.DoesNotContain("fail:", server.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("crit:", server.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NewUniverse_PatchesDummy_PersistsAtOnce_AndSurvivesSigkill()
    {
        string dir = Directory.CreateTempSubdirectory("olas-srv-").FullName;
        try
        {
            await using (ServerProcess server = ServerProcess.Start(dir))
            {
                await server.WaitReadyAsync();
                using HttpClient http = server.Http();
                using HttpResponseMessage created = await http.PostAsync("/new_universe", Form(("id", "1"), ("name", "Stage left"), ("add_ports", "1-O-0")));
                using JsonDocument doc = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
                Assert.True(doc.RootElement.GetProperty("ok").GetBoolean());
                Assert.Equal(1, doc.RootElement.GetProperty("universe").GetInt32());

                // Written at once: no clean shutdown needed.
                Assert.Equal("1", ConfFile.Load(Path.Combine(dir, "ola-port.conf")).Get("1-1-O-0"));
                Assert.Equal("Stage left", ConfFile.Load(Path.Combine(dir, "ola-universe.conf")).Get("uni_1_name"));

                using HttpResponseMessage set = await http.PostAsync("/set_dmx", Form(("u", "1"), ("d", "1,2,3,300,,7")));
                Assert.Equal("ok", await set.Content.ReadAsStringAsync());
                string dmx = await http.GetStringAsync("/get_dmx?u=1");
                Assert.Equal([1, 2, 3, 44, 0, 7], JsonDocument.Parse(dmx).RootElement.GetProperty("dmx").EnumerateArray().Select(e => e.GetInt32()));
                server.Signal(SigKill);
                await server.WaitExitAsync(TimeSpan.FromSeconds(10));
            }

            await using ServerProcess again = ServerProcess.Start(dir);
            await again.WaitReadyAsync();
            using HttpClient http2 = again.Http();
            string after = await http2.GetStringAsync("/get_dmx?u=1");
            // The universe exists again because the saved patch was restored; its data is new (empty).
            Assert.Equal(string.Empty, JsonDocument.Parse(after).RootElement.GetProperty("error").GetString());
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public async Task Sigkill_DuringConfWrites_LeavesEveryConfFileWhole()
    {
        string dir = Directory.CreateTempSubdirectory("olas-kill-").FullName;
        var rng = new Random(7);
        try
        {
            for (int round = 0; round < 4; round++)
            {
                await using ServerProcess server = ServerProcess.Start(dir);
                await server.WaitReadyAsync();
                using HttpClient http = server.Http();
                using var stop = new CancellationTokenSource();
                int writes = 0;
                Task hammer = Task.Run(async () =>
                {
                    int id = 1 + (round * 1000);
                    while (!stop.IsCancellationRequested)
                    {
                        try
                        {
                            string name = new('x', 50 + (id % 400));
                            using var r = await http.PostAsync("/new_universe", Form(("id", id.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("name", name + id), ("add_ports", "1-O-0")), stop.Token);
                            Interlocked.Increment(ref writes);
                            id++;
                        }
                        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or OperationCanceledException)
                        {
                            return;
                        }
                    }
                });

                // Kill mid-stream: once writes are flowing (bounded wait: a loaded machine is slow to
                // answer the first request), then after a random extra delay.
                Assert.True(SpinWait.SpinUntil(() => Volatile.Read(ref writes) > 0, TimeSpan.FromSeconds(30)), "no conf write happened");
                await Task.Delay(rng.Next(20, 300));
                server.Signal(SigKill);
                await server.WaitExitAsync(TimeSpan.FromSeconds(10));
                await stop.CancelAsync();
                await hammer;
                output.WriteLine($"round {round}: killed after {writes} writes");
                Assert.True(writes > 0, "no conf write happened before the kill");
                AssertConfDirWhole(dir);
            }

            // The next start removes the temp files the kills left (issue 13 defect 9).
            await using ServerProcess next = ServerProcess.Start(dir);
            await next.WaitReadyAsync();
            Assert.Empty(Directory.GetFiles(dir, ".ola-*.conf.tmp-*"));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public async Task Start_RemovesOnlyOurStaleConfTempFiles()
    {
        string dir = Directory.CreateTempSubdirectory("olas-tmp-").FullName;
        try
        {
            // A pid above the kernel's limit (2^22) belongs to no process.
            const int DeadPid = 99_999_999;
            string[] ours =
            [
                $".ola-universe.conf.tmp-{DeadPid}-1",
                $".ola-port.conf.tmp-{DeadPid}-17",
                $".ola-dummy.conf.tmp-{DeadPid}-3",
            ];

            // pid 1 is alive, so this one could be another server's write in progress: kept while young.
            string live = ".ola-port.conf.tmp-1-5";
            string oldLive = ".ola-server.conf.tmp-1-6";
            string[] notOurs =
            [
                $"ola-universe.conf.tmp-{DeadPid}-1",
                $".ola-universe.conf.tmp-{DeadPid}-1.bak",
                $".ola-universe.conf.tmp-{DeadPid}-",
                $".ola-universe.conf.tmp-x{DeadPid}-1",
                $".notes.txt.tmp-{DeadPid}-1",
                $".ola-universe.conf.tmp",
                "ola-universe.conf.orig",
                live,
            ];
            foreach (string name in ours.Concat(notOurs).Append(oldLive))
            {
                await File.WriteAllTextAsync(Path.Combine(dir, name), "uni_1_name = half written\n");
            }

            File.SetLastWriteTimeUtc(Path.Combine(dir, oldLive), DateTime.UtcNow.AddHours(-1));
            Directory.CreateDirectory(Path.Combine(dir, $".ola-dir.conf.tmp-{DeadPid}-2"));

            await using ServerProcess server = ServerProcess.Start(dir);
            await server.WaitReadyAsync();
            foreach (string name in ours.Append(oldLive))
            {
                Assert.False(File.Exists(Path.Combine(dir, name)), $"{name} should have been removed");
            }

            foreach (string name in notOurs)
            {
                Assert.True(File.Exists(Path.Combine(dir, name)), $"{name} is not ours and must be kept");
            }

            Assert.True(Directory.Exists(Path.Combine(dir, $".ola-dir.conf.tmp-{DeadPid}-2")));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public async Task Sighup_ReloadsPluginsAndKeepsPatches()
    {
        await using ServerProcess server = ServerProcess.Start();
        await server.WaitReadyAsync();
        using HttpClient http = server.Http();
        (await http.PostAsync("/new_universe", Form(("id", "3"), ("add_ports", "1-O-0")))).Dispose();
        server.Signal(SigHup);
        Assert.True(SpinWait.SpinUntil(() => server.Output.Contains("Reloading plugins", StringComparison.Ordinal) && server.Output.Contains("Plugin Dummy (1) started", StringComparison.Ordinal), TimeSpan.FromSeconds(20)));
        Assert.True(SpinWait.SpinUntil(() => server.Output.Split("Plugin Dummy (1) started").Length >= 3, TimeSpan.FromSeconds(20)), server.Output);
        string dmx = await http.GetStringAsync("/get_dmx?u=3");
        Assert.Equal(string.Empty, JsonDocument.Parse(dmx).RootElement.GetProperty("error").GetString());
    }

    [Fact]
    public async Task NoHttp_ReadyLineHasNullHttpAndNoListener()
    {
        await using ServerProcess server = ServerProcess.Start(null, "--no-http");
        JsonElement ready = await server.WaitReadyAsync();
        Assert.Equal(JsonValueKind.Null, ready.GetProperty("http").ValueKind);
        server.Signal(SigTerm);
        Assert.Equal(0, await server.WaitExitAsync(TimeSpan.FromSeconds(20)));
    }

    [Fact]
    public async Task BadFlag_ExitsWithCode2AndMessage()
    {
        await using ServerProcess server = ServerProcess.Start(null, "--frobnicate");
        Assert.Equal(2, await server.WaitExitAsync(TimeSpan.FromSeconds(20)));
        Assert.Contains("unknown option '--frobnicate'", server.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SetDmx_PostWithoutFormContentType_Is400WithMessage()
    {
        await using ServerProcess server = ServerProcess.Start();
        await server.WaitReadyAsync();
        using HttpClient http = server.Http();
        using var content = new ByteArrayContent("u=1&d=1"u8.ToArray());
        using HttpResponseMessage r = await http.PostAsync("/set_dmx", content);
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        Assert.Contains("form", await r.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadConfLines_AreLoggedWithFileAndLine_AndDefaultsKept()
    {
        string dir = Directory.CreateTempSubdirectory("olas-bad-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(dir, "ola-dummy.conf"), "# broken\nthis line has no equals sign\noutput_hz = 1000\nk = a = b\n");
            await using ServerProcess server = ServerProcess.Start(dir);
            await server.WaitReadyAsync();
            string dummyConf = Path.Combine(dir, "ola-dummy.conf");
            // One line for the file, naming every skipped line (issue 13: a junk file gave one line per bad line).
            Assert.Contains($"Skipping 2 lines of {dummyConf} that do not contain exactly one '=' (lines 2, 4); the first: line 2: this line has no equals sign", server.Output, StringComparison.Ordinal);
            Assert.Contains($"{dummyConf}: output_hz = '1000' is not an integer 1..44; using '44'", server.Output, StringComparison.Ordinal);
            Assert.Contains("Plugin Dummy (1) started", server.Output, StringComparison.Ordinal);
            // Invalid value replaced by the default and the file rewritten in OLA's normal form.
            Assert.Equal("enabled = true\noutput_hz = 44\noutput_refresh = change\n", await File.ReadAllTextAsync(dummyConf));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    private static FormUrlEncodedContent Form(params (string Key, string Value)[] pairs) =>
        new(pairs.Select(p => new KeyValuePair<string, string>(p.Key, p.Value)));

    // Whole means: every ola-*.conf parses with no skipped line, ends with a newline, and every
    // universe has both its keys (they are written together, so a torn write would split them).
    private static void AssertConfDirWhole(string dir)
    {
        foreach (string path in Directory.GetFiles(dir, "ola-*.conf"))
        {
            string text = File.ReadAllText(path);
            Assert.True(text.Length == 0 || text.EndsWith('\n'), $"{path} does not end with a newline");
            foreach (string line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                Assert.True(line.Split('=').Length == 2, $"{path}: torn line '{line}'");
            }
        }

        string uni = Path.Combine(dir, "ola-universe.conf");
        if (File.Exists(uni))
        {
            ConfFile conf = ConfFile.Load(uni);
            var names = conf.Entries.Where(e => e.Key.EndsWith("_name", StringComparison.Ordinal)).Select(e => e.Key[..^5]).ToHashSet();
            var merges = conf.Entries.Where(e => e.Key.EndsWith("_merge", StringComparison.Ordinal)).Select(e => e.Key[..^6]).ToHashSet();
            Assert.Equal(names, merges);
            foreach (var e in conf.Entries.Where(e => e.Key.EndsWith("_name", StringComparison.Ordinal)))
            {
                Assert.EndsWith(e.Key[4..^5], e.Value, StringComparison.Ordinal);
            }
        }
    }
}

[CollectionDefinition("olasharpd processes", DisableParallelization = true)]
public class ServerProcessCollection;
