// Licensed under the MIT License. See LICENSE in the repository root.
using Microsoft.Extensions.Logging;
using OlaSharp.OlaRpc.Internal;
using OlaSharp.OlaRpc.Protocol;

namespace OlaSharp.OlaRpc.Tests;

/// <summary>
/// Issue 13 defect 10: clients that stall half-way through a large frame must not make the server
/// hold their bytes without bound. Every partial frame bigger than a small allowance takes its
/// announced size from one budget shared by all connections; a client that would exceed it is closed.
/// </summary>
public class PartialFrameBudgetTests
{
    private static byte[] HeaderAnd(int announced, int sent)
    {
        byte[] bytes = new byte[4 + sent];
        BitConverter.TryWriteBytes(bytes, RpcFrame.Header(announced));
        return bytes;
    }

    [Fact]
    public async Task StalledLargeFrames_BeyondTheBudget_AreClosed_WithOneLogLine_AndTheBudgetComesBack()
    {
        // Three 1 MiB frames fit in a 3 MiB + slack budget; the fourth and fifth do not.
        await using RpcHarness h = await RpcHarness.StartAsync(partialFrameBudget: (3 * (RpcFrame.MaxBodySize + 4)) + 100);
        var stalled = new List<RpcTestClient>();
        for (int i = 0; i < 5; i++)
        {
            RpcTestClient c = h.Connect($"staller-{i}");
            await c.SendRawAsync(HeaderAnd(RpcFrame.MaxBodySize, 100 * 1024));
            stalled.Add(c);
        }

        // The last two are closed by the server (their RunAsync ends); the first three wait for their bytes.
        await Task.WhenAll(stalled[3].Run, stalled[4].Run).WaitAsync(RpcHarness.Timeout);
        await Task.Delay(200);
        Assert.All(stalled.Take(3), c => Assert.False(c.Run.IsCompleted));
        Assert.Equal(3L * (RpcFrame.MaxBodySize + 4), h.Service.PartialFrames.Held);
        Assert.Equal(2, h.Service.Counters.Read(RpcCounters.PartialFramesRefused));

        // One line for both refusals (a flood of stalled clients must not flood the log).
        Assert.Single(h.Logs.Lines, l => l.Level == LogLevel.Warning && l.Text.Contains("partial frames", StringComparison.Ordinal));

        // The clients that stay within the budget are served as before once their frame completes.
        RpcTestClient first = stalled[0];
        await first.CloseAsync();
        Assert.Equal(2L * (RpcFrame.MaxBodySize + 4), h.Service.PartialFrames.Held);
        foreach (RpcTestClient c in stalled.Skip(1).Take(2))
        {
            await c.CloseAsync();
        }

        Assert.Equal(0, h.Service.PartialFrames.Held);
    }

    [Fact]
    public async Task LargeFrameWithinTheBudget_IsServed_AndReleasesItsShare()
    {
        await using RpcHarness h = await RpcHarness.StartAsync(partialFrameBudget: RpcFrame.MaxBodySize + 4);
        RpcTestClient c = h.Connect();

        // A real request padded to ~900 KiB (an unknown field in the inner request is legal protobuf),
        // sent in two halves so the server sees a partial frame first.
        byte[] frame = RpcTestClient.RequestFrame(8, "GetPlugins", new PluginListRequest());
        byte[] big = RpcTestClient.Frame(new RpcMessage { Type = Protocol.Type.Request, Id = 7, Name = "GetPlugins", Buffer = Google.Protobuf.ByteString.CopyFrom(new byte[900 * 1024]) });
        await c.SendRawAsync(big.AsMemory(0, big.Length / 2));
        await Task.Delay(100);
        Assert.Equal(big.Length, h.Service.PartialFrames.Held);
        await c.SendRawAsync(big.AsMemory(big.Length / 2));

        // The padded GetPlugins does not parse as a PluginListRequest: RESPONSE_FAILED, connection kept.
        RpcMessage reply = await c.ReadAsync();
        Assert.Equal(7u, reply.Id);
        Assert.Equal(0, h.Service.PartialFrames.Held);

        await c.SendRawAsync(frame);
        Assert.Equal(Protocol.Type.Response, (await c.ReadAsync()).Type);
        Assert.Equal(0, h.Service.Counters.Read(RpcCounters.PartialFramesRefused));
    }

    [Fact]
    public async Task SmallPartialFrames_NeedNoBudget()
    {
        // DMX traffic (frames of ~600 bytes) split at any byte never touches the budget, even when it is 0.
        await using RpcHarness h = await RpcHarness.StartAsync(partialFrameBudget: 0);
        RpcTestClient c = h.Connect();
        byte[] frame = RpcTestClient.RequestFrame(1, "GetPlugins", new PluginListRequest());
        await c.SendRawAsync(frame.AsMemory(0, 3));
        await c.SendRawAsync(frame.AsMemory(3, 5));
        await c.SendRawAsync(frame.AsMemory(8));
        Assert.Equal(Protocol.Type.Response, (await c.ReadAsync()).Type);
        Assert.Equal(0, h.Service.Counters.Read(RpcCounters.PartialFramesRefused));
    }
}
