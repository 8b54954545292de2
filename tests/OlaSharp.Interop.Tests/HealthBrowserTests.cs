// Licensed under the MIT License. See LICENSE in the repository root.
using System.Diagnostics;
using System.Text.Json;
using OlaSharp.Uart.Tests;
using Xunit.Abstractions;

namespace OlaSharp.Interop.Tests;

/// <summary>
/// Issue 14's story in Debian's Chromium (interop/clients/browser/health-test.js): olasharpd runs as a service
/// user without dialout, with a missing UART, a UART it may not open and one whose driver-enable GPIO fails
/// (<see cref="HealthUiServer"/>). The home page shows each of them first, under the header, named, with the fix.
/// Then the user does what the missing device's card says: on the UART plugin's page the device list gets the
/// real UART (a pty here) instead of the missing one, saved; the card goes and the line comes up on the pty.
/// </summary>
[Collection(InteropCollection.Name)]
public sealed class HealthBrowserTests(ITestOutputHelper output)
{
    [Fact]
    public async Task HomePage_ThreeBrokenUarts_EachNamedFirstWithItsFix_ThenFixedOnThePluginPage_LineComesUp()
    {
        Assert.True(Environment.UserName == "root", "This test runs olasharpd as user nobody (setpriv) with ptys owned by root:dialout; run the interop tests as root, as CI does.");
        await using var ns = await NetworkNamespace.CreateAsync();
        await using HealthUiServer server = await HealthUiServer.StartAsync(ns, TimeSpan.FromSeconds(60));

        using var uart = new PtyPair();
        await Host.RunAsync("chmod", ["666", uart.SlavePath]);
        using JsonDocument result = await RunAsync(ns, server.BaseUrl, HealthUiServer.MissingPath, server.DeniedPath, server.GpioPath, "--fix", HealthUiServer.MissingPath, uart.SlavePath);

        JsonElement r = result.RootElement;
        Assert.True(r.GetProperty("visible").GetBoolean());
        Assert.True(r.GetProperty("firstAfterHeader").GetBoolean());
        Assert.True(r.GetProperty("aboveMain").GetBoolean());
        Assert.Equal("health-title", r.GetProperty("labelledBy").GetString());
        Assert.Equal("3 devices cannot send DMX", r.GetProperty("heading").GetString());
        Dictionary<string, (string Title, string Text)> cards = r.GetProperty("cards").EnumerateArray()
            .ToDictionary(c => c.GetProperty("path").GetString()!, c => (c.GetProperty("title").GetString()!, c.GetProperty("text").GetString()!));

        (string title, string text) = cards[HealthUiServer.MissingPath];
        Assert.Equal("Problem: /dev/ttyNOPE: missing", title);
        Assert.Contains("/dev/ttyNOPE does not exist, so the DMX line is dark.", text, StringComparison.Ordinal);
        Assert.Contains("universe 1", text, StringComparison.Ordinal);
        Assert.Contains("enable_uart=1 in /boot/firmware/config.txt (Pi 3/4: also dtoverlay=disable-bt", text, StringComparison.Ordinal);
        Assert.Contains($"set device = <your UART> in {server.ConfPath}", text, StringComparison.Ordinal);

        (title, text) = cards[server.DeniedPath];
        Assert.Equal($"Problem: {server.DeniedPath}: permission denied", title);
        Assert.Contains($"The service user nobody may not open {server.DeniedPath}", text, StringComparison.Ordinal);
        Assert.Contains("sudo usermod -aG dialout nobody, then restart the service", text, StringComparison.Ordinal);
        Assert.Contains("no universe is patched to it", text, StringComparison.Ordinal);

        (title, text) = cards[server.GpioPath];
        Assert.Equal($"Problem: {server.GpioPath}: driver-enable GPIO failed", title);
        Assert.Contains($"The RS-485 driver-enable pin GPIO 18 of {server.GpioPath} could not be driven", text, StringComparison.Ordinal);
        Assert.Contains($"Check {server.GpioPath}-de_gpio = 18 in {server.ConfPath}", text, StringComparison.Ordinal);
        Assert.Contains("sudo usermod -aG gpio nobody", text, StringComparison.Ordinal);

        Assert.Contains(r.GetProperty("pluginNotes").EnumerateArray(), n => n.GetString()!.StartsWith("Plugin UART native DMX is not active: none of its devices is usable", StringComparison.Ordinal));

        // Fixed through the plugin page: saved, the UART plugin restarted with the pty, whose card never shows; the
        // missing device's card is gone, the two others stay; the line runs (frames, start code first, on the pty).
        JsonElement fix = r.GetProperty("fix");
        Assert.Contains("Saved", fix.GetProperty("saved").GetString(), StringComparison.Ordinal);
        Assert.Contains($"20-{uart.SlavePath}", fix.GetProperty("status").GetString(), StringComparison.Ordinal);
        Assert.Equal(
            new[] { $"Problem: {server.DeniedPath}: permission denied", $"Problem: {server.GpioPath}: driver-enable GPIO failed" }.Order(StringComparer.Ordinal),
            fix.GetProperty("left").EnumerateArray().Select(e => e.GetString()!).Order(StringComparer.Ordinal));
        Assert.Contains($"device = {uart.SlavePath}\n", await File.ReadAllTextAsync(server.ConfPath), StringComparison.Ordinal);
        byte[] line = uart.Read(64, TimeSpan.FromSeconds(10));
        Assert.True(line.Length > 0 && line[0] == 0, $"no DMX frames on {uart.SlavePath} ({line.Length} bytes)");

        // The GPIO failure is one line with the reason, not a stack trace.
        Assert.DoesNotContain("   at ", server.Output.StandardOutput + server.Output.StandardError, StringComparison.Ordinal);
    }

    private async Task<JsonDocument> RunAsync(NetworkNamespace ns, params string[] args)
    {
        Peers.Require("/usr/bin/chromium", "chromium");
        string node = Peers.Require("node", "nodejs");
        await BrowserScripts.EnsureNodeModulesAsync();
        var sw = Stopwatch.StartNew();
        CommandResult run = await ns.RunAsync(node, [BrowserScripts.Script("health-test.js"), .. args], TimeSpan.FromSeconds(120));
        output.WriteLine($"health-test.js ({sw.ElapsedMilliseconds} ms): {run.StandardOutput}\n{run.StandardError}");
        Assert.False(run.TimedOut, "health-test.js timed out");
        string last = run.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "{}";
        JsonDocument result = JsonDocument.Parse(last);
        Assert.True(result.RootElement.TryGetProperty("ok", out JsonElement ok) && ok.GetBoolean(), last + "\n" + run.StandardError);
        Assert.Equal(0, run.ExitCode);
        return result;
    }
}
