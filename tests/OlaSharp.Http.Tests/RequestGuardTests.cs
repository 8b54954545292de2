// Licensed under the MIT License. See LICENSE in the repository root.
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using OlaSharp.Core.Security;
using OlaSharp.Http.Internal;

namespace OlaSharp.Http.Tests;

/// <summary>The guard of the state-changing endpoints with each header combination (403, 401, pass).</summary>
public sealed class RequestGuardTests
{
    [Theory]
    // Not from a web page: curl, scripts, OLA's tools.
    [InlineData("pi:9090", null, null, null, null)]
    // The UI itself.
    [InlineData("pi:9090", "http://pi:9090", null, null, null)]
    [InlineData("PI:9090", "http://pi:9090", null, null, null)]
    [InlineData("pi:9090", null, "http://pi:9090/", null, null)]
    [InlineData("pi", "http://pi", null, null, null)]
    [InlineData("[::1]:9090", "http://[::1]:9090", null, null, null)]
    [InlineData("pi:9090", "http://pi:9090", null, "same-origin", null)]
    // The browser vouches (behind a reverse proxy that rewrites Host, or the user typed the URL).
    [InlineData("127.0.0.1:9090", "https://lights.example", null, "same-origin", null)]
    [InlineData("pi:9090", null, null, "none", null)]
    // Other pages.
    [InlineData("pi:9090", "http://evil.example", null, null, "Origin: http://evil.example")]
    [InlineData("pi:9090", "http://pi:8080", null, null, "Origin: http://pi:8080")]
    [InlineData("pi:9090", "https://pi:9090", null, null, "Origin: https://pi:9090")]
    [InlineData("pi", "https://pi", null, null, "Origin: https://pi")]
    [InlineData("pi:9090", "null", null, null, "Origin: null")]
    [InlineData("pi:9090", "file://", null, null, "Origin: file://")]
    [InlineData("pi:9090", null, "http://evil.example/x", null, "Referer: http://evil.example/x")]
    [InlineData("pi:9090", null, "garbage", null, "Referer: garbage")]
    [InlineData("pi:9090", "http://evil.example", "http://pi:9090/", null, "Origin: http://evil.example")]
    [InlineData("pi:9090", null, null, "cross-site", "Sec-Fetch-Site: cross-site")]
    [InlineData("pi:9090", "http://pi:9090", null, "cross-site", "Sec-Fetch-Site: cross-site")]
    [InlineData("pi:9090", null, null, "same-site", "Sec-Fetch-Site: same-site")]
    // An unknown Sec-Fetch-Site value falls back to Origin.
    [InlineData("pi:9090", "http://evil.example", null, "weird", "Origin: http://evil.example")]
    [InlineData("", "http://pi:9090", null, null, "Origin: http://pi:9090")]
    public void CrossSiteReason_NamesTheHeaderThatGaveItAway(string host, string? origin, string? referer, string? fetchSite, string? expected)
    {
        HttpContext ctx = Request(host, origin, referer, fetchSite, null);
        Assert.Equal(expected, RequestGuard.CrossSiteReason(ctx.Request));
    }

    [Theory]
    [InlineData(null, null, null)]
    [InlineData(null, "Bearer anything", null)]
    [InlineData("s3cret", null, 401)]
    [InlineData("s3cret", "Bearer s3cre", 401)]
    [InlineData("s3cret", "Bearer s3cret", null)]
    [InlineData("s3cret", "BEARER  s3cret  ", null)]
    [InlineData("  s3cret  ", "Bearer s3cret", null)]
    [InlineData("s3cret", "Basic s3cret", 401)]
    [InlineData("   ", null, null)]
    public void Check_WithAndWithoutToken(string? confToken, string? authorization, int? status)
    {
        var guard = new RequestGuard(new BearerTokenSource(BearerToken.Parse(confToken)), NullLogger.Instance, TimeProvider.System);
        HttpContext ctx = Request("pi:9090", null, null, null, authorization);

        IResult? result = guard.Check(ctx);

        Assert.Equal(status, (result as IStatusCodeHttpResult)?.StatusCode ?? (result is null ? null : Execute(result)));
    }

    [Fact]
    public async Task Check_401_SaysHowAndChallengesWithBearer()
    {
        var guard = new RequestGuard(new BearerTokenSource(BearerToken.Parse("s3cret")), NullLogger.Instance, TimeProvider.System);
        HttpContext ctx = Request("pi:9090", null, null, null, null);
        ctx.RequestServices = new ServiceCollection().AddLogging().BuildServiceProvider();
        ctx.Response.Body = new MemoryStream();

        await guard.Check(ctx)!.ExecuteAsync(ctx);

        Assert.Equal(401, ctx.Response.StatusCode);
        Assert.Equal("Bearer realm=\"olasharp\"", ctx.Response.Headers.WWWAuthenticate.ToString());
        ctx.Response.Body.Position = 0;
        Assert.Contains("Authorization: Bearer &lt;token&gt;", await new StreamReader(ctx.Response.Body).ReadToEndAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public void CrossSite_ComesBeforeTheToken()
    {
        var guard = new RequestGuard(new BearerTokenSource(BearerToken.Parse("s3cret")), NullLogger.Instance, TimeProvider.System);
        HttpContext ctx = Request("pi:9090", "http://evil.example", null, null, "Bearer s3cret");
        Assert.Equal(403, Assert.IsAssignableFrom<IStatusCodeHttpResult>(guard.Check(ctx)).StatusCode);
    }

    private static int Execute(IResult result)
    {
        var ctx = new DefaultHttpContext { RequestServices = new ServiceCollection().AddLogging().BuildServiceProvider() };
        ctx.Response.Body = new MemoryStream();
        result.ExecuteAsync(ctx).GetAwaiter().GetResult();
        return ctx.Response.StatusCode;
    }

    private static DefaultHttpContext Request(string host, string? origin, string? referer, string? fetchSite, string? authorization)
    {
        var ctx = new DefaultHttpContext();
        ctx.Request.Method = "POST";
        ctx.Request.Scheme = "http";
        if (host.Length > 0)
        {
            ctx.Request.Host = new HostString(host);
        }

        if (origin is not null)
        {
            ctx.Request.Headers.Origin = origin;
        }

        if (referer is not null)
        {
            ctx.Request.Headers.Referer = referer;
        }

        if (fetchSite is not null)
        {
            ctx.Request.Headers["Sec-Fetch-Site"] = fetchSite;
        }

        if (authorization is not null)
        {
            ctx.Request.Headers.Authorization = authorization;
        }

        return ctx;
    }
}
