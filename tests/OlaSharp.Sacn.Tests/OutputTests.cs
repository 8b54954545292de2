// Licensed under the MIT License. See LICENSE in the repository root.
using OlaSharp.Core;
using OlaSharp.Core.Clock;
using OlaSharp.Core.Plugins;
using OlaSharp.Sacn.Internal;
using OlaSharp.Sacn.Packets;

using OlaSharp.Tests.Shared;

namespace OlaSharp.Sacn.Tests;

/// <summary>Output ports: packets (unicast to 127.0.0.1), termination, and the keep-alive cadence on a fake clock.</summary>
public sealed class OutputTests : IDisposable
{
    private readonly SacnTestHarness _h = new(start: true);

    public void Dispose() => _h.Dispose();

    private static SacnDataPacketCopy Parse(byte[]? bytes)
    {
        Assert.NotNull(bytes);
        Assert.True(SacnDataPacket.TryParse(bytes, out SacnDataPacket p));
        return new SacnDataPacketCopy(p.Cid, p.Priority, p.Sequence, p.Options, p.Universe, p.StartCode, p.Slots.ToArray(), System.Text.Encoding.UTF8.GetString(p.SourceName), p.SyncAddress);
    }

    [Fact]
    public void Emit_SendsDataPacketWithUniversePriorityAndSequence()
    {
        SacnOutputPort port = _h.Device.Outputs[0];
        Assert.True(_h.Devices.TryPatch(port, 9, out _));
        var frame = new DmxFrame();
        frame.Set([1, 2, 3]);
        port.Emit(frame, 130, EmitReason.Change);
        port.Emit(frame, 130, EmitReason.Repeat);
        SacnDataPacketCopy first = Parse(_h.ReceiveFromNode());
        SacnDataPacketCopy second = Parse(_h.ReceiveFromNode());
        Assert.Equal(SacnTestHarness.OurCid, first.Cid);
        Assert.Equal("test", first.Name);
        Assert.Equal(130, first.Priority);
        Assert.Equal(9, first.Universe);
        Assert.Equal(0, first.StartCode);
        Assert.Equal(new byte[] { 1, 2, 3 }, first.Slots);
        Assert.Equal((byte)(first.Sequence + 1), second.Sequence);
    }

    [Fact]
    public void Emit_StaticPriorityMode_SendsPortPriority()
    {
        SacnOutputPort port = _h.Device.Outputs[0];
        Assert.True(_h.Devices.TryPatch(port, 9, out _));
        Assert.True(_h.Devices.TrySetPriority(port, PriorityMode.Static, 42, out _));
        var frame = new DmxFrame();
        frame.Set([1]);
        port.Emit(frame, 100, EmitReason.Change);
        Assert.Equal(42, Parse(_h.ReceiveFromNode()).Priority);
    }

    [Fact]
    public void Unpatch_SendsThreeStreamTerminatedPackets()
    {
        SacnOutputPort port = _h.Device.Outputs[1];
        Assert.True(_h.Devices.TryPatch(port, 12, out _));
        var frame = new DmxFrame();
        frame.Set([5, 6]);
        port.Emit(frame, 120, EmitReason.Change);
        Parse(_h.ReceiveFromNode());
        Assert.True(_h.Devices.Unpatch(port));
        for (int i = 0; i < 3; i++)
        {
            SacnDataPacketCopy p = Parse(_h.ReceiveFromNode());
            Assert.True((p.Options & SacnFramingOptions.StreamTerminated) != 0);
            Assert.Equal(12, p.Universe);
            Assert.Equal(120, p.Priority);
            Assert.Empty(p.Slots);
        }

        Assert.Equal(3, _h.Node.Counters.Read(SacnCounters.TerminateSent));
    }

    [Fact]
    public void PluginStop_UnregisteringTheDevice_SendsThreeStreamTerminatedPacketsPerPatchedOutput()
    {
        Assert.True(_h.Devices.TryPatch(_h.Device.Outputs[0], 3, out _));
        Assert.True(_h.Devices.TryPatch(_h.Device.Outputs[4], 4, out _));
        _h.Devices.Unregister(_h.Device);
        var universes = new List<int>();
        for (int i = 0; i < 6; i++)
        {
            SacnDataPacketCopy p = Parse(_h.ReceiveFromNode());
            Assert.True((p.Options & SacnFramingOptions.StreamTerminated) != 0);
            universes.Add(p.Universe);
        }

        Assert.Equal([3, 3, 3, 4, 4, 4], universes.Order());
    }

