// Licensed under the MIT License. See LICENSE in the repository root.
using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace OlaSharp.Interop.Tests;

/// <summary>
/// Runs one of interop/clients/browser/*-test.js with node inside the test's namespace against a server there,
/// and returns the JSON line it prints, having asserted it finished with <c>"ok": true</c>.
/// </summary>
internal static partial class BrowserRun
{
    /// <summary>Checks Chromium and node are installed and the scripts' node modules are in place.</summary>
    public static async Task<string> RequireAsync()
    {
        Peers.Require("/usr/bin/chromium", "chromium");
        string node = Peers.Require("node", "nodejs");
        await BrowserScripts.EnsureNodeModulesAsync();
        return node;
    }

    /// <summary>The server's HTTP address, from its ready line.</summary>
    public static string BaseUrl(OlasharpdInNamespace server) =>
        $"http://127.0.0.1:{int.Parse(HttpPortInReadyLine().Match(server.Output.StandardOutput).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)}";

    public static async Task<JsonDocument> RunAsync(NetworkNamespace ns, string node, ITestOutputHelper output, string script, params string[] args)
    {
        var sw = Stopwatch.StartNew();
        CommandResult run = await ns.RunAsync(node, [Path.Combine(BrowserScripts.Directory, script), .. args], TimeSpan.FromSeconds(120));
        output.WriteLine($"{script} ({sw.ElapsedMilliseconds} ms): {run.StandardOutput}\n{run.StandardError}");
        Assert.False(run.TimedOut, $"{script} timed out");
        string last = run.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "{}";
        JsonDocument result = JsonDocument.Parse(last);
        Assert.True(result.RootElement.TryGetProperty("ok", out JsonElement ok) && ok.GetBoolean(), last + "\n" + run.StandardError);
        return result;
    }

    [GeneratedRegex("\"http\":(\\d+)")]
    private static partial Regex HttpPortInReadyLine();
}
