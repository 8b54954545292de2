// Licensed under the MIT License. See LICENSE in the repository root.
using OlaSharp.Core;
using OlaSharp.Core.Clock;
using OlaSharp.Core.Plugins;
using OlaSharp.Sacn.Internal;
using OlaSharp.Sacn.Packets;

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
        return new SacnDataPacketCopy(p.Cid, p.Priority, p.Sequence, p.Options, p.Universe, p.StartCode, p.Slots.ToArray(), System.Text.Encoding.UTF8.GetString(p.SourceName));
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

        Assert.Equal(3, _h.Node.Counters.TerminateSent);
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
            long now = Interlocked.Read(ref _h.Node.Counters.DataSent);
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

    [Fact]
    public void SyncAddress_DataCarriesIt_AndHighestPatchedOutputSendsSyncAfterItsData()
    {
        using var h = new SacnTestHarness(start: true, syncAddress: 7000);
        Assert.Equal(RefreshMode.Fixed, h.Device.Outputs[0].Refresh.Mode);
        Assert.True(h.Devices.TryPatch(h.Device.Outputs[0], 1, out _));
        Assert.True(h.Devices.TryPatch(h.Device.Outputs[2], 2, out _));
        Assert.False(h.Device.Outputs[0].IsLastPatchedOutput);
        Assert.True(h.Device.Outputs[2].IsLastPatchedOutput);
        var frame = new DmxFrame();
        frame.Set([9]);
        h.Device.Outputs[0].Emit(frame, 100, EmitReason.Tick);
        h.Device.Outputs[2].Emit(frame, 100, EmitReason.Tick);
        Assert.True(SacnDataPacket.TryParse(h.ReceiveFromNode(), out SacnDataPacket first));
        Assert.Equal(7000, first.SyncAddress);
        Assert.Equal(1, first.Universe);
        Assert.True(SacnDataPacket.TryParse(h.ReceiveFromNode(), out SacnDataPacket second));
        Assert.Equal(2, second.Universe);
        Assert.True(SacnSyncPacket.TryParse(h.ReceiveFromNode(), out SacnSyncPacket sync));
        Assert.Equal(7000, sync.SyncAddress);
        Assert.Equal(SacnTestHarness.OurCid, sync.Cid);
        Assert.Equal(1, h.Node.Counters.SyncSent);
    }

    private sealed record SacnDataPacketCopy(UInt128 Cid, byte Priority, byte Sequence, SacnFramingOptions Options, ushort Universe, byte StartCode, byte[] Slots, string Name);
}
