// Licensed under the MIT License. See LICENSE in the repository root.
using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace OlaSharp.Interop.Tests;

/// <summary>
/// The web UI in Debian's Chromium, driven by playwright-core (interop/clients/browser/ui-test.js), all
/// inside a private namespace with olasharpd (the dummy plugin, and Art-Net on the namespace's loopback):
/// Tab reaches the universe list and Enter opens universe 1; frames sent with <c>ola_set_dmx</c> reach the
/// live view within 200 ms; a fader keeps the whole 512-slot frame (<c>/get_dmx</c>); Blackout, Undo and Full
/// (with its question) reach <c>/get_dmx</c> and the dummy output; the universe is named and its merge mode
/// set; an Art-Net node on 127.0.0.2 is listed by IP and ArtPollReply name, then as stopped; a new universe
/// with an existing id is refused next to the field; unpatching an output asks first; the failsafe box captures
/// a scene, sets blackout after 0.5 s and says when it acts. Every view
/// (ui-test.js's VIEWS) at 1280x900 and 390x844 has no critical or serious axe-core violation and does not
/// scroll sideways. The screenshots are kept as test artifacts.
/// </summary>
[Collection(InteropCollection.Name)]
public sealed partial class WebUiBrowserTests(ITestOutputHelper output)
{
    internal static string BrowserDir => BrowserScripts.Directory;

    /// <summary>Where the screenshot goes: <c>$OLASHARP_ARTIFACTS</c>, else <c>artifacts/</c> next to the tests.</summary>
    public static string ArtifactsDir =>
        Environment.GetEnvironmentVariable("OLASHARP_ARTIFACTS") is { Length: > 0 } dir ? dir : Path.Combine(AppContext.BaseDirectory, "artifacts");

