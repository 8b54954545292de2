// Licensed under the MIT License. See LICENSE in the repository root.

namespace OlaSharp.Interop.Tests;

[Collection(InteropCollection.Name)]
public sealed class OladSmokeTests
{
    private static readonly TimeSpan s_toolTimeout = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task StartAsync_DummyOnly_ToolsSeeDummyDeviceAndPatchedUniverse()
    {
        Peers.Require("olad", "ola");
        Peers.Require("ola_dev_info", "ola");
        Peers.Require("ola_patch", "ola");
        Peers.Require("ola_uni_info", "ola");

        string nsName;
        int pid;
        string configDir;
        await using (var ns = await NetworkNamespace.CreateAsync())
        {
            nsName = ns.Name;
            await using (var olad = await OladInstance.StartAsync(ns, ["dummy"]))
            {
                pid = olad.Pid;
                configDir = olad.ConfigDir;
                Assert.True(Host.ProcessExists(pid));
                Assert.Equal("olad", (await File.ReadAllTextAsync($"/proc/{pid}/comm")).Trim());

                var devices = (await ns.RunAsync("ola_dev_info", [], s_toolTimeout)).EnsureSuccess("ola_dev_info");
                Assert.Contains("Device 1: Dummy Device", devices.StandardOutput, StringComparison.Ordinal);
                Assert.Contains("port 0, OUT Dummy Port", devices.StandardOutput, StringComparison.Ordinal);
                // Only the enabled plugin made a device: the conf's "enabled = false" is honoured.
                Assert.DoesNotContain("Device 2:", devices.StandardOutput, StringComparison.Ordinal);
                Assert.DoesNotContain("ArtNet", devices.StandardOutput, StringComparison.Ordinal);

                (await ns.RunAsync("ola_patch", ["-d", "1", "-p", "0", "-u", "1"], s_toolTimeout)).EnsureSuccess("ola_patch");
                var universes = (await ns.RunAsync("ola_uni_info", [], s_toolTimeout)).EnsureSuccess("ola_uni_info");
                Assert.Matches(@"(?m)^\s*1\s", universes.StandardOutput);

                Assert.Contains("Dummy", olad.ReadLog(), StringComparison.Ordinal);
            }

            Assert.False(Host.ProcessExists(pid), $"olad pid {pid} still exists after dispose");
            Assert.False(Directory.Exists(configDir));
        }

        Assert.DoesNotContain(nsName, await Host.ListNamespacesAsync());
    }

    [Fact]
    public async Task StartAsync_OnlyListedPluginsEnabled_ConfFilesSayEnabledFalse()
    {
        await using var ns = await NetworkNamespace.CreateAsync();
        await using var olad = await OladInstance.StartAsync(
            ns,
            ["dummy"],
            extraConf: new Dictionary<string, string> { ["ola-artnet.conf"] = "short_name = olas-test\n" });

        // olad rewrites each plugin's file in place (truncate, then write) while it loads them, so ola_dev_info
        // answering first means every plugin has been loaded and its file saved.
        var devices = (await ns.RunAsync("ola_dev_info", [], s_toolTimeout)).EnsureSuccess("ola_dev_info");
        Assert.Contains("Dummy Device", devices.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("ArtNet", devices.StandardOutput, StringComparison.Ordinal);

        foreach (var plugin in OladInstance.KnownPlugins)
        {
            var text = await File.ReadAllTextAsync(Path.Combine(olad.ConfigDir, $"ola-{plugin}.conf"));
            var expected = plugin == "dummy" ? "enabled = true" : "enabled = false";
            Assert.Contains(expected, text, StringComparison.Ordinal);
        }

        // The extra file kept its content and got the enabled line it lacked.
        var artnet = await File.ReadAllTextAsync(Path.Combine(olad.ConfigDir, "ola-artnet.conf"));
        Assert.Contains("short_name = olas-test", artnet, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_UnknownPlugin_ThrowsBeforeStarting()
    {
        await using var ns = await NetworkNamespace.CreateAsync();
        var error = await Assert.ThrowsAsync<ArgumentException>(() => OladInstance.StartAsync(ns, ["nosuchplugin"]));
        Assert.Contains("nosuchplugin", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Require_MissingProgram_ThrowsWithInstallHint()
    {
        var error = Assert.Throws<PeerNotFoundException>(() => Peers.Require("olas-no-such-program", "olas-no-such-package"));
        Assert.Equal("olas-no-such-program not found: apt-get install olas-no-such-package", error.Message);
    }
}
