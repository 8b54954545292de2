// Licensed under the MIT License. See LICENSE in the repository root.
using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using OlaSharp.Uart.Tests;
using Xunit.Abstractions;

namespace OlaSharp.Interop.Tests;

/// <summary>
/// Issue 14's "fixes the conf through the plugin page and sees the line come up on a pty", in Debian's
/// Chromium (interop/clients/browser/plugins-test.js) inside a private namespace with olasharpd: a fresh conf
/// dir has the UART off with <c>device = /dev/ttyACM0</c>; the user opens the UART plugin's page from the
/// plugin table with the keyboard, types a bad break and sees the error next to the field, then sets the
/// device to a pty, enables the plugin and saves: the page shows the device running and frames arrive.
/// </summary>
[Collection(InteropCollection.Name)]
public sealed partial class PluginPageBrowserTests(ITestOutputHelper output)
{
    [Fact]
    public async Task UartPage_BadBreakErrorAtTheField_ThenPtyDeviceAndEnabled_LineComesUp()
    {
        Peers.Require("/usr/bin/chromium", "chromium");
        string node = Peers.Require("node", "nodejs");
        await BrowserScripts.EnsureNodeModulesAsync();
        using var pty = new PtyPair();
        await using var ns = await NetworkNamespace.CreateAsync();
        await using var server = await OlasharpdInNamespace.StartAsync(ns, TimeSpan.FromSeconds(60));
        string baseUrl = $"http://127.0.0.1:{int.Parse(HttpPortInReadyLine().Match(server.Output.StandardOutput).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)}";
        string conf = Path.Combine(server.ConfigDir, "ola-uartdmx.conf");
        Assert.Contains("device = /dev/ttyACM0", await File.ReadAllTextAsync(conf), StringComparison.Ordinal);

        var sw = Stopwatch.StartNew();
        CommandResult run = await ns.RunAsync(node, [BrowserScripts.Script("plugins-test.js"), baseUrl, pty.SlavePath], TimeSpan.FromSeconds(120));
        output.WriteLine($"plugins-test.js ({sw.ElapsedMilliseconds} ms): {run.StandardOutput}\n{run.StandardError}");
        Assert.False(run.TimedOut, "plugins-test.js timed out");
        string last = run.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "{}";
        using JsonDocument result = JsonDocument.Parse(last);
        JsonElement r = result.RootElement;
        Assert.True(r.TryGetProperty("ok", out JsonElement ok) && ok.GetBoolean(), last + "\n" + run.StandardError);

        Assert.Equal("UART native DMX settings", r.GetProperty("title").GetString());
        Assert.Equal(conf, r.GetProperty("confPath").GetString());
        Assert.Equal("Break (µs)", r.GetProperty("breakLabel").GetString());
        Assert.Equal("'10' is not an integer 88..1000000", r.GetProperty("breakError").GetString());
        Assert.Equal("true", r.GetProperty("breakInvalid").GetString());
        Assert.True(r.GetProperty("errorFocused").GetBoolean());
        Assert.True(r.GetProperty("unchangedAfterError").GetBoolean());
        Assert.Contains("restarted", r.GetProperty("savedMessage").GetString(), StringComparison.Ordinal);
        Assert.Contains($"20-{pty.SlavePath}", r.GetProperty("status").GetString(), StringComparison.Ordinal);
        Assert.Contains(pty.SlavePath, r.GetProperty("legends").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(0, r.GetProperty("errorsShown").GetInt32());
        Assert.Empty(r.GetProperty("consoleErrors").EnumerateArray());

        // The file says so, and the line is up: frames (start code 0 and 512 slots) arrive on the pty.
        string written = await File.ReadAllTextAsync(conf);
        Assert.Contains($"device = {pty.SlavePath}\n", written, StringComparison.Ordinal);
        Assert.Contains("enabled = true\n", written, StringComparison.Ordinal);
        Assert.True(pty.Read(2 * 513, TimeSpan.FromSeconds(10)).Length >= 2 * 513, "no frames on the pty");
        Assert.DoesNotMatch(@"\b(fail|crit)\b|Exception", server.Output.StandardOutput + server.Output.StandardError);
    }

    [GeneratedRegex("\"http\":(\\d+)")]
    private static partial Regex HttpPortInReadyLine();
}
