// Licensed under the MIT License. See LICENSE in the repository root.
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace OlaSharp.Server.Tests;

/// <summary>
/// Issue 16: <c>ola-grpc.conf</c> is read through <c>ConfStore</c> and re-read on reload, so a changed
/// <c>auth_token</c> applies after SIGHUP: the old token is refused and the new one accepted, on the HTTP
/// API and on gRPC alike (they share the token). Before, the token read at start-up stayed until a restart.
/// </summary>
public sealed class AuthTokenReloadTests
{
    private const int SigHup = 1;
    private const int GrpcUnauthenticated = 16;

    [Fact]
    public async Task ChangedToken_AfterSighup_OldRefusedNewAccepted_OnHttpAndGrpc()
    {
        string dir = Directory.CreateTempSubdirectory("olas-token-reload-").FullName;
        try
        {
            string conf = Path.Combine(dir, "ola-grpc.conf");
            await File.WriteAllTextAsync(conf, "auth_token = old-token\n");
            await using ServerProcess server = ServerProcess.Start(dir, "--bind", "127.0.0.1");
            JsonElement ready = await server.WaitReadyAsync();
            int grpcPort = ready.GetProperty("grpc").GetInt32();
            using HttpClient http = server.Http();
            using HttpClient grpc = GrpcClient(grpcPort);

            Assert.Equal(HttpStatusCode.OK, await NewUniverseAsync(http, "old-token"));
            Assert.NotEqual(GrpcUnauthenticated, await GrpcStatusAsync(grpc, "old-token"));
            Assert.Equal(HttpStatusCode.Unauthorized, await NewUniverseAsync(http, "new-token"));
            Assert.Equal(GrpcUnauthenticated, await GrpcStatusAsync(grpc, "new-token"));

            await File.WriteAllTextAsync(conf, "auth_token = new-token\n");
            server.Signal(SigHup);

            // The reload runs in the background: wait (generously) until the old token stops working.
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            while (await NewUniverseAsync(http, "old-token") != HttpStatusCode.Unauthorized)
            {
                await Task.Delay(100, wait.Token);
            }

            Assert.Equal(HttpStatusCode.Unauthorized, await NewUniverseAsync(http, "old-token"));
            Assert.Equal(HttpStatusCode.OK, await NewUniverseAsync(http, "new-token"));
            Assert.Equal(GrpcUnauthenticated, await GrpcStatusAsync(grpc, "old-token"));
            Assert.NotEqual(GrpcUnauthenticated, await GrpcStatusAsync(grpc, "new-token"));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    private static async Task<HttpStatusCode> NewUniverseAsync(HttpClient http, string token)
    {
        using HttpResponseMessage r = await HttpCrossSiteTests.SendFormAsync(http, "/new_universe", [("Authorization", "Bearer " + token)], ("id", "1"), ("add_ports", "1-O-0"));
        return r.StatusCode;
    }

    private static HttpClient GrpcClient(int port) => new()
    {
        BaseAddress = new Uri($"http://127.0.0.1:{port}"),
        DefaultRequestVersion = HttpVersion.Version20,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        Timeout = TimeSpan.FromSeconds(10),
    };

    // A unary gRPC call by hand (HTTP/2 without TLS, one empty length-prefixed message): SetUniverseName
    // changes state, so it needs the token; its grpc-status says whether the interceptor let it through.
    private static async Task<int> GrpcStatusAsync(HttpClient grpc, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/olasharp.v1.UniverseService/SetUniverseName")
        {
            Content = new ByteArrayContent(new byte[5]),
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        request.Headers.TryAddWithoutValidation("te", "trailers");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using HttpResponseMessage r = await grpc.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        _ = await r.Content.ReadAsByteArrayAsync();
        string? status = r.TrailingHeaders.TryGetValues("grpc-status", out IEnumerable<string>? t) ? t.First()
            : r.Headers.TryGetValues("grpc-status", out IEnumerable<string>? h) ? h.First() : null;
        Assert.NotNull(status);
        return int.Parse(status, System.Globalization.CultureInfo.InvariantCulture);
    }
}
