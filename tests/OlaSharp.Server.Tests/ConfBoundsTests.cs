// Licensed under the MIT License. See LICENSE in the repository root.
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Xunit.Abstractions;

namespace OlaSharp.Server.Tests;

/// <summary>
/// Issue 13 defect 6: conf files are read with a bound (a 50 MB file must not take seconds, hundreds of MB
/// or half a million log lines), and every value replaced at load is said once, naming the file, key, bad
/// value and what is used instead.
/// </summary>
[Collection("olasharpd processes")]
public sealed class ConfBoundsTests(ITestOutputHelper output) : IDisposable
{
    private const long FiftyMegabytes = 50L * 1024 * 1024;
    private readonly string _dir = Directory.CreateTempSubdirectory("olas-bounds-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task UniverseConf_50MbOfJunk_StartsWithFewWarningLines()
    {
        string path = Path.Combine(_dir, "ola-universe.conf");
        WriteUntil(path, i => $"junk line {i} without an equals sign, just noise to fill the file up to fifty mega\n");
        string log = await StartAndMeasureAsync();
        int lines = log.Split('\n').Count(l => l.Contains("ola-universe.conf", StringComparison.Ordinal));
        output.WriteLine($"log lines naming ola-universe.conf: {lines}");
        Assert.InRange(lines, 1, 3);
        Assert.Contains("lines of", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UniverseConf_50MbValid_StartsAndSaysItReadOnlyTheCap()
    {
        string path = Path.Combine(_dir, "ola-universe.conf");
        WriteUntil(path, i => $"uni_{i}_merge = LTP\nuni_{i}_name = Universe number {i} of a very large show file\n");
        long before = new FileInfo(path).Length;
        string log = await StartAndMeasureAsync();
        int lines = log.Split('\n').Count(l => l.Contains("ola-universe.conf", StringComparison.Ordinal));
        Assert.InRange(lines, 1, 2);
        // Nothing was saved over it (no universe changed), so the user's file is whole.
        Assert.Equal(before, new FileInfo(path).Length);
    }

    [Fact]
    public async Task AbsurdValues_EveryReplacedValueGetsOneWarningNamingFileKeyValueAndReplacement()
    {
        await File.WriteAllTextAsync(Path.Combine(_dir, "ola-server.conf"), "instance-name = \nuniverse_loss_policy = sometimes\n");
        await File.WriteAllTextAsync(Path.Combine(_dir, "ola-dummy.conf"), "enabled = yes\noutput_hz = 1000\noutput_refresh = always\n");
        await File.WriteAllTextAsync(Path.Combine(_dir, "ola-uartdmx.conf"), "enabled = 1\ndevice = /dev/null-not-a-uart\n");
        await File.WriteAllTextAsync(Path.Combine(_dir, "ola-grpc.conf"), "enabled = perhaps\n");
        await File.WriteAllTextAsync(Path.Combine(_dir, "ola-universe.conf"), "uni_1_merge = banana\nuni_1_name = One\n");
        await File.WriteAllTextAsync(Path.Combine(_dir, "ola-port.conf"), "1-1-O-0 = one\n");
        await using ServerProcess server = ServerProcess.Start(_dir);
        await server.WaitReadyAsync(TimeSpan.FromSeconds(60));
        using HttpClient http = server.Http();
        // Creating universe 1 reads its saved merge mode.
        using HttpResponseMessage created = await http.PostAsync("/new_universe", new FormUrlEncodedContent([new("id", "1"), new("add_ports", "1-O-0")]));
        using (JsonDocument doc = JsonDocument.Parse(await created.Content.ReadAsStringAsync()))
        {
            Assert.True(doc.RootElement.GetProperty("ok").GetBoolean());
        }

        string log = server.Output;
        output.WriteLine(log);
        AssertWarned(log, "ola-server.conf", "instance-name", "''", "OLA Server");
        AssertWarned(log, "ola-server.conf", "universe_loss_policy", "sometimes", "hold");
        AssertWarned(log, "ola-dummy.conf", "enabled", "yes", "true");
        AssertWarned(log, "ola-dummy.conf", "output_hz", "1000", "44");
        AssertWarned(log, "ola-dummy.conf", "output_refresh", "always", "change");
        AssertWarned(log, "ola-uartdmx.conf", "enabled", "1", "false");
        AssertWarned(log, "ola-grpc.conf", "enabled", "perhaps", "true");
        AssertWarned(log, "ola-universe.conf", "uni_1_merge", "banana", "LTP");
        AssertWarned(log, "ola-port.conf", "1-1-O-0", "one", "unpatched");
    }

    private static void AssertWarned(string log, string file, string key, string value, string replacement)
    {
        string[] hits = [.. log.Split('\n').Where(l => l.Contains(" warn: ", StringComparison.Ordinal)
            && l.Contains(file, StringComparison.Ordinal) && l.Contains(key, StringComparison.Ordinal)
            && l.Contains(value, StringComparison.Ordinal) && l.Contains(replacement, StringComparison.Ordinal))];
        Assert.True(hits.Length == 1, $"expected one warning for {file} {key} = {value} -> {replacement}, got {hits.Length}:\n{log}");
    }

    // Starts the server on _dir, checks HTTP, reports start time and peak RSS (not asserted), stops it.
    private async Task<string> StartAndMeasureAsync()
    {
        var sw = Stopwatch.StartNew();
        await using ServerProcess server = ServerProcess.Start(_dir);
        await server.WaitReadyAsync(TimeSpan.FromSeconds(120));
        long readyMs = sw.ElapsedMilliseconds;
        using HttpClient http = server.Http();
        Assert.Contains("dmx", await http.GetStringAsync("/get_dmx?u=1"), StringComparison.Ordinal);
        string hwm = File.ReadAllLines($"/proc/{server.Pid}/status").First(l => l.StartsWith("VmHWM", StringComparison.Ordinal));
        output.WriteLine($"ready after {readyMs} ms, {hwm} (this machine; not asserted)");
        server.Signal(15);
        Assert.Equal(0, await server.WaitExitAsync(TimeSpan.FromSeconds(30)));
        Assert.InRange(server.Output.Split('\n').Length, 1, 200);
        return server.Output;
    }

    private static void WriteUntil(string path, Func<int, string> line)
    {
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 16);
        long written = 0;
        for (int i = 1; written < FiftyMegabytes; i++)
        {
            string text = line(i);
            writer.Write(text);
            written += text.Length;
        }

    }
}
