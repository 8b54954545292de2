// Licensed under the MIT License. See LICENSE in the repository root.
using System.Text.Json;
using Grpc.Core;
using Grpc.Net.Client;
using OlaSharp.Grpc.V1;
using OlaSharp.Server.Tests;

namespace OlaSharp.Grpc.Tests;

/// <summary><c>ola-grpc.conf</c> read by the real olasharpd: the bearer token and turning the API off.</summary>
public sealed class GrpcConfTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("olas-grpc-conf-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    [Fact]
    public async Task AuthTokenInConf_StateChangesNeedIt()
    {
        await File.WriteAllTextAsync(Path.Combine(_dir, "ola-grpc.conf"), "auth_token = t0ken\n");
        await using ServerProcess server = ServerProcess.Start(_dir);
        JsonElement ready = await server.WaitReadyAsync();
        using GrpcChannel channel = GrpcChannel.ForAddress($"http://127.0.0.1:{ready.GetProperty("grpc").GetInt32()}");
        var frames = new FrameService.FrameServiceClient(channel);
        var request = new SetFrameRequest { Frame = GrpcTestHost.Frame(1, 1, 2) };

        var ex = await Assert.ThrowsAsync<RpcException>(() => frames.SetFrameAsync(request).ResponseAsync);
        SetFrameResponse ok = await frames.SetFrameAsync(request, [new Metadata.Entry("authorization", "Bearer t0ken")]);

        Assert.Equal(StatusCode.Unauthenticated, ex.StatusCode);
        Assert.True(ok.Accepted);
        Assert.Single((await new UniverseService.UniverseServiceClient(channel).ListUniversesAsync(new ListUniversesRequest())).Universes);
    }

    [Fact]
    public async Task EnabledFalseInConf_NoGrpcListener()
    {
        await File.WriteAllTextAsync(Path.Combine(_dir, "ola-grpc.conf"), "enabled = false\n");
        await using ServerProcess server = ServerProcess.Start(_dir);

        JsonElement ready = await server.WaitReadyAsync();

        Assert.Equal(JsonValueKind.Null, ready.GetProperty("grpc").ValueKind);
        Assert.Equal(JsonValueKind.Number, ready.GetProperty("http").ValueKind);
    }
}
