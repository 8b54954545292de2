// Licensed under the MIT License. See LICENSE in the repository root.
using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace OlaSharp.Interop.Tests;

/// <summary>
/// The web UI in Debian's Chromium, driven by playwright-core (interop/clients/browser/ui-test.js), all
/// inside a private namespace with olasharpd: load the UI, see universe 1, move a slider and see the
/// slot in <c>/get_dmx</c> and on the dummy output port; frames sent with <c>ola_set_dmx</c> reach the
/// live view within 200 ms; name the universe and set its merge mode. The screenshot is kept as a test artifact.
/// </summary>
[Collection(InteropCollection.Name)]
public sealed partial class WebUiBrowserTests(ITestOutputHelper output)
{
    internal static string BrowserDir => BrowserScripts.Directory;

    /// <summary>Where the screenshot goes: <c>$OLASHARP_ARTIFACTS</c>, else <c>artifacts/</c> next to the tests.</summary>
    public static string ArtifactsDir =>
        Environment.GetEnvironmentVariable("OLASHARP_ARTIFACTS") is { Length: > 0 } dir ? dir : Path.Combine(AppContext.BaseDirectory, "artifacts");

    [Fact]
    public async Task WebUi_SliderAndOlaSetDmx_ShowInGetDmxOutputAndLiveView()
    {
        Peers.Require("/usr/bin/chromium", "chromium");
        string node = Peers.Require("node", "nodejs");
        Peers.Require("ola_set_dmx", "ola");
        Peers.Require("curl", "curl");
        await BrowserScripts.EnsureNodeModulesAsync();
        Directory.CreateDirectory(ArtifactsDir);
        string screenshot = Path.Combine(ArtifactsDir, "web-ui.png");
        File.Delete(screenshot);

        await using var ns = await NetworkNamespace.CreateAsync();
        await using var server = await OlasharpdInNamespace.StartAsync(ns, TimeSpan.FromSeconds(60));
        int port = int.Parse(HttpPortInReadyLine().Match(server.Output.StandardOutput).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        string baseUrl = $"http://127.0.0.1:{port}";
        CommandResult created = (await ns.RunAsync("curl", ["-s", "-d", "id=1&name=Stage&add_ports=1-O-0", baseUrl + "/new_universe"], TimeSpan.FromSeconds(10))).EnsureSuccess("curl new_universe");
        Assert.Contains("\"ok\": true", created.StandardOutput, StringComparison.Ordinal);

        var sw = Stopwatch.StartNew();
        CommandResult run = await ns.RunAsync(node, [Path.Combine(BrowserDir, "ui-test.js"), baseUrl, "1", screenshot], TimeSpan.FromSeconds(120));
        output.WriteLine($"ui-test.js ({sw.ElapsedMilliseconds} ms): {run.StandardOutput}\n{run.StandardError}");
        Assert.False(run.TimedOut, "ui-test.js timed out");
        string last = run.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "{}";
        using JsonDocument result = JsonDocument.Parse(last);
        Assert.True(result.RootElement.GetProperty("ok").GetBoolean(), last + "\n" + run.StandardError);
        Assert.Equal(0, run.ExitCode);
        Assert.True(result.RootElement.GetProperty("sources").GetInt32() >= 1, "the sources table never listed the HTTP source");
        Assert.Equal("HTP", result.RootElement.GetProperty("mergeMode").GetString());

        // The slider's value reached the patched dummy output port (it logs each new frame).
        bool seen = await server.Output.WaitForLineAsync(l => DummyGotC8().IsMatch(l), TimeSpan.FromSeconds(5));
        Assert.True(seen, "the slider's value never reached the dummy output:\n" + server.Output.StandardOutput);

        // ola_set_dmx -> live view, measured from the tool's exit to the page showing the values.
        int[] fromExit = [.. result.RootElement.GetProperty("liveLatencies").EnumerateArray().Select(e => e.GetProperty("fromExitMs").GetInt32())];
        // Pushed, not polled: a polled view (the sources table polls each 1 s) would show half its interval
        // as a typical delay. The median says push; one slow sample on a loaded shared machine (CI saw
        // 350 ms for the first, once) says nothing, so single samples only have to stay under a second.
        string all = string.Join(", ", fromExit);
        int median = fromExit.Order().ElementAt(fromExit.Length / 2);
        Assert.True(median < 200, $"live view's median delay {median} ms (all: {all})");
        Assert.All(fromExit, ms => Assert.True(ms < 1000, $"live view took {ms} ms (all: {all})"));
        Assert.True(File.Exists(screenshot) && new FileInfo(screenshot).Length > 10_000, "no screenshot at " + screenshot);
        output.WriteLine("screenshot: " + screenshot);
        Assert.DoesNotMatch(@"\b(fail|crit|error)\b", server.Output.StandardOutput + server.Output.StandardError);
    }

    [GeneratedRegex("\"http\":(\\d+)")]
    private static partial Regex HttpPortInReadyLine();

    [GeneratedRegex(@"Dummy port 1-1-O-0: \d+ slots?, priority 100: c8")]
    private static partial Regex DummyGotC8();
}
