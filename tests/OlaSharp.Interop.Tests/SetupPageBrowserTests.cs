// Licensed under the MIT License. See LICENSE in the repository root.
using System.Text.Json;
using Xunit.Abstractions;

namespace OlaSharp.Interop.Tests;

/// <summary>
/// The web UI's "Pi setup" page in Debian's Chromium (interop/clients/browser/setup-test.js), inside a private
/// namespace with olasharpd whose UART plugin is disabled: the header link opens the page, the failing
/// conf-enabled check is listed first with the word FAIL and its fix, the passed and not applicable checks
/// are folded below, and <c>/#/setup</c> opens the page directly.
/// </summary>
[Collection(InteropCollection.Name)]
public sealed class SetupPageBrowserTests(ITestOutputHelper output)
{
    [Fact]
    public async Task SetupPage_ListsTheFailingCheckFirst_WithItsFix()
    {
        string node = await BrowserRun.RequireAsync();
        await using var ns = await NetworkNamespace.CreateAsync();
        await using var server = await OlasharpdInNamespace.StartAsync(ns, TimeSpan.FromSeconds(60), confFiles: new Dictionary<string, string> { ["ola-uartdmx.conf"] = "device = /dev/ttyAMA0\nenabled = false\n" });
        using JsonDocument result = await BrowserRun.RunAsync(ns, node, output, "setup-test.js", BrowserRun.BaseUrl(server));
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
}