    [Fact]
    public void PortUnicastDestinations_OnlyThatPortSendsThere()
    {
        using var h = new SacnTestHarness(start: true, unicastOnlyPort: 1);
        Assert.True(h.Devices.TryPatch(h.Device.Outputs[0], 5, out _));
        Assert.True(h.Devices.TryPatch(h.Device.Outputs[1], 6, out _));
        var frame = new DmxFrame();
        frame.Set([1]);
        h.Device.Outputs[0].Emit(frame, 100, EmitReason.Change);
        h.Device.Outputs[1].Emit(frame, 100, EmitReason.Change);
        Assert.Equal(6, Parse(h.ReceiveFromNode()).Universe);
        h.Peer.ReceiveTimeout = 200;
        Assert.Null(h.ReceiveFromNode());
    }

    [Fact]
    public void RefreshClock_ChangeThenStatic_ThreeRepeatsThenKeepAliveEverySecond()
    {
        SacnOutputPort port = _h.Device.Outputs[0];
        Assert.Equal(RefreshMode.Change, port.Refresh.Mode);
        Assert.True(_h.Devices.TryPatch(port, 1, out _));
        Universe u = _h.Universes.GetOrCreate(1);
        DmxSource source = u.AddSource("t", "test", Timeout.InfiniteTimeSpan);
        u.Update(source, [1, 2, 3]);

        var sendTimes = new List<double>();
        long sent = 0;
        for (int ms = 0; ms <= 3500; ms++)
        {
            _h.Clock.RunDue(_h.Time.GetTimestamp());
            long now = _h.Node.Counters.Read(SacnCounters.DataSent);
            for (; sent < now; sent++)
            {
                sendTimes.Add(ms);
            }

            _h.Time.Advance(TimeSpan.FromMilliseconds(1));
        }

        // 1 for the change + 3 repeats at 44 Hz, then a keep-alive about every second.
        Assert.InRange(sendTimes.Count, 6, 8);
        Assert.True(sendTimes[3] < 100, $"repeats at {string.Join(", ", sendTimes)}");
        for (int i = 5; i < sendTimes.Count; i++)
        {
            Assert.InRange(sendTimes[i] - sendTimes[i - 1], 800, 1000);
        }
    }

