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
    public async Task UpdatesBetweenPendingClearAndCopy_NeverReachTheClientAfterTheNewerCopy()
    {
        // The writer clears a coalesced universe's mark, then copies its newest frame. Updates landing in
        // between are queued anew, behind that copy: seen under load as "push 5901 after 9998" (an OLA client
        // shown an older look after a newer one). The hook puts three updates exactly there.
        await using RpcHarness h = await RpcHarness.StartAsync();
        RpcTestClient stuck = h.Connect("stuck");
        await stuck.CallOkAsync("RegisterForDmx", new RegisterDmxRequest { Universe = 1, Action = RegisterAction.Register }, Ack.Parser);
        Assert.True(h.Universes.TryGet(1, out Universe? u));
        DmxSource source = u.AddSource("producer", "test", Timeout.InfiniteTimeSpan);
        byte[] slots = new byte[512];
        int value = 0;
        void Send()
        {
            value++;
            slots[0] = (byte)value;
            slots[1] = (byte)(value >> 8);
            u.Update(source, slots);
        }

        // Until the client's pipe and the queue are full (the writer waits on its flush) and the universe is
        // marked for coalescing: the writer's next look at its marks comes once the client reads.
        while (value < 2_000 || !stuck.Connection.HasPendingPushes)
        {
            Send();
        }

        int hooked = 0;
        stuck.Connection.AfterPendingCleared = () =>
        {
            if (Interlocked.Exchange(ref hooked, 1) == 0)
            {
                Send();
                Send();
                Send();
            }
        };
        int newest = value + 3;
        try
        {
            // Read until the client has seen the newest frame and nothing more comes.
            var seen = new List<int>();
            while (true)
            {
                RpcMessage push;
                try
                {
                    push = await stuck.ReadAsync(seen.Contains(newest) ? TimeSpan.FromMilliseconds(300) : null);
                }
                catch (OperationCanceledException) when (seen.Contains(newest))
                {
                    break;
                }

                byte[] data = DmxData.Parser.ParseFrom(push.Buffer).Data.ToByteArray();
                seen.Add(data[0] | (data[1] << 8));
            }

            Assert.Equal(1, Volatile.Read(ref hooked));
            for (int i = 1; i < seen.Count; i++)
            {
                Assert.True(seen[i] >= seen[i - 1], $"push {seen[i]} after {seen[i - 1]} (pushes {seen.Count}, the last ones {string.Join(",", seen.TakeLast(8))})");
            }

            Assert.Equal(newest, seen[^1]);
        }
        finally
        {
            await stuck.AbortAsync();
        }
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

        // Once it reads, the pushes come in order and the last one is the newest frame, sent once (a copy of the
        // same update queued beside the coalesced one is dropped by its stamp).
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

            Assert.Equal(0, repeats);
        }
        finally
        {
            // A failed assertion leaves pushes unread: close the client's side so the connection can end.
            await stuck.AbortAsync();
        }
    }
}
