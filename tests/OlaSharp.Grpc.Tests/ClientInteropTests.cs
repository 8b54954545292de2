// Licensed under the MIT License. See LICENSE in the repository root.
using System.Text.Json;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using OlaSharp.Grpc.V1;
using OlaSharp.Server.Tests;

namespace OlaSharp.Grpc.Tests;

/// <summary>
/// The Python (Debian python3-grpcio, stubs generated at run time) and Node (@grpc/grpc-js) clients
/// against the real olasharpd on 127.0.0.1 and against the in-process API.
/// </summary>
public sealed class ClientInteropTests
{
    private static readonly byte[] s_frame = [10, 20, 30, 255, 0, 7];
    private static readonly string s_slots = string.Join(',', s_frame);

    [Fact]
    public async Task PythonClient_SendsAndWatchesUniverse1_Olasharpd()
    {
        await using ServerProcess server = ServerProcess.Start();
        int port = await GrpcPortAsync(server);

        using ClientProcess watcher = ClientProcess.Python(port, "watch", "--universe", "1", "--until", s_slots);
        await watcher.WaitReadyAsync();
        using ClientProcess sender = ClientProcess.Python(port, "send", "--universe", "1", "--slots", s_slots, "--count", "20");
        await sender.AssertExitZeroAsync();
        await watcher.AssertExitZeroAsync();

        AssertSent(sender, 20);
        AssertWatched(watcher);
        await AssertSourceGoneAsync(port);
    }

    [Fact]
    public async Task NodeClient_SendsAndWatchesUniverse1_Olasharpd()
    {
        await using ServerProcess server = ServerProcess.Start();
        int port = await GrpcPortAsync(server);

        using ClientProcess watcher = await ClientProcess.NodeAsync(port, "watch", "--universe", "1", "--until", s_slots);
        await watcher.WaitReadyAsync();
        using ClientProcess sender = await ClientProcess.NodeAsync(port, "send", "--universe", "1", "--slots", s_slots, "--count", "20");
        await sender.AssertExitZeroAsync();
        await watcher.AssertExitZeroAsync();

        AssertSent(sender, 20);
        AssertWatched(watcher);
        await AssertSourceGoneAsync(port);
    }

    [Fact]
    public async Task PythonSender_FrameReachesNodeWatcherAndOutputPort_Olasharpd()
    {
        await using ServerProcess server = ServerProcess.Start();
        int port = await GrpcPortAsync(server);
        using GrpcChannel channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
        await new PortService.PortServiceClient(channel).PatchPortAsync(new PatchPortRequest { PortId = "1-1-O-0", Universe = 1 });

        using ClientProcess node = await ClientProcess.NodeAsync(port, "watch", "--universe", "1", "--until", s_slots);
        await node.WaitReadyAsync();
        using ClientProcess python = ClientProcess.Python(port, "send", "--universe", "1", "--slots", s_slots, "--count", "5");
        await python.AssertExitZeroAsync();
        await node.AssertExitZeroAsync();

        AssertWatched(node);
        using HttpClient http = server.Http();
        using JsonDocument dmx = JsonDocument.Parse(await http.GetStringAsync("/get_dmx?u=1"));
        Assert.Equal(s_frame, dmx.RootElement.GetProperty("dmx").EnumerateArray().Select(e => (byte)e.GetInt32()));
        V1.Universe u = await new UniverseService.UniverseServiceClient(channel).GetUniverseAsync(new GetUniverseRequest { Universe = 1 });
        Assert.Equal(["1-1-O-0"], u.PortIds);
    }

    [Fact]
    public async Task PythonSender_FrameReachesNodeWatcherAndDummyOutputPort_InProcess()
    {
        await using GrpcTestHost host = await GrpcTestHost.StartAsync();
        await host.Ports.PatchPortAsync(new PatchPortRequest { PortId = "1-1-O-0", Universe = 1 });

        using ClientProcess node = await ClientProcess.NodeAsync(host.Port, "watch", "--universe", "1", "--until", s_slots);
        await node.WaitReadyAsync();
        using ClientProcess python = ClientProcess.Python(host.Port, "send", "--universe", "1", "--slots", s_slots, "--count", "5", "--source", "py-desk");
        await python.AssertExitZeroAsync();
        await node.AssertExitZeroAsync();

        AssertWatched(node);
        await GrpcTestHost.WaitUntilAsync(() => host.DummyPort.LastSlots().SequenceEqual(s_frame), "the dummy output port to emit the Python frame");
        Assert.Equal(0, host.Universe(1).SourceCount);
        Assert.Empty(host.Logs.Errors);
    }