    // What output port 0 sends first for universe 9 whose merge has per-slot priorities [200, 0, 100, 120]:
    // a 0xDD packet, sequence 1, packet priority 200 (the universe's top). Field by field:
    //   0010 0000 4153432d45312e3137000000                   preamble, postamble, ACN packet identifier
    //   7072 00000004 00000000000011110000000000002222       root: flags+length (130-16=114), vector 4, CID
    //   705c 00000002 74657374 00 x 60                        framing: flags+length (130-38=92), vector 2, "test"
    //   c8 0000 01 00 0009                                    priority 200, sync 0, sequence 1, options, universe 9
    //   700f 02 a1 0000 0001 0005                             DMP: flags+length (130-115=15), vector, type, first, increment, count 1+4
    //   dd c8006478                                           start code 0xDD, priorities 200, 0, 100, 120
    // The interop test has tshark dissect the same fixture.
    private static string GoldenPerAddress => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "olasharp-0xdd-u9.hex")).Trim();

    private static DmxSource PerAddressSource(Universe u, byte[] levels, byte[] priorities)
    {
        DmxSource source = u.AddSource("dd", "test", Timeout.InfiniteTimeSpan);
        u.Update(source, levels, null, priorities, slotPrioritiesEnabled: true);
        return source;
    }

    [Fact]
    public void PerAddress_GoldenBytes_SentBeforeTheLevelsWithTheNextSequence()
    {
        SacnOutputPort port = _h.Device.Outputs[0];
        Assert.True(_h.Devices.TryPatch(port, 9, out _));
        Universe u = _h.Universes.GetOrCreate(9);
        PerAddressSource(u, [1, 2, 3, 4], [200, 0, 100, 120]);
        var frame = new DmxFrame();
        u.CopyMerged(frame, out int priority);
        port.Emit(frame, priority, EmitReason.Change);

        byte[]? dd = _h.ReceiveFromNode();
        Assert.NotNull(dd);
        Assert.Equal(GoldenPerAddress, Convert.ToHexString(dd), ignoreCase: true);
        SacnDataPacketCopy levels = Parse(_h.ReceiveFromNode());
        Assert.Equal(0, levels.StartCode);
        Assert.Equal(2, levels.Sequence);
        Assert.Equal(200, levels.Priority);
        Assert.Equal(new byte[] { 1, 0, 3, 4 }, levels.Slots);
        Assert.Equal(1, _h.Node.Counters.Read(SacnCounters.PerAddressSent));
    }

    [Fact]
    public void PerAddress_Cadence_OnChangeThreeRepeatsThenAbout1s_NoneWhenWholeFrame()
    {
        SacnOutputPort port = _h.Device.Outputs[0];
        Assert.True(_h.Devices.TryPatch(port, 1, out _));
        Universe u = _h.Universes.GetOrCreate(1);
        DmxSource source = PerAddressSource(u, [1, 2, 3], [150, 150, 0]);

        var ddTimes = new List<int>();
        long sent = 0;
        void Run(int fromMs, int toMs)
        {
            for (int ms = fromMs; ms < toMs; ms++)
            {
                _h.Clock.RunDue(_h.Time.GetTimestamp());
                for (long now = _h.Node.Counters.Read(SacnCounters.PerAddressSent); sent < now; sent++)
                {
                    ddTimes.Add(ms);
                }

                _h.Time.Advance(TimeSpan.FromMilliseconds(1));
            }
        }

        Run(0, 3500);

        // With the change and its 3 repeats (44 Hz), then with each 1 s keep-alive of the levels.
        Assert.Equal(4 + 3, ddTimes.Count);
        Assert.True(ddTimes[3] < 100, string.Join(", ", ddTimes));
        for (int i = 5; i < ddTimes.Count; i++)
        {
            Assert.InRange(ddTimes[i] - ddTimes[i - 1], 800, 1000);
        }

        // New priorities with unchanged levels: the levels go out again (the merged frame changed), 0xDD with them.
        int before = ddTimes.Count;
        u.Update(source, [1, 2, 3], null, [150, 150, 150], slotPrioritiesEnabled: true);
        Run(3500, 3600);
        Assert.Equal(before + 4, ddTimes.Count);
        Assert.True(ddTimes[before] <= 3501);

        // Whole-frame merge: no 0xDD at all.
        u.Update(source, [1, 2, 3], null, [], slotPrioritiesEnabled: false);
        before = ddTimes.Count;
        Run(3600, 6000);
        Assert.Equal(before, ddTimes.Count);
        Assert.True(_h.Node.Counters.Read(SacnCounters.DataSent) > 10);
    }

    [Fact]
    public void PerAddress_StaticPortPriority_SourcedSlotsAtThePortPriority()
    {
        SacnOutputPort port = _h.Device.Outputs[0];
        Assert.True(_h.Devices.TryPatch(port, 1, out _));
        Assert.True(_h.Devices.TrySetPriority(port, PriorityMode.Static, 42, out _));
        Universe u = _h.Universes.GetOrCreate(1);
        PerAddressSource(u, [1, 2, 3], [150, 0, 90]);
        var frame = new DmxFrame();
        u.CopyMerged(frame, out int priority);
        port.Emit(frame, priority, EmitReason.Change);
        SacnDataPacketCopy dd = Parse(_h.ReceiveFromNode());
        Assert.Equal(0xDD, dd.StartCode);
        Assert.Equal(42, dd.Priority);
        Assert.Equal(new byte[] { 42, 0, 42 }, dd.Slots);
    }

    [Fact]
    public void PerAddress_Disabled_NeverSent()
    {
        using var h = new SacnTestHarness(start: true, perAddress: false);
        SacnOutputPort port = h.Device.Outputs[0];
        Assert.True(h.Devices.TryPatch(port, 1, out _));
        Universe u = h.Universes.GetOrCreate(1);
        PerAddressSource(u, [1], [150]);
        var frame = new DmxFrame();
        u.CopyMerged(frame, out int priority);
        port.Emit(frame, priority, EmitReason.Change);
        Assert.Equal(0, Parse(h.ReceiveFromNode()).StartCode);
        Assert.Equal(0, h.Node.Counters.Read(SacnCounters.PerAddressSent));
    }

    [Fact]
    public void Sync_PerPortAddresses_OneSyncPerAddressAfterEachTicksBurst_OwnSequences()
    {
        // Ports 0 and 1 use the plugin's sync_address 7000, port 2 its own 7001, port 3 none.
        using var h = new SacnTestHarness(start: true, syncAddress: 7000, portSync: new() { [2] = 7001, [3] = 0 });
        Assert.Equal(RefreshMode.Fixed, h.Device.Outputs[0].Refresh.Mode);
        Assert.Equal(RefreshMode.Fixed, h.Device.Outputs[2].Refresh.Mode);
        Assert.Equal(RefreshMode.Change, h.Device.Outputs[3].Refresh.Mode);
        Assert.Equal([7000, 7001], h.Node.SyncAddresses);
        for (int i = 0; i < 4; i++)
        {
            Assert.True(h.Devices.TryPatch(h.Device.Outputs[i], i + 1, out _));
            Universe u = h.Universes.GetOrCreate(i + 1);
            u.Update(u.AddSource("s", "test", Timeout.InfiniteTimeSpan), [(byte)(i + 1)]);
        }

        // 100 ms of clock in 1 ms steps; everything sent is on the peer socket at once (loopback).
        var packets = new List<byte[]>();
        var buffer = new byte[1500];
        for (int ms = 0; ms < 100; ms++)
        {
            h.Clock.RunDue(h.Time.GetTimestamp());
            while (h.Peer.Available > 0)
            {
                packets.Add(buffer[..h.Peer.Receive(buffer)]);
            }

            h.Time.Advance(TimeSpan.FromMilliseconds(1));
        }

        // The change-mode port (universe 4) carries no sync address and is left out of the bursts.
        var synced = new List<byte[]>();
        foreach (byte[] bytes in packets)
        {
            if (SacnDataPacket.TryParse(bytes, out SacnDataPacket p) && p.Universe == 4)
            {
                Assert.Equal(0, p.SyncAddress);
            }
            else
            {
                synced.Add(bytes);
            }
        }

        // 44 Hz for 100 ms: 4 ticks, each 3 data packets then one sync packet per address with its own sequence.
        Assert.Equal(4 * 5, synced.Count);
        for (int tick = 0; tick < 4; tick++)
        {
            var data = new List<(int Universe, int Sync)>();
            for (int i = 0; i < 3; i++)
            {
                Assert.True(SacnDataPacket.TryParse(synced[(tick * 5) + i], out SacnDataPacket p), "expected data before any sync packet");
                data.Add((p.Universe, p.SyncAddress));
            }

            Assert.Equal([(1, 7000), (2, 7000), (3, 7001)], data.Order());
            var syncs = new List<(int Address, int Sequence)>();
            for (int i = 3; i < 5; i++)
            {
                Assert.True(SacnSyncPacket.TryParse(synced[(tick * 5) + i], out SacnSyncPacket sync));
                Assert.Equal(SacnTestHarness.OurCid, sync.Cid);
                syncs.Add((sync.SyncAddress, sync.Sequence));
            }

            Assert.Equal([(7000, tick + 1), (7001, tick + 1)], syncs.Order());
        }

        Assert.Equal(8, h.Node.Counters.Read(SacnCounters.SyncSent));
    }

    [Fact]
    public void Clock_SyncedPortsWithPerAddress_SteadyStateAllocatesNothing()
    {
        using var h = new SacnTestHarness(start: true, syncAddress: 7000, portSync: new() { [1] = 7001 });
        var sources = new DmxSource[3];
        for (int i = 0; i < 3; i++)
        {
            Assert.True(h.Devices.TryPatch(h.Device.Outputs[i], i + 1, out _));
            Universe u = h.Universes.GetOrCreate(i + 1);
            sources[i] = u.AddSource("dd", "test", Timeout.InfiniteTimeSpan);
        }

        byte[] levels = new byte[512];
        byte[] priorities = [.. Enumerable.Repeat((byte)120, 512)];
        var buffer = new byte[1500];
        void Run(int ms)
        {
            for (int i = 0; i < ms; i++)
            {
                levels[0] = (byte)i;
                priorities[1] = (byte)(100 + (i / 100 % 2));
                for (int k = 0; k < sources.Length; k++)
                {
                    sources[k].Universe.Update(sources[k], levels, null, priorities, slotPrioritiesEnabled: true);
                }

                h.Clock.RunDue(h.Time.GetTimestamp());
                while (h.Peer.Available > 0)
                {
                    h.Peer.Receive(buffer);
                }

                h.Time.Advance(TimeSpan.FromMilliseconds(1));
            }
        }

        Run(500);
        long sent = h.Node.Counters.Read(SacnCounters.DataSent) + h.Node.Counters.Read(SacnCounters.PerAddressSent) + h.Node.Counters.Read(SacnCounters.SyncSent);
        SteadyState.AssertAllocatesNothing(() => Run(1000), warmUp: 1);
        Assert.True(h.Node.Counters.Read(SacnCounters.PerAddressSent) > 10);
        Assert.True(h.Node.Counters.Read(SacnCounters.DataSent) + h.Node.Counters.Read(SacnCounters.PerAddressSent) + h.Node.Counters.Read(SacnCounters.SyncSent) - sent > 400);
    }

    [Fact]
    public void Sync_NoDataInTheBurst_NoSyncPacket()
    {
        using var h = new SacnTestHarness(start: true, syncAddress: 7000);
        Assert.True(h.Devices.TryPatch(h.Device.Outputs[0], 1, out _));

        // Universe 1 has no data: the port emits nothing, so no sync either.
        long next = h.Clock.RunDue(h.Time.GetTimestamp());
        h.Time.Advance(TimeSpan.FromTicks(next - h.Time.GetTimestamp()));
        h.Clock.RunDue(h.Time.GetTimestamp());
        Assert.Equal(0, h.Node.Counters.Read(SacnCounters.SyncSent));
    }

    private sealed record SacnDataPacketCopy(UInt128 Cid, byte Priority, byte Sequence, SacnFramingOptions Options, ushort Universe, byte StartCode, byte[] Slots, string Name, ushort Sync);
}
