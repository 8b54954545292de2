// Licensed under the MIT License. See LICENSE in the repository root.
using System.Diagnostics;
using OlaSharp.Core;
using OlaSharp.OlaRpc.Protocol;

namespace OlaSharp.OlaRpc.Tests;

/// <summary>Pushes are produced apart from their notification: the producer's thread never encodes or waits for a client.</summary>
public sealed class RpcPushTests
{
    [Fact]
    public async Task Push_EncodedOnConnectionsWriter_NotOnProducersThread()
    {
        await using RpcHarness h = await RpcHarness.StartAsync();
        RpcTestClient monitor = h.Connect("monitor");
        await monitor.CallOkAsync("RegisterForDmx", new RegisterDmxRequest { Universe = 1, Action = RegisterAction.Register }, Ack.Parser);
        Assert.True(h.Universes.TryGet(1, out Universe? u));

        // A receive thread of its own, as Art-Net's or sACN's.
        int producerThread = 0;
        var producer = new Thread(() =>
        {
            producerThread = Environment.CurrentManagedThreadId;
            DmxSource source = u.AddSource("producer", "test", Timeout.InfiniteTimeSpan);
            u.Update(source, [4, 5, 6]);
        });
        producer.Start();
        Assert.True(producer.Join(RpcHarness.Timeout));

        RpcMessage push = await monitor.ReadAsync();
        Assert.Equal("UpdateDmxData", push.Name);
        Assert.Equal(new byte[] { 4, 5, 6 }, DmxData.Parser.ParseFrom(push.Buffer).Data.ToByteArray());
        Assert.NotEqual(0, monitor.Connection.LastPushEncoderThreadId);
        Assert.NotEqual(producerThread, monitor.Connection.LastPushEncoderThreadId);
    }

    [Fact]
    public async Task ClientNotReading_ProducerNeverWaits_ClientEndsOnNewestFrame()
    {
        const int Frames = 20_000;
        await using RpcHarness h = await RpcHarness.StartAsync();
        RpcTestClient stuck = h.Connect("stuck");
        await stuck.CallOkAsync("RegisterForDmx", new RegisterDmxRequest { Universe = 1, Action = RegisterAction.Register }, Ack.Parser);
        Assert.True(h.Universes.TryGet(1, out Universe? u));
        DmxSource source = u.AddSource("producer", "test", Timeout.InfiniteTimeSpan);

        // The client reads nothing: its pipe fills, the writer waits on its flush and the queue fills behind it.
        // The producer's 20,000 updates must not wait for any of that (loose bound for a slow shared machine).
        byte[] slots = new byte[512];
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < Frames; i++)
        {
            slots[0] = (byte)i;
            slots[1] = (byte)(i >> 8);
            u.Update(source, slots);
        }

        sw.Stop();
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(10), $"producer took {sw.Elapsed}");
        Assert.True(stuck.Connection.PushesDropped > 0);

        // Once it reads, the pushes come in order (the newest frame of a coalesced run may repeat once, when
        // an update lands between the writer's copy and the queue) and the last one is the newest frame.
        try
        {
            int last = -1;
            int previous = -1;
            while (last != Frames - 1)
            {
                RpcMessage push = await stuck.ReadAsync();
                byte[] data = DmxData.Parser.ParseFrom(push.Buffer).Data.ToByteArray();
                last = data[0] | (data[1] << 8);
                Assert.True(last >= previous, $"push {last} after {previous}");
                previous = last;
            }

            int repeats = 0;
            while (!await stuck.NothingWithinAsync(TimeSpan.FromMilliseconds(200)))
            {
                repeats++;
            }

            Assert.InRange(repeats, 0, 1);
        }
        finally
        {
            // A failed assertion leaves pushes unread: close the client's side so the connection can end.
            await stuck.AbortAsync();
        }
    }
}
