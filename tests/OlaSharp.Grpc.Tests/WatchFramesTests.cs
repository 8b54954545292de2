// Licensed under the MIT License. See LICENSE in the repository root.
using Grpc.Core;
using OlaSharp.Core;
using OlaSharp.Grpc.V1;
using Xunit.Abstractions;
using Universe = OlaSharp.Core.Universe;

namespace OlaSharp.Grpc.Tests;

public sealed class WatchFramesTests(ITestOutputHelper output) : IAsyncLifetime
{
    private GrpcTestHost _host = null!;

    public async Task InitializeAsync() => _host = await GrpcTestHost.StartAsync();

    public async Task DisposeAsync()
    {
        Assert.Empty(_host.Logs.Errors);
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task WatchFrames_CurrentThenChanges_SequenceAndVersionIncrease()
    {
        using AsyncServerStreamingCall<WatchFramesResponse> call = _host.Frames.WatchFrames(new WatchFramesRequest { Universes = { 1 }, RefreshIntervalMs = 0 });

        WatchFramesResponse first = await call.ResponseStream.NextAsync();
        Assert.Equal((1U, 1UL, 0), (first.Universe, first.Sequence, first.Slots.Length));
        Assert.Equal(1, _host.Universe(1).SinkCount);

        await _host.Frames.SetFrameAsync(new SetFrameRequest { Frame = GrpcTestHost.Frame(1, 5, 6, 7) });
        WatchFramesResponse second = await call.ResponseStream.NextAsync();

        Assert.Equal([5, 6, 7], second.Slots.ToByteArray());
        Assert.Equal(2UL, second.Sequence);
        Assert.True(second.Version > first.Version);
        Assert.Equal(100U, second.Priority);
        Assert.False(second.Refresh);
        Assert.InRange(second.Timestamp.ToDateTimeOffset(), DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));
    }

    [Fact]
    public async Task WatchFrames_NoChange_RefreshClockResendsCurrentFrame()
    {
        await _host.Frames.SetFrameAsync(new SetFrameRequest { Frame = GrpcTestHost.Frame(2, 9) });
        using AsyncServerStreamingCall<WatchFramesResponse> call = _host.Frames.WatchFrames(new WatchFramesRequest { Universes = { 2 }, RefreshIntervalMs = 50 });

        WatchFramesResponse first = await call.ResponseStream.NextAsync();
        WatchFramesResponse refresh = await call.ResponseStream.NextAsync();

        Assert.False(first.Refresh);
        Assert.True(refresh.Refresh);
        Assert.Equal([9], refresh.Slots.ToByteArray());
        Assert.Equal(first.Version, refresh.Version);
    }

    [Fact]
    public async Task WatchFrames_SeveralUniverses_EachReported()
    {
        using AsyncServerStreamingCall<WatchFramesResponse> call = _host.Frames.WatchFrames(new WatchFramesRequest { Universes = { 3, 4, 3 }, RefreshIntervalMs = 0 });
        var seen = new HashSet<uint> { (await call.ResponseStream.NextAsync()).Universe, (await call.ResponseStream.NextAsync()).Universe };
        Assert.Equal([3U, 4U], seen.Order());

        await _host.Frames.SetFrameAsync(new SetFrameRequest { Frame = GrpcTestHost.Frame(4, 44) });
        WatchFramesResponse m = await call.ResponseStream.NextAsync();

        Assert.Equal((4U, (byte)44), (m.Universe, m.Slots[0]));
    }

    [Fact]
    public async Task WatchFrames_Cancelled_SinkAndHandlersRemoved()
    {
        using var cts = new CancellationTokenSource();
        AsyncServerStreamingCall<WatchFramesResponse> call = _host.Frames.WatchFrames(new WatchFramesRequest { Universes = { 5 } }, cancellationToken: cts.Token);
        await call.ResponseStream.NextAsync();
        Universe u = _host.Universe(5);
        Assert.Equal(1, u.SinkCount);

        cts.Cancel();
        var ex = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(CancellationToken.None));
        call.Dispose();

        Assert.Equal(StatusCode.Cancelled, ex.StatusCode);
        await GrpcTestHost.WaitUntilAsync(() => u.SinkCount == 0, "the sink to be removed");
        Assert.False(u.IsInUse);
        Assert.Single(_host.Core.Universes.CollectUnused());
    }

    [Fact]
    public async Task WatchFrames_SlowWatcher_GetsNewestFrameNotEveryFrame()
    {
        const int Updates = 5000;
        using AsyncServerStreamingCall<WatchFramesResponse> call = _host.Frames.WatchFrames(new WatchFramesRequest { Universes = { 6 }, RefreshIntervalMs = 0 });
        await call.ResponseStream.NextAsync();
        Universe u = _host.Universe(6);
        DmxSource source = u.AddSource("fast", "test", Timeout.InfiniteTimeSpan);
        var slots = new byte[512];

        // The watcher reads nothing while 5000 full frames change: HTTP/2 flow control stalls the server's writes.
        for (int i = 1; i <= Updates; i++)
        {
            slots.AsSpan().Fill((byte)(i % 251));
            BitConverter.TryWriteBytes(slots, i);
            u.Update(source, slots);
            if (i % 10 == 0)
            {
                // Let the server write between bursts so it fills the HTTP/2 window and stalls.
                await Task.Delay(1);
            }
        }

        int received = 0;
        WatchFramesResponse last;
        do
        {
            last = await call.ResponseStream.NextAsync();
            received++;
        }
        while (BitConverter.ToInt32(last.Slots.Span) != Updates);

        output.WriteLine($"slow watcher: {received} messages for {Updates} changes");
        Assert.Equal(slots, last.Slots.ToByteArray());
        Assert.True(received < Updates / 2, $"the watcher got {received} of {Updates} frames; a slow watcher should skip to the newest");
        Assert.Equal((ulong)received + 1, last.Sequence);
    }

    [Theory]
    [InlineData(0U)]
    [InlineData(64000U)]
    public async Task WatchFrames_BadUniverse_InvalidArgument(uint universe)
    {
        using AsyncServerStreamingCall<WatchFramesResponse> call = _host.Frames.WatchFrames(new WatchFramesRequest { Universes = { 1, universe } });

        var ex = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(CancellationToken.None));

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Equal($"universes must be 1..63999, got {universe}", ex.Status.Detail);
        Assert.Empty(_host.Core.Universes.All);
    }

    [Fact]
    public async Task WatchFrames_NoUniverses_InvalidArgument()
    {
        using AsyncServerStreamingCall<WatchFramesResponse> call = _host.Frames.WatchFrames(new WatchFramesRequest());

        var ex = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(CancellationToken.None));

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
    }
}