    [Fact]
    public async Task PythonSender_KilledMidStream_SourceRemoved()
    {
        await using GrpcTestHost host = await GrpcTestHost.StartAsync();
        using ClientProcess python = ClientProcess.Python(host.Port, "send", "--universe", "1", "--slots", s_slots, "--count", "3", "--source", "doomed", "--hold", "60");
        await python.WaitReadyAsync();
        await GrpcTestHost.WaitUntilAsync(() => host.Core.Universes.TryGet(1, out OlaSharp.Core.Universe? u) && u.GetMergedCopy().SequenceEqual(s_frame), "the Python frames");
        Assert.Equal("doomed", Assert.Single(host.Universe(1).GetSources()).Name);

        python.Kill();

        await GrpcTestHost.WaitUntilAsync(() => host.Universe(1).SourceCount == 0, "the killed client's source to be removed");
        Assert.False(host.Universe(1).IsInUse);
        Assert.Empty(host.Logs.Errors);
    }

    [Fact]
    public async Task PythonAndNodeClients_BadUniverse_InvalidArgumentExit2()
    {
        await using GrpcTestHost host = await GrpcTestHost.StartAsync();

        using ClientProcess python = ClientProcess.Python(host.Port, "send", "--universe", "0", "--slots", "1");
        using ClientProcess node = await ClientProcess.NodeAsync(host.Port, "send", "--universe", "64000", "--slots", "1");

        Assert.Equal(2, await python.WaitExitAsync());
        Assert.Equal(2, await node.WaitExitAsync());
        Assert.Contains("INVALID_ARGUMENT: frame.universe must be 1..63999, got 0", python.Stderr, StringComparison.Ordinal);
        Assert.Contains("INVALID_ARGUMENT: frame.universe must be 1..63999, got 64000", node.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Olasharpd_NoHttp_GrpcStillServesHealth()
    {
        await using ServerProcess server = ServerProcess.Start(null, "--no-http");
        JsonElement ready = await server.WaitReadyAsync();
        Assert.Equal(JsonValueKind.Null, ready.GetProperty("http").ValueKind);
        using GrpcChannel channel = GrpcChannel.ForAddress($"http://127.0.0.1:{ready.GetProperty("grpc").GetInt32()}");

        HealthCheckResponse r = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest());

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, r.Status);
    }

    [Fact]
    public async Task Olasharpd_HttpApiOnGrpcPort_NotFound()
    {
        await using ServerProcess server = ServerProcess.Start();
        int port = await GrpcPortAsync(server);
        using var http = new HttpClient
        {
            BaseAddress = new Uri($"http://127.0.0.1:{port}"),
            DefaultRequestVersion = System.Net.HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        using HttpClient httpPort = server.Http();

        using HttpResponseMessage onGrpcPort = await http.GetAsync("/get_dmx?u=1");
        using HttpResponseMessage onHttpPort = await httpPort.GetAsync("/get_dmx?u=1");

        Assert.Equal(System.Net.HttpStatusCode.NotFound, onGrpcPort.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.OK, onHttpPort.StatusCode);
    }

    private static async Task<int> GrpcPortAsync(ServerProcess server)
    {
        JsonElement ready = await server.WaitReadyAsync();
        return ready.GetProperty("grpc").GetInt32();
    }

    private static void AssertSent(ClientProcess sender, int count)
    {
        JsonElement result = Assert.Single(sender.Lines);
        Assert.Equal(count, result.GetProperty("frames_received").GetInt32());
        Assert.Equal(count, result.GetProperty("frames_accepted").GetInt32());
    }

    private static void AssertWatched(ClientProcess watcher)
    {
        IReadOnlyList<JsonElement> frames = watcher.Frames;
        Assert.True(frames.Count >= 2, "the watcher should see the initial frame and the sent one");
        Assert.All(frames, f => Assert.Equal(1, f.GetProperty("universe").GetInt32()));
        Assert.Equal(s_frame, frames[^1].GetProperty("slots").EnumerateArray().Select(e => (byte)e.GetInt32()));
        Assert.Equal(100, frames[^1].GetProperty("priority").GetInt32());
        long[] sequences = [.. frames.Select(f => f.GetProperty("sequence").GetInt64())];
        Assert.Equal(Enumerable.Range(1, sequences.Length).Select(i => (long)i), sequences);
        Assert.True(frames[^1].GetProperty("timestamp_seconds").GetInt64() > 1_600_000_000);
    }

    private static async Task AssertSourceGoneAsync(int port)
    {
        using GrpcChannel channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
        var universes = new UniverseService.UniverseServiceClient(channel);
        try
        {
            V1.Universe u = await universes.GetUniverseAsync(new GetUniverseRequest { Universe = 1 });
            Assert.Empty(u.Sources);
            Assert.Equal(s_frame.Length, (int)u.SlotCount);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
        {
            // Also fine: with no source, sink or port left, the server collected the universe (every 10 s).
        }
    }
}
