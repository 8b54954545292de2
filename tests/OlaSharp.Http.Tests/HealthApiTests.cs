// Licensed under the MIT License. See LICENSE in the repository root.
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using OlaSharp.Core;
using OlaSharp.Core.Clock;
using OlaSharp.Core.Conf;
using OlaSharp.Core.Plugins;
using OlaSharp.Core.Server;
using OlaSharp.Http.Internal;

namespace OlaSharp.Http.Tests;

/// <summary>
/// <c>/json/health</c> and the plugin lists' <c>active</c>: keys sorted as olad writes JSON, every field of a
/// device, a plugin whose devices are all unusable reported inactive with its reason, one with a usable device active.
/// </summary>
public sealed class HealthApiTests : IDisposable
{
    private static readonly DateTimeOffset s_since = new(2026, 12, 2, 16, 30, 0, TimeSpan.Zero);
    private readonly string _dir = Directory.CreateTempSubdirectory("olas-health-").FullName;
    private readonly RefreshScheduler _clock = new();

    public void Dispose()
    {
        _clock.Dispose();
        Directory.Delete(_dir, true);
    }

    [Fact]
    public async Task Health_DevicesAndPlugins_EveryFieldSortedAndInactiveReasoned()
    {
        var universes = new UniverseRegistry();
        var conf = new ConfStore(_dir);
        var devices = new DeviceRegistry(universes, _clock, conf);
        var context = new PluginContext(universes, _clock, conf, devices, NullLoggerFactory.Instance);
        var broken = new HealthPlugin(9001, "Broken", new Entry("/dev/ttyNOPE", DeviceHealthState.Missing, "No such file or directory", [1, 4]));
        var mixed = new HealthPlugin(9002, "Mixed", new Entry("/dev/ttyA", DeviceHealthState.Busy, null, []), new Entry("/dev/ttyB", DeviceHealthState.WriteErrors, "EIO", []));
        var manager = new PluginManager([broken, mixed], context);
        await manager.StartAllAsync();
        var host = new OlaHttpHost { Core = new ServerCore(universes, devices, manager, conf), ConfigDir = _dir, InstanceName = "test", StartedAt = DateTimeOffset.UnixEpoch, Quit = () => { } };

        var json = new MemoryStream();
        using (var w = new Utf8JsonWriter(json))
        {
            w.WriteStartObject();
            HealthApi.Write(w, manager, s_since + TimeSpan.FromSeconds(12));
            w.WriteEndObject();
        }

        JsonElement root = JsonDocument.Parse(json.ToArray()).RootElement;
        JsonElement[] devs = [.. root.GetProperty("devices").EnumerateArray()];
        Assert.Equal(["9001-/dev/ttyNOPE", "9002-/dev/ttyA", "9002-/dev/ttyB"], devs.Select(d => d.GetProperty("device").GetString()));
        JsonElement d = devs[0];
        Assert.Equal(["device", "fix", "last_error", "path", "plugin", "plugin_id", "problem", "seconds", "since", "state", "waiting_universes"], d.EnumerateObject().Select(p => p.Name));
        Assert.Equal(("/dev/ttyNOPE", "Broken", 9001, "missing", "2026-12-02T16:30:00Z", 12L), (d.GetProperty("path").GetString(), d.GetProperty("plugin").GetString(), d.GetProperty("plugin_id").GetInt32(), d.GetProperty("state").GetString(), d.GetProperty("since").GetString(), d.GetProperty("seconds").GetInt64()));
        Assert.Equal(("No such file or directory", "/dev/ttyNOPE is missing", "plug it in"), (d.GetProperty("last_error").GetString(), d.GetProperty("problem").GetString(), d.GetProperty("fix").GetString()));
        Assert.Equal([1, 4], d.GetProperty("waiting_universes").EnumerateArray().Select(u => u.GetInt32()));
        Assert.Equal(JsonValueKind.Null, devs[1].GetProperty("last_error").ValueKind);
        Assert.Equal("busy", devs[1].GetProperty("state").GetString());
        Assert.Equal("write_errors", devs[2].GetProperty("state").GetString());

        JsonElement[] plugins = [.. root.GetProperty("plugins").EnumerateArray()];
        Assert.Equal(["active", "enabled", "id", "name", "reason"], plugins[0].EnumerateObject().Select(p => p.Name));
        Assert.Equal((false, true, 9001, "its device is unusable (/dev/ttyNOPE: missing)"), (plugins[0].GetProperty("active").GetBoolean(), plugins[0].GetProperty("enabled").GetBoolean(), plugins[0].GetProperty("id").GetInt32(), plugins[0].GetProperty("reason").GetString()));

        // Write errors still carry DMX: the plugin with one such device is active.
        Assert.Equal((true, string.Empty), (plugins[1].GetProperty("active").GetBoolean(), plugins[1].GetProperty("reason").GetString()));

        // The plugin lists say the same (olad would say active for both).
        var api = new OlaApi(host, NullLogger.Instance);
        JsonElement list = JsonDocument.Parse(await BodyAsync(api.UniversePluginList())).RootElement;
        Assert.Equal([(9001, false), (9002, true)], list.GetProperty("plugins").EnumerateArray().Select(p => (p.GetProperty("id").GetInt32(), p.GetProperty("active").GetBoolean())));

        // Stopped: no devices, and the reason says so.
        await manager.StopAllAsync();
        Assert.Empty(DeviceHealthReport.Collect(manager));
        Assert.Equal((false, "not started"), (DeviceHealthReport.Of(broken).Active, DeviceHealthReport.Of(broken).Reason));
    }

    private static async Task<string> BodyAsync(IResult result)
    {
        var ctx = new DefaultHttpContext();
        ctx.Response.Body = new MemoryStream();
        await result.ExecuteAsync(ctx);
        return Encoding.UTF8.GetString(((MemoryStream)ctx.Response.Body).ToArray());
    }

    private sealed record Entry(string Path, DeviceHealthState State, string? Error, int[] Universes);

    private sealed class HealthPlugin(int id, string name, params Entry[] entries) : Plugin, IDeviceHealthSource
    {
        public override int Id => id;

        public override string Name => name;

        public override string ConfPrefix => name.ToLowerInvariant();

        public void CollectHealth(ICollection<DeviceHealth> into)
        {
            foreach (Entry e in entries)
            {
                into.Add(new DeviceHealth(Id, Name, ConfPrefix, $"{Id}-{e.Path}", e.Path, e.State, s_since, e.Error, e.Universes, $"{e.Path} is {DeviceHealthReport.StateName(e.State)}", "plug it in"));
            }
        }

        protected override Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        protected override Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
