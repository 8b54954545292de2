// Licensed under the MIT License. See LICENSE in the repository root.
using System.Diagnostics;
using Google.Protobuf;
using OlaSharp.OlaRpc.Internal;
using OlaSharp.OlaRpc.Protocol;
using Xunit.Abstractions;

namespace OlaSharp.OlaRpc.Tests;

/// <summary>Figures for the report, not asserted tightly: frames through one connection into a universe with one registered sink.</summary>
public sealed class RpcThroughputTests(ITestOutputHelper output)
{
    [Fact]
    public async Task StreamDmxData_512Slots_MeasuredThroughputAndAllocation()
    {
        const int Frames = 20_000;
        await using RpcHarness h = await RpcHarness.StartAsync();
        RpcTestClient monitor = h.Connect("monitor");
        RpcTestClient sender = h.Connect("sender");
        await monitor.CallOkAsync("RegisterForDmx", new RegisterDmxRequest { Universe = 1, Action = RegisterAction.Register }, Ack.Parser);

        byte[] slots = new byte[512];
        var frames = new List<byte[]>(256);
        for (int i = 0; i < 256; i++)
        {
            slots[0] = (byte)i;
            frames.Add(RpcTestClient.RequestFrame((uint)i, "StreamDmxData", new DmxData { Universe = 1, Data = ByteString.CopyFrom(slots), Priority = 100 }, Protocol.Type.StreamRequest));
        }

        int received = 0;
        Task reader = Task.Run(async () =>
        {
            while (Volatile.Read(ref received) < Frames)
            {
                await monitor.ReadRawAsync();
                Interlocked.Increment(ref received);
            }
        });

        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < Frames; i++)
        {
            await sender.SendRawAsync(frames[i % frames.Count]);
            if (i % 64 == 63)
            {
                // Stay within the push queue (4096 frames): a client that stops reading loses pushes by design.
                while (Volatile.Read(ref received) < i - 128)
                {
                    await Task.Yield();
                }
            }
        }

        await reader.WaitAsync(TimeSpan.FromSeconds(60));
        sw.Stop();
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        output.WriteLine($"{Frames} x 512-slot StreamDmxData in {sw.ElapsedMilliseconds} ms = {Frames / sw.Elapsed.TotalSeconds:F0} frames/s with one pushed sink; {allocated / Frames} bytes allocated per frame (test client included)");
        Assert.Equal(Frames, received);
        Assert.Equal(0, monitor.Connection.PushesDropped);
    }

    [Fact]
    public async Task StreamDmxData_NoSinks_ServerSideAllocationPerFrame()
    {
        const int Frames = 50_000;
        await using RpcHarness h = await RpcHarness.StartAsync();
        RpcTestClient sender = h.Connect("sender");
        h.Universes.GetOrCreate(1); // olad drops StreamDmxData for universes that do not exist
        byte[] slots = new byte[512];
        var frames = new List<byte[]>(256);
        for (int i = 0; i < 256; i++)
        {
            slots[0] = (byte)i;
            frames.Add(RpcTestClient.RequestFrame((uint)i, "StreamDmxData", new DmxData { Universe = 1, Data = ByteString.CopyFrom(slots), Priority = 100 }, Protocol.Type.StreamRequest));
        }

        // Warm up (the universe, its source and the pipe segments), then measure steady state.
        for (int i = 0; i < 2_000; i++)
        {
            await sender.SendRawAsync(frames[i % frames.Count]);
        }

        Assert.True(await WaitForUpdatesAsync(h, 2_000));
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        for (int i = 0; i < Frames; i++)
        {
            await sender.SendRawAsync(frames[i % frames.Count]);
        }

        Assert.True(await WaitForUpdatesAsync(h, 2_000 + Frames));
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        output.WriteLine($"{Frames} x 512-slot StreamDmxData, no sinks: {(double)allocated / Frames:F1} bytes allocated per frame (whole process)");
    }

    [Fact]
    public async Task RegisteredClientThatNeverReads_LosesPushesPastItsQueue_SenderUnaffected()
    {
        const int Frames = 6_000;
        await using RpcHarness h = await RpcHarness.StartAsync();
        RpcTestClient stuck = h.Connect("stuck");
        RpcTestClient sender = h.Connect("sender");
        await stuck.CallOkAsync("RegisterForDmx", new RegisterDmxRequest { Universe = 1, Action = RegisterAction.Register }, Ack.Parser);
        byte[] slots = new byte[512];
        for (int i = 0; i < Frames; i++)
        {
            slots[0] = (byte)i;
            slots[1] = (byte)(i >> 8);
            await sender.SendRawAsync(RpcTestClient.RequestFrame((uint)i, "StreamDmxData", new DmxData { Universe = 1, Data = ByteString.CopyFrom(slots), Priority = 100 }, Protocol.Type.StreamRequest));
        }

        Assert.True(await WaitForUpdatesAsync(h, Frames));

        // The pipe to the stuck client holds some frames, its queue 4096 more; the rest are dropped and counted.
        Assert.InRange(stuck.Connection.PushesDropped, 1, Frames - 4096);
        Assert.Equal(stuck.Connection.PushesDropped, h.Service.Counters.Read(RpcCounters.PushesDropped));
        Assert.Single(h.Logs.Lines, l => l.Text.Contains("is not keeping up", StringComparison.Ordinal));

        // Its socket closing ends the connection even with pushes still queued.
        await stuck.AbortAsync();
    }

    private static async Task<bool> WaitForUpdatesAsync(RpcHarness h, long count)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (!cts.IsCancellationRequested)
        {
            if (h.Universes.TryGet(1, out Core.Universe? u) && u.UpdateCount >= count)
            {
                return true;
            }

            await Task.Delay(5, CancellationToken.None);
        }

        return false;
    }
}
