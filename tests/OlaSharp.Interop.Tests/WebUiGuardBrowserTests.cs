// Licensed under the MIT License. See LICENSE in the repository root.
using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace OlaSharp.Interop.Tests;

/// <summary>
/// Issue 13 defect 12 in Debian's Chromium, driven by playwright-core (interop/clients/browser/guard-test.js),
/// inside a private namespace with olasharpd: a page served from another origin (another 127.0.0.1 port)
/// that auto-submits forms and sends no-cors fetches cannot change the lights, the name or the patch; and
/// with <c>auth_token</c> set, the web UI asks for the token once (again when it is wrong), the change
/// applies, and after a reload it does not ask again.
/// </summary>
[Collection(InteropCollection.Name)]
public sealed partial class WebUiGuardBrowserTests(ITestOutputHelper output)
{
    [Fact]
    public async Task PageFromAnotherOrigin_FormPostAndNoCorsFetch_ChangeNothing()
    {
        await using var ns = await NetworkNamespace.CreateAsync();
        await using var server = await OlasharpdInNamespace.StartAsync(ns, TimeSpan.FromSeconds(60));
        string baseUrl = BaseUrl(server);
        await CurlAsync(ns, baseUrl, "/new_universe", "id=1&name=Stage&add_ports=1-O-0");
        await CurlAsync(ns, baseUrl, "/set_dmx", "u=1&d=1,2,3");

        using JsonDocument result = await RunAsync(ns, "cross-site", baseUrl, "1");

        JsonElement answers = result.RootElement.GetProperty("answers");
        Assert.Equal(6, answers.GetArrayLength());
        Assert.All(answers.EnumerateArray(), a => Assert.Equal(403, a.GetProperty("status").GetInt32()));
        Assert.Equal([1, 2, 3], result.RootElement.GetProperty("after").GetProperty("dmx").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal("Stage", result.RootElement.GetProperty("after").GetProperty("name").GetString());

        // And from outside the browser: /get_dmx unchanged, no universe 99.
        CommandResult dmx = (await ns.RunAsync("curl", ["-s", baseUrl + "/get_dmx?u=1"], TimeSpan.FromSeconds(10))).EnsureSuccess("curl get_dmx");
        Assert.Contains("[1,2,3]", dmx.StandardOutput, StringComparison.Ordinal);
        CommandResult list = (await ns.RunAsync("curl", ["-s", baseUrl + "/json/universe_plugin_list"], TimeSpan.FromSeconds(10))).EnsureSuccess("curl list");
        Assert.DoesNotContain("Evil", list.StandardOutput, StringComparison.Ordinal);

        // One warning line for the burst, no stack trace.
        Assert.Contains("refused (403)", server.Output.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"\b(fail|crit|error)\b|Exception", server.Output.StandardOutput + server.Output.StandardError);
    }

    [Fact]
    public async Task WithAuthToken_UiAsksOnce_WrongTokenAsksAgain_ChangeApplies_ReloadDoesNotAsk()
    {
        const string token = "pi-lights-7f3a";
        await using var ns = await NetworkNamespace.CreateAsync();
        await using var server = await OlasharpdInNamespace.StartAsync(ns, TimeSpan.FromSeconds(60), confFiles: new Dictionary<string, string> { ["ola-grpc.conf"] = $"auth_token = {token}\n" });
        string baseUrl = BaseUrl(server);

        // A script without the token is refused; with it (as the README shows) it works.
        CommandResult refused = await ns.RunAsync("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "-d", "id=1&name=Stage&add_ports=1-O-0", baseUrl + "/new_universe"], TimeSpan.FromSeconds(10));
        Assert.Equal("401", refused.StandardOutput.Trim());
        await CurlAsync(ns, baseUrl, "/new_universe", "id=1&name=Stage&add_ports=1-O-0", token);

        using JsonDocument result = await RunAsync(ns, "token", baseUrl, "1", token);

        Assert.Contains("auth_token", result.RootElement.GetProperty("firstPrompt").GetString(), StringComparison.Ordinal);
        Assert.True(result.RootElement.GetProperty("appliedAfterToken").GetBoolean());
        Assert.False(result.RootElement.GetProperty("askedAfterReload").GetBoolean());
        Assert.True(result.RootElement.GetProperty("storedToken").GetBoolean());
        Assert.Contains(401, result.RootElement.GetProperty("statusesBeforeReload").EnumerateArray().Select(e => e.GetInt32()));
        Assert.All(result.RootElement.GetProperty("statusesAfterReload").EnumerateArray(), e => Assert.Equal(200, e.GetInt32()));
        Assert.DoesNotMatch(@"\b(fail|crit|error)\b|Exception", server.Output.StandardOutput + server.Output.StandardError);
    }

    private async Task<JsonDocument> RunAsync(NetworkNamespace ns, params string[] args)
    {
        Peers.Require("/usr/bin/chromium", "chromium");
        string node = Peers.Require("node", "nodejs");
        Peers.Require("curl", "curl");
        await BrowserScripts.EnsureNodeModulesAsync();
        var sw = Stopwatch.StartNew();
        CommandResult run = await ns.RunAsync(node, [Path.Combine(WebUiBrowserTests.BrowserDir, "guard-test.js"), .. args], TimeSpan.FromSeconds(120));
        output.WriteLine($"guard-test.js {args[0]} ({sw.ElapsedMilliseconds} ms): {run.StandardOutput}\n{run.StandardError}");
        Assert.False(run.TimedOut, "guard-test.js timed out");
        string last = run.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "{}";
        JsonDocument result = JsonDocument.Parse(last);
        Assert.True(result.RootElement.TryGetProperty("ok", out JsonElement ok) && ok.GetBoolean(), last + "\n" + run.StandardError);
        Assert.Equal(0, run.ExitCode);
        return result;
    }

    private static async Task CurlAsync(NetworkNamespace ns, string baseUrl, string path, string form, string? token = null)
    {
        List<string> args = ["-s", "-f", "-d", form];
        if (token is not null)
        {
            args.AddRange(["-H", $"Authorization: Bearer {token}"]);
        }

        args.Add(baseUrl + path);
        (await ns.RunAsync("curl", args, TimeSpan.FromSeconds(10))).EnsureSuccess("curl " + path);
    }

    private static string BaseUrl(OlasharpdInNamespace server) =>
        $"http://127.0.0.1:{int.Parse(HttpPortInReadyLine().Match(server.Output.StandardOutput).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)}";

    [GeneratedRegex("\"http\":(\\d+)")]
    private static partial Regex HttpPortInReadyLine();
}
