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

/// <summary><c>/json/notices</c>: the notices of active plugins, one object each, keys sorted as olad writes JSON.</summary>
public sealed class NoticesApiTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("olas-notices-").FullName;
    private readonly RefreshScheduler _clock = new();

    public void Dispose()
    {
        _clock.Dispose();
        Directory.Delete(_dir, true);
    }

    [Fact]
    public async Task Notices_ActivePlugin_ListedWithEveryField()
    {
        var universes = new UniverseRegistry();
        var conf = new ConfStore(_dir);
        var devices = new DeviceRegistry(universes, _clock, conf);
        var context = new PluginContext(universes, _clock, conf, devices, NullLoggerFactory.Instance);
        var plugin = new NoticePlugin();
        var manager = new PluginManager([plugin], context);
        var host = new OlaHttpHost
        {
            Core = new ServerCore(universes, devices, manager, conf),
            ConfigDir = _dir,
            InstanceName = "test",
            StartedAt = DateTimeOffset.UnixEpoch,
            Quit = () => { },
        };

        // Not started: nothing to say.
        Assert.Empty(JsonDocument.Parse(await BodyAsync(NoticesApi.Notices(host))).RootElement.GetProperty("notices").EnumerateArray());

        await manager.StartAllAsync();
        string body = await BodyAsync(NoticesApi.Notices(host));
        JsonElement n = Assert.Single(JsonDocument.Parse(body).RootElement.GetProperty("notices").EnumerateArray());
        Assert.Equal(["count", "from", "kind", "last_seen_ms", "message", "plugin", "subject"], n.EnumerateObject().Select(p => p.Name));
        Assert.Equal(100, n.GetProperty("count").GetInt64());
        Assert.Equal("198.18.0.2", n.GetProperty("from").GetString());
        Assert.Equal("artnet_unpatched", n.GetProperty("kind").GetString());
        Assert.Equal(1500, n.GetProperty("last_seen_ms").GetInt64());
        Assert.Equal("Notices", n.GetProperty("plugin").GetString());
        Assert.Equal("0:0:0", n.GetProperty("subject").GetString());
        Assert.Equal("patch it", n.GetProperty("message").GetString());
    }

    private static async Task<string> BodyAsync(IResult result)
    {
        var ctx = new DefaultHttpContext();
        ctx.Response.Body = new MemoryStream();
        await result.ExecuteAsync(ctx);
        Assert.Equal("text/plain", ctx.Response.ContentType);
        return Encoding.UTF8.GetString(((MemoryStream)ctx.Response.Body).ToArray());
    }

    private sealed class NoticePlugin : Plugin, INoticeSource
    {
        public override int Id => 9001;

        public override string Name => "Notices";

        public override string ConfPrefix => "notices";

        public void CollectNotices(ICollection<PluginNotice> into) =>
            into.Add(new PluginNotice("artnet_unpatched", "0:0:0", "198.18.0.2", 100, TimeSpan.FromMilliseconds(1500), "patch it"));

        protected override Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        protected override Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
