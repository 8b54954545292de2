// Licensed under the MIT License. See LICENSE in the repository root.
using Google.Protobuf;
using Grpc.Core;
using OlaSharp.Core;
using OlaSharp.Grpc.V1;
using Universe = OlaSharp.Core.Universe;

namespace OlaSharp.Grpc.Tests;

public sealed class FrameServiceTests : IAsyncLifetime
{
    private GrpcTestHost _host = null!;

    public async Task InitializeAsync() => _host = await GrpcTestHost.StartAsync();

    public async Task DisposeAsync()
    {
        Assert.Empty(_host.Logs.Errors);
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task SetFrame_NewUniverse_CreatesItAndMerges()
    {
        SetFrameResponse r = await _host.Frames.SetFrameAsync(new SetFrameRequest { Frame = GrpcTestHost.Frame(3, 1, 2, 3), SourceName = "desk" });

        Assert.True(r.Accepted);
        Universe u = _host.Universe(3);
        Assert.Equal([1, 2, 3], u.GetMergedCopy());
        SourceInfo s = Assert.Single(u.GetSources());
        Assert.Equal(("desk", "grpc", 100), (s.Name, s.Kind, s.Priority));
    }

    [Fact]
    public async Task SetFrame_LowerPriorityThanHolder_NotAccepted()
    {
        var high = new SetFrameRequest { Frame = GrpcTestHost.Frame(4, 200), SourceName = "high" };
        high.Frame.Priority = 150;
        var low = new SetFrameRequest { Frame = GrpcTestHost.Frame(4, 10), SourceName = "low" };
        low.Frame.Priority = 50;

        Assert.True((await _host.Frames.SetFrameAsync(high)).Accepted);
        Assert.False((await _host.Frames.SetFrameAsync(low)).Accepted);
        Assert.Equal([200], _host.Universe(4).GetMergedCopy());
        Assert.Equal(150, _host.Universe(4).ActivePriority);
    }

    [Fact]
    public async Task ReleaseSource_AfterSetFrame_SourceGone()
    {
        await _host.Frames.SetFrameAsync(new SetFrameRequest { Frame = GrpcTestHost.Frame(5, 9) });

        Assert.True((await _host.Frames.ReleaseSourceAsync(new ReleaseSourceRequest { Universe = 5 })).Released);
        Assert.False((await _host.Frames.ReleaseSourceAsync(new ReleaseSourceRequest { Universe = 5 })).Released);
        Assert.Equal(0, _host.Universe(5).SourceCount);
    }

    public static TheoryData<uint, int, uint?, uint, string> BadFrames => new()
    {
        { 0, 3, null, 0, "frame.universe must be 1..63999, got 0" },
        { 64000, 3, null, 0, "frame.universe must be 1..63999, got 64000" },
        { 1, 513, null, 0, "frame.slots must hold at most 512 slots, got 513" },
        { 1, 3, 201, 0, "frame.priority must be 0..200, got 201" },
        { 1, 3, null, 0x17, "frame.start_code must be 0 (levels) or 0xDD (slot priorities), got 0x17" },
    };

    [Theory]
    [MemberData(nameof(BadFrames))]
    public async Task SetFrame_BadArguments_InvalidArgumentWithMessage(uint universe, int slots, uint? priority, uint startCode, string message)
    {
        var frame = new Frame { Universe = universe, Slots = ByteString.CopyFrom(new byte[slots]), StartCode = startCode, Priority = priority };

        var ex = await Assert.ThrowsAsync<RpcException>(() => _host.Frames.SetFrameAsync(new SetFrameRequest { Frame = frame }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Equal(message, ex.Status.Detail);
        Assert.Empty(_host.Core.Universes.All);
    }

    [Fact]
    public async Task SetFrame_NoFrame_InvalidArgument()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => _host.Frames.SetFrameAsync(new SetFrameRequest()).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Equal("frame is required", ex.Status.Detail);
    }

    [Fact]
    public async Task StreamFrames_FramesThenComplete_MergedAndSourceRemoved()
    {
        using AsyncClientStreamingCall<StreamFramesRequest, StreamFramesResponse> call = _host.Frames.StreamFrames();
        for (byte i = 1; i <= 10; i++)
        {
            await call.RequestStream.WriteAsync(new StreamFramesRequest { Frame = GrpcTestHost.Frame(1, i, i, i), SourceName = "console" });
        }

        await GrpcTestHost.WaitUntilAsync(() => _host.Core.Universes.TryGet(1, out Universe? u) && u.GetMergedCopy().SequenceEqual(new byte[] { 10, 10, 10 }), "the 10th frame");
        SourceInfo s = Assert.Single(_host.Universe(1).GetSources());
        Assert.Equal(("console", 10L), (s.Name, s.FramesReceived));

        await call.RequestStream.CompleteAsync();
        StreamFramesResponse r = await call.ResponseAsync.DefaultTimeout();

        Assert.Equal((10UL, 10UL), (r.FramesReceived, r.FramesAccepted));
        Assert.Equal(0, _host.Universe(1).SourceCount);
    }

    [Fact]
    public async Task StreamFrames_TwoUniverses_OneSourceEachRemovedTogether()
    {
        using AsyncClientStreamingCall<StreamFramesRequest, StreamFramesResponse> call = _host.Frames.StreamFrames();
        await call.RequestStream.WriteAsync(new StreamFramesRequest { Frame = GrpcTestHost.Frame(1, 1) });
        await call.RequestStream.WriteAsync(new StreamFramesRequest { Frame = GrpcTestHost.Frame(2, 2) });
        await call.RequestStream.WriteAsync(new StreamFramesRequest { Frame = GrpcTestHost.Frame(1, 3) });
        await GrpcTestHost.WaitUntilAsync(() => _host.Core.Universes.All.Count == 2 && _host.Universe(1).GetMergedCopy()[0] == 3, "both universes");

        Assert.StartsWith("grpc:", Assert.Single(_host.Universe(1).GetSources()).Name, StringComparison.Ordinal);
        Assert.Single(_host.Universe(2).GetSources());

        await call.RequestStream.CompleteAsync();
        await call.ResponseAsync.DefaultTimeout();
        Assert.Equal(0, _host.Universe(1).SourceCount);
        Assert.Equal(0, _host.Universe(2).SourceCount);
    }

    [Fact]
    public async Task StreamFrames_ClientVanishesMidStream_SourceRemovedNothingLeaks()
    {
        using var cts = new CancellationTokenSource();
        AsyncClientStreamingCall<StreamFramesRequest, StreamFramesResponse> call = _host.Frames.StreamFrames(cancellationToken: cts.Token);
        await call.RequestStream.WriteAsync(new StreamFramesRequest { Frame = GrpcTestHost.Frame(7, 42), SourceName = "gone" });
        await GrpcTestHost.WaitUntilAsync(() => _host.Core.Universes.TryGet(7, out Universe? u) && u.SourceCount == 1, "the source");

        // Cancelling resets the HTTP/2 stream (RST_STREAM), as a killed client's connection loss would.
        cts.Cancel();
        call.Dispose();

        await GrpcTestHost.WaitUntilAsync(() => _host.Universe(7).SourceCount == 0, "the source to be removed");
        Universe u = _host.Universe(7);
        Assert.False(u.IsInUse);
        Assert.Equal(0, u.SinkCount);
        Assert.Equal([42], u.GetMergedCopy()); // OLA's hold policy keeps the last frame.
    }

    [Fact]
    public async Task StreamFrames_ChannelClosedMidStream_SourceRemoved()
    {
        // A second channel: disposing it closes the TCP connection, like a client process that dies.
        using var channel = global::Grpc.Net.Client.GrpcChannel.ForAddress($"http://127.0.0.1:{_host.Port}");
        var client = new FrameService.FrameServiceClient(channel);
        AsyncClientStreamingCall<StreamFramesRequest, StreamFramesResponse> call = client.StreamFrames();
        await call.RequestStream.WriteAsync(new StreamFramesRequest { Frame = GrpcTestHost.Frame(8, 1) });
        await GrpcTestHost.WaitUntilAsync(() => _host.Core.Universes.TryGet(8, out Universe? u) && u.SourceCount == 1, "the source");

        channel.Dispose();

        await GrpcTestHost.WaitUntilAsync(() => _host.Universe(8).SourceCount == 0, "the source to be removed");
    }

    [Fact]
    public async Task StreamFrames_BadFrameMidStream_InvalidArgumentAndSourceRemoved()
    {
        using AsyncClientStreamingCall<StreamFramesRequest, StreamFramesResponse> call = _host.Frames.StreamFrames();
        await call.RequestStream.WriteAsync(new StreamFramesRequest { Frame = GrpcTestHost.Frame(9, 1) });
        await call.RequestStream.WriteAsync(new StreamFramesRequest { Frame = new Frame { Universe = 9, Slots = ByteString.CopyFrom(new byte[600]) } });

        var ex = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync.DefaultTimeout());

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Contains("at most 512", ex.Status.Detail, StringComparison.Ordinal);
        await GrpcTestHost.WaitUntilAsync(() => _host.Universe(9).SourceCount == 0, "the source to be removed");
    }

    [Fact]
    public async Task StreamFrames_SlotPriorityStartCode_SetsPerSlotPriorities()
    {
        using AsyncClientStreamingCall<StreamFramesRequest, StreamFramesResponse> call = _host.Frames.StreamFrames();
        await call.RequestStream.WriteAsync(new StreamFramesRequest { Frame = GrpcTestHost.Frame(10, 50, 50) });
        var prio = GrpcTestHost.Frame(10, 100, 100);
        prio.StartCode = 0xDD;
        await call.RequestStream.WriteAsync(new StreamFramesRequest { Frame = prio });
        await GrpcTestHost.WaitUntilAsync(() => _host.Core.Universes.TryGet(10, out Universe? u) && u.GetSources() is [{ UsesSlotPriorities: true }], "per-slot priorities on the source");
        await call.RequestStream.CompleteAsync();

        StreamFramesResponse r = await call.ResponseAsync.DefaultTimeout();

        Assert.Equal(2UL, r.FramesReceived);
    }
}
