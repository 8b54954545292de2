// Licensed under the MIT License. See LICENSE in the repository root.
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Reflection.V1Alpha;
using OlaSharp.Grpc.V1;

namespace OlaSharp.Grpc.Tests;

public sealed class AuthHealthReflectionTests
{
    private static readonly Metadata s_good = [new Metadata.Entry("authorization", "Bearer s3cret")];
    private static readonly Metadata s_bad = [new Metadata.Entry("authorization", "Bearer nope")];

    [Fact]
    public async Task Token_StateChangingCallsWithoutIt_Unauthenticated()
    {
        await using GrpcTestHost host = await GrpcTestHost.StartAsync(new GrpcApiOptions { AuthToken = "s3cret" });
        var set = new SetFrameRequest { Frame = GrpcTestHost.Frame(1, 1) };

        var none = await Assert.ThrowsAsync<RpcException>(() => host.Frames.SetFrameAsync(set).ResponseAsync);
        var wrong = await Assert.ThrowsAsync<RpcException>(() => host.Frames.SetFrameAsync(set, s_bad).ResponseAsync);
        var patch = await Assert.ThrowsAsync<RpcException>(() => host.Ports.PatchPortAsync(new PatchPortRequest { PortId = "1-1-O-0", Universe = 1 }).ResponseAsync);
        using AsyncClientStreamingCall<StreamFramesRequest, StreamFramesResponse> stream = host.Frames.StreamFrames();
        var streamEx = await Assert.ThrowsAsync<RpcException>(() => stream.ResponseAsync.DefaultTimeout());

        Assert.All(new[] { none, wrong, patch, streamEx }, e => Assert.Equal(StatusCode.Unauthenticated, e.StatusCode));
        Assert.Empty(host.Core.Universes.All);
        Assert.Null(host.DummyPort.Universe);
    }

    [Fact]
    public async Task Token_ManyRefusedCalls_AFewLogLinesThatCountTheRest()
    {
        // Anyone on the network can call the API: refusals must not flood the log (one line per 10 s, like HTTP's guard).
        await using GrpcTestHost host = await GrpcTestHost.StartAsync(new GrpcApiOptions { AuthToken = "s3cret" });
        var set = new SetFrameRequest { Frame = GrpcTestHost.Frame(1, 1) };
        for (int i = 0; i < 200; i++)
        {
            RpcException e = await Assert.ThrowsAsync<RpcException>(() => host.Frames.SetFrameAsync(set, s_bad).ResponseAsync);
            Assert.Equal(StatusCode.Unauthenticated, e.StatusCode);
        }

        string[] lines = [.. host.Logs.WarningsAndErrors.Where(l => l.Contains("refused", StringComparison.Ordinal))];
        Assert.InRange(lines.Length, 1, 2);
        Assert.Contains("SetFrame", lines[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Token_Given_StateChangesAndReadsStayOpen()
    {
        await using GrpcTestHost host = await GrpcTestHost.StartAsync(new GrpcApiOptions { AuthToken = "s3cret" });

        Assert.True((await host.Frames.SetFrameAsync(new SetFrameRequest { Frame = GrpcTestHost.Frame(1, 1) }, s_good)).Accepted);
        await host.Ports.PatchPortAsync(new PatchPortRequest { PortId = "1-1-O-0", Universe = 1 }, s_good);

        // Reads and watches need no token.
        Assert.Single((await host.Universes.ListUniversesAsync(new ListUniversesRequest())).Universes);
        using AsyncServerStreamingCall<WatchFramesResponse> watch = host.Frames.WatchFrames(new WatchFramesRequest { Universes = { 1 } });
        Assert.Equal([1], (await watch.ResponseStream.NextAsync()).Slots.ToByteArray());
    }

    [Fact]
    public async Task Health_Check_Serving()
    {
        await using GrpcTestHost host = await GrpcTestHost.StartAsync();
        var health = new Health.HealthClient(host.Channel);

        HealthCheckResponse overall = await health.CheckAsync(new HealthCheckRequest());
        HealthCheckResponse api = await health.CheckAsync(new HealthCheckRequest { Service = OlaSharpGrpc.HealthServiceName });

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, overall.Status);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, api.Status);
    }

    [Fact]
    public async Task Reflection_ListServices_IncludesTheApi()
    {
        await using GrpcTestHost host = await GrpcTestHost.StartAsync();
        var reflection = new ServerReflection.ServerReflectionClient(host.Channel);
        using AsyncDuplexStreamingCall<ServerReflectionRequest, ServerReflectionResponse> call = reflection.ServerReflectionInfo();

        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = string.Empty });
        ServerReflectionResponse r = await call.ResponseStream.NextAsync();
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { FileContainingSymbol = "olasharp.v1.FrameService" });
        ServerReflectionResponse file = await call.ResponseStream.NextAsync();
        await call.RequestStream.CompleteAsync();

        string[] names = [.. r.ListServicesResponse.Service.Select(s => s.Name)];
        Assert.Contains("olasharp.v1.FrameService", names);
        Assert.Contains("olasharp.v1.UniverseService", names);
        Assert.Contains("olasharp.v1.PortService", names);
        Assert.Contains("olasharp.v1.StandbyService", names);
        Assert.Contains("grpc.health.v1.Health", names);
        Assert.NotEmpty(file.FileDescriptorResponse.FileDescriptorProto);
    }
}
