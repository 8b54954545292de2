// Licensed under the MIT License. See LICENSE in the repository root.
using System.Diagnostics;
using System.Text.Json;
using OlaSharp.Interop;
using Xunit.Abstractions;

namespace OlaSharp.Bench.Tests;

/// <summary>
/// CI hook for <c>interop/bench/run.sh pi</c> (issue 15): <c>interop/bench/pi.py</c> with short windows, olad
/// then olasharpd (the JIT build next to the tests; run.sh uses the native one), in the namespace it must be
/// started in. Not a timed assertion: it fails only if the harness breaks, the console's levels do not reach
/// universe 1, no frame reaches the pty, or a figure is missing.
/// </summary>
public sealed class PiWorkloadTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("olas-pi-test-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    [Fact]
    public async Task PiWorkload_OladThenOlasharpd_LevelsReachUniverse1_FramesReachThePty()
    {
        Peers.RequireRoot();
        Peers.Require("olad", "ola");
        Peers.Require("python3", "python3");
        string script = Path.Combine(RepoRoot(), "interop", "bench", "pi.py");
        string json = Path.Combine(_dir, "pi.json");
        var psi = new ProcessStartInfo("unshare")
        {
            ArgumentList = { "-n", "python3", script, "--olasharpd", Path.Combine(AppContext.BaseDirectory, "olasharpd"), "--duration", "2", "--warmup", "1", "--json", json },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(psi)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(150));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            // SIGTERM: pi.py stops its servers and removes its directory on the way out.
            Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
            await process.WaitForExitAsync();
        }

        output.WriteLine(await stdout);
        output.WriteLine(await stderr);
        Assert.Equal(0, process.ExitCode);

        using JsonDocument doc = JsonDocument.Parse(await File.ReadAllTextAsync(json));
        string[] servers = [.. doc.RootElement.EnumerateArray().Select(r => r.GetProperty("server").GetString()!)];
        Assert.Equal(["olad", "olasharpd"], servers);
        foreach (JsonElement r in doc.RootElement.EnumerateArray())
        {
            string name = r.GetProperty("server").GetString()!;
            Assert.True(r.GetProperty("ready_s").GetDouble() > 0, name + ": no start-to-ready time");
            JsonElement artnet = r.GetProperty("artnet");
            Assert.True(artnet.GetProperty("levels_ok").GetBoolean(), name + ": universe 1 does not hold the console's levels");
            Assert.True(artnet.GetProperty("console_sent").GetInt32() > 0, name + ": the console sent nothing");
            foreach (string window in new[] { "idle", "artnet" })
            {
                JsonElement w = r.GetProperty(window);
                Assert.True(w.GetProperty("fps").GetDouble() > 0, $"{name} {window}: no frame reached the pty");
                Assert.True(w.GetProperty("rss_mib").GetDouble() > 0, $"{name} {window}: no RSS");
                Assert.True(w.GetProperty("cpu_s").GetDouble() >= 0, $"{name} {window}: no CPU figure");
                Assert.True(w.GetProperty("line_cpu_s").GetDouble() > 0, $"{name} {window}: the UART line thread was not found");
            }
        }
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "OlaSharp.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("OlaSharp.sln not found above " + AppContext.BaseDirectory);
    }
}
