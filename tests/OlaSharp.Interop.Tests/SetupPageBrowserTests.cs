// Licensed under the MIT License. See LICENSE in the repository root.
using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace OlaSharp.Interop.Tests;

/// <summary>
/// The web UI's "Pi setup" page in Debian's Chromium (interop/clients/browser/setup-test.js), inside a private
/// namespace with olasharpd whose UART plugin is disabled: the header link opens the page, the failing
/// conf-enabled check is listed first with the word FAIL and its fix, the passed and not applicable checks
/// are folded below, and <c>/#/setup</c> opens the page directly.
/// </summary>
[Collection(InteropCollection.Name)]
public sealed partial class SetupPageBrowserTests(ITestOutputHelper output)
{
    [Fact]
    public async Task SetupPage_ListsTheFailingCheckFirst_WithItsFix()
    {
        Peers.Require("/usr/bin/chromium", "chromium");
        string node = Peers.Require("node", "nodejs");
        await BrowserScripts.EnsureNodeModulesAsync();
        await using var ns = await NetworkNamespace.CreateAsync();
        await using var server = await OlasharpdInNamespace.StartAsync(ns, TimeSpan.FromSeconds(60), confFiles: new Dictionary<string, string> { ["ola-uartdmx.conf"] = "device = /dev/ttyAMA0\nenabled = false\n" });
        string baseUrl = $"http://127.0.0.1:{int.Parse(HttpPortInReadyLine().Match(server.Output.StandardOutput).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)}";

        var sw = Stopwatch.StartNew();
        CommandResult run = await ns.RunAsync(node, [Path.Combine(BrowserScripts.Directory, "setup-test.js"), baseUrl], TimeSpan.FromSeconds(120));
        output.WriteLine($"setup-test.js ({sw.ElapsedMilliseconds} ms): {run.StandardOutput}\n{run.StandardError}");
        Assert.False(run.TimedOut, "setup-test.js timed out");
        string last = run.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "{}";
        using JsonDocument result = JsonDocument.Parse(last);
        Assert.True(result.RootElement.TryGetProperty("ok", out JsonElement ok) && ok.GetBoolean(), last + "\n" + run.StandardError);
        Assert.Equal("#/setup", result.RootElement.GetProperty("hash").GetString());

        foreach (string view in new[] { "viaLink", "direct" })
        {
            JsonElement page = result.RootElement.GetProperty(view);
            Assert.Equal("Raspberry Pi setup", page.GetProperty("heading").GetString());
            Assert.True(page.GetProperty("setupVisible").GetBoolean());
            Assert.True(page.GetProperty("universeHidden").GetBoolean());
            Assert.Matches(@"^\d+ checks? failed", page.GetProperty("summary").GetString());
            JsonElement[] attention = [.. page.GetProperty("attention").EnumerateArray()];
            Assert.Equal("fail", attention[0].GetProperty("outcome").GetString() == "FAIL" ? "fail" : "other");
            JsonElement conf = attention.Single(a => a.GetProperty("id").GetString() == "conf-enabled");
            Assert.Equal("FAIL UART plugin enabled", conf.GetProperty("heading").GetString());
            Assert.StartsWith("set \"enabled = true\" in ", conf.GetProperty("fix").GetString(), StringComparison.Ordinal);
            Assert.All(page.GetProperty("rest").EnumerateArray(), r => Assert.Contains(r.GetProperty("outcome").GetString(), new[] { "PASS", "N/A" }));
            Assert.Equal(17, attention.Length + page.GetProperty("rest").GetArrayLength());
        }
    }

    [GeneratedRegex("\"http\":(\\d+)")]
    private static partial Regex HttpPortInReadyLine();
}
