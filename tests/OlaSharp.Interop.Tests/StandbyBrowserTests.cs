// Licensed under the MIT License. See LICENSE in the repository root.
using System.Text.Json;
using Xunit.Abstractions;

namespace OlaSharp.Interop.Tests;

/// <summary>
/// The web UI's hot-standby badge and switch-over button in Debian's Chromium (interop/clients/browser/standby-test.js),
/// inside a private namespace with olasharpd: the real standalone server shows neither; with /json/standby answered
/// as a standby server (partner 198.18.0.2 active) the header badge shows on every page, the home page says why the
/// outputs are silent, and the button asks first, shows a refusal's reason and the new role after a switch.
/// </summary>
[Collection(InteropCollection.Name)]
public sealed class StandbyBrowserTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Badge_OnEveryPage_PanelSaysWhySilent_SwitchAsksFirstAndShowsTheOutcome()
    {
        string node = await BrowserRun.RequireAsync();
        await using var ns = await NetworkNamespace.CreateAsync();
        await using var server = await OlasharpdInNamespace.StartAsync(ns, TimeSpan.FromSeconds(60));
        using JsonDocument result = await BrowserRun.RunAsync(ns, node, output, "standby-test.js", BrowserRun.BaseUrl(server));
        JsonElement r = result.RootElement;

        // The real server has no partner: nothing shown, and its JSON says so.
        Assert.False(r.GetProperty("real").GetProperty("badgeVisible").GetBoolean());
        Assert.False(r.GetProperty("real").GetProperty("panelVisible").GetBoolean());
        Assert.Equal("standalone", r.GetProperty("realJson").GetProperty("role").GetString());

        JsonElement standby = r.GetProperty("standby");
        Assert.True(standby.GetProperty("badgeVisible").GetBoolean());
        Assert.Equal("Standby — partner 198.18.0.2 active", standby.GetProperty("badge").GetString());
        Assert.True(standby.GetProperty("panelVisible").GetBoolean());
        Assert.Equal("Standby: partner 198.18.0.2 active, outputs silent, UART line released.", standby.GetProperty("outputs").GetString());
        Assert.Equal("Take over the outputs", standby.GetProperty("button").GetString());

        // The badge is in the header on the other pages too; the panel is the home page's.
        Assert.Equal("Standby — partner 198.18.0.2 active", r.GetProperty("pluginsPage").GetProperty("badge").GetString());
        Assert.False(r.GetProperty("pluginsPage").GetProperty("panelVisible").GetBoolean());

        Assert.Equal("Take over the outputs?", r.GetProperty("confirmTitle").GetString());
        Assert.Equal(0, r.GetProperty("postsAfterCancel").GetInt32());
        Assert.Equal("Not switched: the partner 198.18.0.2 is not heard: handing over would leave the outputs dark", r.GetProperty("refused").GetProperty("message").GetString());
        Assert.Equal(2, r.GetProperty("posts").GetInt32());
        Assert.Equal("POST", r.GetProperty("postMethod").GetString());
        Assert.Equal("Active — partner 198.18.0.2 standby", r.GetProperty("switched").GetProperty("badge").GetString());
        Assert.Equal("Hand the outputs to the partner", r.GetProperty("switched").GetProperty("button").GetString());
    }
}
