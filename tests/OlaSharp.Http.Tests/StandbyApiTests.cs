// Licensed under the MIT License. See LICENSE in the repository root.
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OlaSharp.Core;
using OlaSharp.Core.Clock;
using OlaSharp.Core.Conf;
using OlaSharp.Core.Plugins;
using OlaSharp.Core.Security;
using OlaSharp.Core.Server;
using OlaSharp.Core.Standby;
using OlaSharp.Tests.Shared;

namespace OlaSharp.Http.Tests;

/// <summary>
/// <c>/json/standby</c>, <c>/json/standby/switch</c> and the standby part of <c>/metrics</c>, on the real endpoints
/// in Kestrel at 127.0.0.1:0, with a fake controller.
/// </summary>
public sealed class StandbyApiTests : IAsyncDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("olas-standby-").FullName;
    private readonly RefreshScheduler _clock = new();
    private WebApplication? _app;

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        _clock.Dispose();
        Directory.Delete(_dir, true);
    }

    [Fact]
    public async Task Get_Standby_EveryKeySortedAndWhyTheOutputsAreSilent()
    {
        using HttpClient http = await StartAsync(FakeStandbyController.StandbyOf());

        JsonElement s = JsonDocument.Parse(await http.GetStringAsync("/json/standby")).RootElement;

        Assert.Equal(["outputs", "outputs_driven", "partner", "partner_last_heard_ms", "partner_role", "reason", "role", "since", "transitions"], s.EnumerateObject().Select(p => p.Name));
        Assert.Equal(("standby", "198.18.0.2", "active", 40L), (s.GetProperty("role").GetString(), s.GetProperty("partner").GetString(), s.GetProperty("partner_role").GetString(), s.GetProperty("partner_last_heard_ms").GetInt64()));
        Assert.Equal(("2026-12-03T00:30:00Z", 1L, false), (s.GetProperty("since").GetString(), s.GetProperty("transitions").GetInt64(), s.GetProperty("outputs_driven").GetBoolean()));
        Assert.Equal("standby: partner 198.18.0.2 active, outputs silent, UART line released", s.GetProperty("outputs").GetString());
        Assert.Equal("the partner is active (heartbeat every 100 ms)", s.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Get_Standalone_NeverHeardIsNull()
    {
        using HttpClient http = await StartAsync(new StandaloneController(DateTimeOffset.UnixEpoch));

        JsonElement s = JsonDocument.Parse(await http.GetStringAsync("/json/standby")).RootElement;

        Assert.Equal(("standalone", string.Empty, true), (s.GetProperty("role").GetString(), s.GetProperty("partner").GetString(), s.GetProperty("outputs_driven").GetBoolean()));
        Assert.Equal(JsonValueKind.Null, s.GetProperty("partner_last_heard_ms").ValueKind);
    }

    [Fact]
    public async Task Switch_Allowed_AnswersTheNewState()
    {
        FakeStandbyController standby = FakeStandbyController.StandbyOf();
        using HttpClient http = await StartAsync(standby);

        using HttpResponseMessage r = await http.PostAsync("/json/standby/switch", null);

        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        JsonElement s = JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(("active", "standby", 2L), (s.GetProperty("role").GetString(), s.GetProperty("partner_role").GetString(), s.GetProperty("transitions").GetInt64()));
        Assert.Equal(1, standby.SwitchOvers);
    }

    [Fact]
    public async Task Switch_Refused_409WithTheControllersSentence()
    {
        FakeStandbyController standby = FakeStandbyController.StandbyOf();
        standby.Refusal = "the partner 198.18.0.2 is not heard: handing over would leave the outputs dark";
        using HttpClient http = await StartAsync(standby);

        using HttpResponseMessage r = await http.PostAsync("/json/standby/switch", null);

        Assert.Equal(HttpStatusCode.Conflict, r.StatusCode);
        Assert.Equal(standby.Refusal, await r.Content.ReadAsStringAsync());
        Assert.Equal(0, standby.SwitchOvers);
    }

    [Fact]
    public async Task Switch_Guarded_CrossSite403_NoToken401_TokenPasses()
    {
        FakeStandbyController standby = FakeStandbyController.StandbyOf();
        using HttpClient http = await StartAsync(standby, "s3cret");

        using var crossSite = new HttpRequestMessage(HttpMethod.Post, "/json/standby/switch");
        crossSite.Headers.Add("Origin", "http://evil.example");
        crossSite.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "s3cret");
        Assert.Equal(HttpStatusCode.Forbidden, (await http.SendAsync(crossSite)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.PostAsync("/json/standby/switch", null)).StatusCode);
        Assert.Equal(0, standby.SwitchOvers);

        // The status stays readable without the token.
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/json/standby")).StatusCode);

        using var withToken = new HttpRequestMessage(HttpMethod.Post, "/json/standby/switch");
        withToken.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "s3cret");
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(withToken)).StatusCode);
        Assert.Equal(1, standby.SwitchOvers);
    }

    [Fact]
    public async Task Metrics_RoleTransitionsAndPartnerLastHeard()
    {
        FakeStandbyController standby = FakeStandbyController.StandbyOf();
        using HttpClient http = await StartAsync(standby);

        string m = await http.GetStringAsync("/metrics");
        Assert.Equal(1, Value(m, "olasharp_standby_role{role=\"standby\"}"));
        Assert.Equal(0, Value(m, "olasharp_standby_role{role=\"active\"}"));
        Assert.Equal(0, Value(m, "olasharp_standby_role{role=\"starting\"}"));
        Assert.Equal(0, Value(m, "olasharp_standby_role{role=\"standalone\"}"));
        Assert.Equal(1, Value(m, "olasharp_standby_transitions_total"));
        Assert.Equal(0.04, Value(m, "olasharp_standby_partner_last_heard_seconds"), 6);

        standby.Set(standby.Status with { Role = StandbyRole.Active, PartnerRole = StandbyRole.Starting, PartnerLastHeard = null, Transitions = 2 });
        m = await http.GetStringAsync("/metrics");
        Assert.Equal(1, Value(m, "olasharp_standby_role{role=\"active\"}"));
        Assert.Equal(0, Value(m, "olasharp_standby_role{role=\"standby\"}"));
        Assert.Equal(2, Value(m, "olasharp_standby_transitions_total"));
        Assert.True(double.IsNaN(Value(m, "olasharp_standby_partner_last_heard_seconds")));
    }

    private static double Value(string metrics, string series)
    {
        string line = metrics.Split('\n').Single(l => l.StartsWith(series + " ", StringComparison.Ordinal));
        return double.Parse(line[(series.Length + 1)..], CultureInfo.InvariantCulture);
    }

    private async Task<HttpClient> StartAsync(IStandbyController standby, string? token = null)
    {
        var universes = new UniverseRegistry();
        var conf = new ConfStore(_dir);
        var devices = new DeviceRegistry(universes, _clock, conf);
        var context = new PluginContext(universes, _clock, conf, devices, NullLoggerFactory.Instance);
        var manager = new PluginManager([], context);
        var core = new ServerCore(universes, devices, manager, conf) { Standby = standby };
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        _app = builder.Build();
        OlaHttpEndpoints.Map(_app, new OlaHttpHost
        {
            Core = core,
            ConfigDir = _dir,
            InstanceName = "test",
            StartedAt = DateTimeOffset.UnixEpoch,
            Quit = () => { },
            AuthToken = BearerToken.Parse(token),
        });
        await _app.StartAsync();
        string address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new HttpClient { BaseAddress = new Uri(address) };
    }
}
