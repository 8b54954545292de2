// Licensed under the MIT License. See LICENSE in the repository root.
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OlaSharp.Core;
using OlaSharp.Core.Clock;
using OlaSharp.Core.Plugins;
using OlaSharp.Http.Internal;

namespace OlaSharp.Http.Tests;

public sealed class OlaApiUnitTests
{
    [Theory]
    [InlineData("1,2,3,300,,7", new byte[] { 1, 2, 3, 44, 0, 7 })]
    [InlineData("abc", new byte[] { 0 })]
    [InlineData(" 12x,-1,+5", new byte[] { 12, 255, 5 })]
    [InlineData("99999999999999", new byte[] { 255 })]
    [InlineData(",", new byte[] { 0, 0 })]
    public void ParseDmxList_BehavesLikeOladsAtoi(string d, byte[] expected) =>
        Assert.Equal(expected, OlaApi.ParseDmxList(d));

    [Fact]
    public void ParseDmxList_TenThousandValues_KeepsTheFirst512()
    {
        byte[] data = OlaApi.ParseDmxList(string.Join(',', Enumerable.Range(0, 10_000)));
        Assert.Equal(512, data.Length);
        Assert.Equal(unchecked((byte)511), data[511]);
    }

    [Theory]
    [InlineData("1-O-0", true)]
    [InlineData("1-I-0", false)]
    [InlineData("1-X-0", false)]
    [InlineData("1-O", false)]
    [InlineData("-1-O-0", false)]
    [InlineData("a-O-0", false)]
    [InlineData("1-O-99999999999", false)]
    [InlineData("", false)]
    public void FindByHttpId_OnlyWellFormedIdsOfExistingPorts(string id, bool found)
    {
        DeviceRegistry devices = Devices();
        Assert.Equal(found, OlaApi.FindByHttpId(devices, id) is not null);
    }

    [Fact]
    public void CTime_IsCsPercentC()
    {
        Assert.Equal("Mon Nov 23 21:27:08 2026", OlaResults.CTime(new DateTimeOffset(2026, 11, 23, 21, 27, 8, TimeSpan.Zero)));
        Assert.Equal("Tue Dec  1 01:02:03 2026", OlaResults.CTime(new DateTimeOffset(2026, 12, 1, 1, 2, 3, TimeSpan.Zero)));
    }

    [Fact]
    public async Task Json_IsOladsFormat_TextPlainNoCacheSlashEscapedNoTrailingNewline()
    {
        IResult result = OlaResults.Json(w =>
        {
            w.WriteString("config_dir", "/etc/ola");
            w.WriteStartArray("empty");
            w.WriteEndArray();
        });
        var ctx = new DefaultHttpContext();
        ctx.Response.Body = new MemoryStream();
        await result.ExecuteAsync(ctx);
        Assert.Equal("text/plain", ctx.Response.ContentType);
        Assert.Equal("no-cache, must-revalidate", ctx.Response.Headers.CacheControl.ToString());
        string body = System.Text.Encoding.UTF8.GetString(((MemoryStream)ctx.Response.Body).ToArray());
        Assert.Equal("{\n  \"config_dir\": \"\\/etc\\/ola\",\n  \"empty\": []\n}", body);
    }

    [Fact]
    public async Task ServerError_EscapesHtmlButKeepsApostrophes()
    {
        var ctx = new DefaultHttpContext { RequestServices = new ServiceCollection().AddLogging().BuildServiceProvider() };
        ctx.Response.Body = new MemoryStream();
        await OlaResults.ServerError("Universe doesn't exist <x>").ExecuteAsync(ctx);
        Assert.Equal(500, ctx.Response.StatusCode);
        string body = System.Text.Encoding.UTF8.GetString(((MemoryStream)ctx.Response.Body).ToArray());
        Assert.Equal("<b>500 Server Error</b><p>Universe doesn't exist &lt;x&gt;</p>", body);
    }

    [Fact]
    public void EmbeddedUi_HasTheUiFiles() =>
        Assert.Superset(new HashSet<string> { "/index.html", "/app.js", "/app.css" }, EmbeddedUi.Paths.ToHashSet());

    private static DeviceRegistry Devices()
    {
        var universes = new UniverseRegistry();
        var devices = new DeviceRegistry(universes, new RefreshScheduler(TimeProvider.System), null);
        var plugin = new OlaSharp.Core.Plugins.Dummy.DummyPlugin();
        devices.Register(new TestDevice(plugin));
        return devices;
    }

    private sealed class TestDevice : Device
    {
        public TestDevice(Plugin owner)
            : base(owner, "1-1", "Test Device") => AddOutputPort(new TestPort(this));
    }

    private sealed class TestPort(Device device) : OutputPort(device, 0, "Test Port")
    {
        public override void Emit(DmxFrame frame, int priority, EmitReason reason)
        {
        }
    }
}
