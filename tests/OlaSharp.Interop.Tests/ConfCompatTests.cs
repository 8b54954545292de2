// Licensed under the MIT License. See LICENSE in the repository root.
using OlaSharp.Core;
using OlaSharp.Core.Clock;
using OlaSharp.Core.Conf;
using OlaSharp.Core.Plugins;
using OlaSharp.Core.Plugins.Dummy;

namespace OlaSharp.Interop.Tests;

/// <summary>
/// The conf directory is shared with OLA: olad 0.10.9 reads the patches and universe settings OlaSharp
/// writes, and OlaSharp restores the ones olad wrote.
/// </summary>
[Collection(InteropCollection.Name)]
public sealed class ConfCompatTests : IDisposable
{
    private static readonly TimeSpan s_toolTimeout = TimeSpan.FromSeconds(15);
    private readonly string _dir = Directory.CreateTempSubdirectory("olas-compat-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private static async Task<(DeviceRegistry Devices, UniverseRegistry Universes, PluginManager Plugins)> StartCoreAsync(string dir)
    {
        var conf = new ConfStore(dir);
        var universes = new UniverseRegistry();
        _ = new UniverseSettingsStore(universes, conf);
        var clock = new RefreshScheduler();
        var devices = new DeviceRegistry(universes, clock, conf);
        var plugins = new PluginManager([new DummyPlugin()], new PluginContext(universes, clock, conf, devices, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance));
        await plugins.StartAllAsync();
        return (devices, universes, plugins);
    }

    [Fact]
    public async Task OlasharpWrites_OladReads_PatchNameAndMergeMode()
    {
        Peers.Require("olad", "ola");
        Peers.Require("ola_uni_info", "ola");
        Peers.Require("ola_dev_info", "ola");

        var (devices, universes, plugins) = await StartCoreAsync(_dir);
        Assert.True(devices.TryPatch(devices.FindPort("1-1-O-0")!, 4, out _));
        Universe u = universes.GetOrCreate(4);
        u.Name = "Stage left";
        u.MergeMode = MergeMode.Htp;
        await plugins.StopAllAsync();

        await using var ns = await NetworkNamespace.CreateAsync();
        await using var olad = await OladInstance.StartAsync(ns, ["dummy"], extraConf: new Dictionary<string, string>
        {
            ["ola-port.conf"] = await File.ReadAllTextAsync(Path.Combine(_dir, "ola-port.conf")),
            ["ola-universe.conf"] = await File.ReadAllTextAsync(Path.Combine(_dir, "ola-universe.conf")),
        });

        var uni = (await ns.RunAsync("ola_uni_info", [], s_toolTimeout)).EnsureSuccess("ola_uni_info");
        Assert.Matches(@"(?m)^\s*4\s+Stage left\s+HTP\s*$", uni.StandardOutput);
        var dev = (await ns.RunAsync("ola_dev_info", [], s_toolTimeout)).EnsureSuccess("ola_dev_info");
        Assert.Contains("port 0, OUT Dummy Port, patched to universe 4", dev.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OladWrites_OlasharpReads_PatchNameAndMergeMode()
    {
        Peers.Require("olad", "ola");
        Peers.Require("ola_patch", "ola");

        await using var ns = await NetworkNamespace.CreateAsync();
        await using var olad = await OladInstance.StartAsync(ns, ["dummy"]);
        (await ns.RunAsync("ola_patch", ["-d", "1", "-p", "0", "-u", "7"], s_toolTimeout)).EnsureSuccess("ola_patch");
        (await ns.RunAsync("ola_uni_name", ["-u", "7", "-n", "Back truss"], s_toolTimeout)).EnsureSuccess("ola_uni_name");
        (await ns.RunAsync("ola_uni_merge", ["-u", "7"], s_toolTimeout)).EnsureSuccess("ola_uni_merge");
        // olad writes ola-port.conf and ola-universe.conf only on a clean shutdown.
        Assert.True(await olad.StopAsync(TimeSpan.FromSeconds(10)));

        foreach (string name in new[] { "ola-port.conf", "ola-universe.conf", "ola-dummy.conf" })
        {
            File.Copy(Path.Combine(olad.ConfigDir, name), Path.Combine(_dir, name));
        }

        string dummyBefore = await File.ReadAllTextAsync(Path.Combine(_dir, "ola-dummy.conf"));
        var (devices, universes, plugins) = await StartCoreAsync(_dir);
        Assert.Equal(7, devices.FindPort("1-1-O-0")!.Universe?.Id);
        Assert.True(universes.TryGet(7, out Universe? u));
        Assert.Equal("Back truss", u.Name);
        Assert.Equal(MergeMode.Htp, u.MergeMode);

        // olad's RDM responder keys in ola-dummy.conf survive our rewrite (ours are added, none dropped).
        ConfFile before = ConfFile.Parse(dummyBefore);
        ConfFile after = ConfFile.Load(Path.Combine(_dir, "ola-dummy.conf"));
        foreach (var entry in before.Entries)
        {
            Assert.Equal(entry.Value, after.Get(entry.Key));
        }

        await plugins.StopAllAsync();
    }

    [Fact]
    public async Task OladRewritesUniverseConf_KeepsOurFailsafeAndSceneKeys()
    {
        Peers.Require("olad", "ola");
        Peers.Require("ola_uni_name", "ola");

        var (devices, universes, plugins) = await StartCoreAsync(_dir);
        Assert.True(devices.TryPatch(devices.FindPort("1-1-O-0")!, 4, out _));
        Universe u = universes.GetOrCreate(4);
        Assert.True(u.SetScene("boot", [10, 20, 30]).Ok);
        Assert.True(u.SetScene("lost-1", [255, 0, 128, 7]).Ok);
        Assert.True(u.SetFailsafe(new FailsafeSettings(LossPolicy.Scene, TimeSpan.FromSeconds(60), "lost-1")).Ok);
        Assert.True(u.SetStartupScene("boot").Ok);
        await plugins.StopAllAsync();
        ConfFile ours = ConfFile.Load(Path.Combine(_dir, "ola-universe.conf"));
        string[] keys = ["uni_4_failsafe", "uni_4_failsafe_after_ms", "uni_4_failsafe_scene", "uni_4_startup_scene", "uni_4_scene_boot", "uni_4_scene_lost-1"];
        Assert.All(keys, k => Assert.NotNull(ours.Get(k)));

        await using var ns = await NetworkNamespace.CreateAsync();
        await using var olad = await OladInstance.StartAsync(ns, ["dummy"], extraConf: new Dictionary<string, string>
        {
            ["ola-port.conf"] = await File.ReadAllTextAsync(Path.Combine(_dir, "ola-port.conf")),
            ["ola-universe.conf"] = await File.ReadAllTextAsync(Path.Combine(_dir, "ola-universe.conf")),
        });

        // A change olad must write (it writes ola-universe.conf on a clean shutdown).
        (await ns.RunAsync("ola_uni_name", ["-u", "4", "-n", "Renamed by olad"], s_toolTimeout)).EnsureSuccess("ola_uni_name");
        Assert.True(await olad.StopAsync(TimeSpan.FromSeconds(10)));

        ConfFile rewritten = ConfFile.Load(Path.Combine(olad.ConfigDir, "ola-universe.conf"));
        Assert.Equal("Renamed by olad", rewritten.Get("uni_4_name"));
        foreach (string k in keys)
        {
            Assert.Equal(ours.Get(k), rewritten.Get(k));
        }

        // And we read back what olad wrote.
        string dir2 = Directory.CreateTempSubdirectory("olas-compat-").FullName;
        try
        {
            File.Copy(Path.Combine(olad.ConfigDir, "ola-universe.conf"), Path.Combine(dir2, "ola-universe.conf"));
            File.Copy(Path.Combine(_dir, "ola-port.conf"), Path.Combine(dir2, "ola-port.conf"));
            var (_, universes2, plugins2) = await StartCoreAsync(dir2);
            Assert.True(universes2.TryGet(4, out Universe? again));
            Assert.Equal(new FailsafeSettings(LossPolicy.Scene, TimeSpan.FromSeconds(60), "lost-1"), again.Failsafe);
            Assert.Equal(new byte[] { 10, 20, 30 }, again.GetMergedCopy());
            await plugins2.StopAllAsync();
        }
        finally
        {
            Directory.Delete(dir2, true);
        }
    }
}