    [Fact]
    public async Task WebUi_FadersBlackoutSendersAndAxe_WorkAtDesktopAndPhoneSizes()
    {
        Peers.Require("/usr/bin/chromium", "chromium");
        string node = Peers.Require("node", "nodejs");
        Peers.Require("ola_set_dmx", "ola");
        Peers.Require("curl", "curl");
        await BrowserScripts.EnsureNodeModulesAsync();
        Directory.CreateDirectory(ArtifactsDir);
        string shots = Path.Combine(ArtifactsDir, "web-ui");
        if (Directory.Exists(shots))
        {
            Directory.Delete(shots, recursive: true);
        }

        // Art-Net on loopback only (its broadcast is 127.0.0.1), in the test's own namespace.
        await using var ns = await NetworkNamespace.CreateAsync();
        await using var server = await OlasharpdInNamespace.StartAsync(
            ns,
            TimeSpan.FromSeconds(60),
            enabledPlugins: ["dummy", "artnet"],
            confFiles: new Dictionary<string, string> { ["ola-artnet.conf"] = "enabled = true\nuse_loopback = true\n" });
        int port = int.Parse(HttpPortInReadyLine().Match(server.Output.StandardOutput).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        string baseUrl = $"http://127.0.0.1:{port}";
        CommandResult created = (await ns.RunAsync("curl", ["-s", "-d", "id=1&name=Stage&add_ports=1-O-0", baseUrl + "/new_universe"], TimeSpan.FromSeconds(10))).EnsureSuccess("curl new_universe");
        Assert.Contains("\"ok\": true", created.StandardOutput, StringComparison.Ordinal);

        var sw = Stopwatch.StartNew();
        CommandResult run = await ns.RunAsync(node, [Path.Combine(BrowserDir, "ui-test.js"), baseUrl, "1", shots], TimeSpan.FromSeconds(180));
        output.WriteLine($"ui-test.js ({sw.ElapsedMilliseconds} ms): {run.StandardOutput}\n{run.StandardError}");
        Assert.False(run.TimedOut, "ui-test.js timed out");
        string last = run.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "{}";
        using JsonDocument result = JsonDocument.Parse(last);
        Assert.True(result.RootElement.GetProperty("ok").GetBoolean(), last + "\n" + run.StandardError);
        Assert.Equal(0, run.ExitCode);
        JsonElement r = result.RootElement;
        Assert.Equal("HTP", r.GetProperty("mergeMode").GetString());
        Assert.Equal(512, r.GetProperty("faderFrame").GetProperty("slots").GetInt32());
        Assert.Equal(511, r.GetProperty("faderFrame").GetProperty("unchanged").GetInt32());
        Assert.Equal(512, r.GetProperty("blackout").GetInt32());
        Assert.Contains("Desk node", r.GetProperty("artNetSender").GetString(), StringComparison.Ordinal);
        Assert.Contains("stopped", r.GetProperty("artNetStopped").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("Universe 1 already exists", r.GetProperty("alreadyExists").GetString(), StringComparison.Ordinal);
        Assert.True(r.GetProperty("unpatched").GetBoolean());

        // The failsafe box (issue 17): a scene captured through the UI, blackout 0.5 s after the last frame, and
        // the line saying it acts.
        Assert.Equal(512, r.GetProperty("sceneCaptured").GetInt32());
        Assert.Equal("blackout", r.GetProperty("failsafeMode").GetString());
        Assert.Equal(500, r.GetProperty("failsafeAfterMs").GetInt32());
        Assert.Matches(@"^In failsafe: blackout since \d\d:\d\d:\d\d$", r.GetProperty("failsafeLine").GetString());

        // Every view at both sizes was checked (3 views x 2 sizes at least) and none scrolls sideways.
        JsonElement[] views = [.. r.GetProperty("views").EnumerateArray()];
        Assert.True(views.Length >= 6, last);
        Assert.All(views, v => Assert.True(v.GetProperty("scrollWidth").GetInt32() <= v.GetProperty("clientWidth").GetInt32(), v.ToString()));
        foreach (JsonElement v in views)
        {
            output.WriteLine($"{v.GetProperty("view")} at {v.GetProperty("size")}: axe {v.GetProperty("violations")}, screenshot {v.GetProperty("screenshot")}");
        }

        // The Full button's frame reached the patched dummy output port (it logs each new frame).
        bool seen = await server.Output.WaitForLineAsync(l => DummyGotFull().IsMatch(l), TimeSpan.FromSeconds(5));
        Assert.True(seen, "Full never reached the dummy output:\n" + server.Output.StandardOutput);

        // ola_set_dmx -> live view, measured from the tool's exit to the page showing the values.
        int[] fromExit = [.. result.RootElement.GetProperty("liveLatencies").EnumerateArray().Select(e => e.GetProperty("fromExitMs").GetInt32())];
        // Pushed, not polled: a polled view (the sources table polls each 1 s) would show half its interval
        // as a typical delay. The median says push; one slow sample on a loaded shared machine (CI saw
        // 350 ms for the first, once) says nothing, so single samples only have to stay under a second.
        string all = string.Join(", ", fromExit);
        int median = fromExit.Order().ElementAt(fromExit.Length / 2);
        Assert.True(median < 200, $"live view's median delay {median} ms (all: {all})");
        Assert.All(fromExit, ms => Assert.True(ms < 1000, $"live view took {ms} ms (all: {all})"));
        string home = Path.Combine(shots, "universe-phone.png");
        Assert.True(File.Exists(home) && new FileInfo(home).Length > 10_000, "no screenshot at " + home);
        output.WriteLine("screenshots: " + shots);
        Assert.DoesNotMatch(@"\b(fail|crit|error)\b", server.Output.StandardOutput + server.Output.StandardError);
    }

    [GeneratedRegex("\"http\":(\\d+)")]
    private static partial Regex HttpPortInReadyLine();

    [GeneratedRegex(@"Dummy port 1-1-O-0: 512 slots, priority 100: ff ff ff")]
    private static partial Regex DummyGotFull();
}
