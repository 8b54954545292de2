// Licensed under the MIT License. See LICENSE in the repository root.
using System.Net;
using OlaSharp.Core;
using OlaSharp.Core.Plugins;
using OlaSharp.Sacn.Internal;
using OlaSharp.Sacn.Packets;

using OlaSharp.Tests.Shared;

namespace OlaSharp.Sacn.Tests;

/// <summary>
/// The input port's merge of its senders (E1.31 and ETC): highest priority wins, HTP among equals whatever
/// the universe's merge mode, 0xDD per slot; the port is one source of the universe. Fake clock throughout.
/// </summary>
public sealed class MergeTests : IDisposable
{
    private static readonly UInt128 s_a = new(0xA, 1);
    private static readonly UInt128 s_b = new(0xB, 2);
    private static readonly UInt128 s_c = new(0xC, 3);
    private readonly SacnTestHarness _h = new();

    public void Dispose() => _h.Dispose();

    [Fact]
    public void TwoSendersAt100_LtpUniverse_MergeHtpAsOneSource()
    {
        Universe u = _h.PatchInput(0, 1, MergeMode.Ltp);
        _h.Send(s_a, 1, 100, [10, 200, 0]);
        _h.Send(s_b, 1, 100, [20, 100]);
        Assert.Equal(new byte[] { 20, 200, 0 }, u.GetMergedCopy());
        Assert.Equal(100, u.ActivePriority);

        // A newer packet from A does not replace B's levels (it would in an LTP universe with a source per CID).
        _h.Send(s_a, 1, 100, [5, 5, 5]);
        Assert.Equal(new byte[] { 20, 100, 5 }, u.GetMergedCopy());
        Assert.Equal(1, u.SourceCount);
        Assert.Equal(2, _h.Device.Inputs[0].SourceCount);
    }

    [Fact]
    public void SenderAt150_BeatsSenderAt100_WhateverTheLevels()
    {
        Universe u = _h.PatchInput(0, 1, MergeMode.Htp);
        _h.Send(s_a, 1, 100, [255, 255, 255]);
        _h.Send(s_b, 1, 150, [1, 2]);
        _h.Send(s_a, 1, 100, [255, 255, 255]);
        Assert.Equal(new byte[] { 1, 2 }, u.GetMergedCopy());
        Assert.Equal(150, u.ActivePriority);
    }

    [Fact]
    public void PriorityDrop_LowerSenderTakesOverOnThatPacket()
    {
        Universe u = _h.PatchInput(0, 1);
        _h.Send(s_a, 1, 150, [50]);
        _h.Send(s_b, 1, 100, [10]);
        Assert.Equal(new byte[] { 50 }, u.GetMergedCopy());

        _h.Send(s_a, 1, 50, [50]);
        Assert.Equal(new byte[] { 10 }, u.GetMergedCopy());
        Assert.Equal(100, u.ActivePriority);

        // Back up to 100: HTP with B.
        _h.Send(s_a, 1, 100, [50]);
        Assert.Equal(new byte[] { 50 }, u.GetMergedCopy());
        _h.Send(s_b, 1, 100, [60]);
        Assert.Equal(new byte[] { 60 }, u.GetMergedCopy());
    }

    [Fact]
    public void PerAddressPriority_WinnersPerSlot_HtpAmongEquals_PrioritiesGoUp()
    {
        Universe u = _h.PatchInput(0, 1, MergeMode.Ltp);

        // A: 0xDD [200, 0, 50]; B: 0xDD [100, 100, 50]; C: no 0xDD, packet priority 100.
        _h.Send(s_a, 1, 100, [200, 0, 50], startCode: 0xDD);
        _h.Send(s_b, 1, 100, [100, 100, 50], startCode: 0xDD);
        _h.Send(s_a, 1, 100, [10, 10, 10]);
        _h.Send(s_b, 1, 100, [20, 20, 20]);
        _h.Send(s_c, 1, 100, [30, 5, 40]);

        // Slot 1: A at 200. Slot 2: A not sourcing, B and C at 100, HTP. Slot 3: C at 100 over A and B at 50.
        Assert.Equal(new byte[] { 10, 20, 40 }, u.GetMergedCopy());
        var priorities = new byte[DmxFrame.MaxSlots];
        Assert.Equal(3, u.CopySlotPriorities(priorities, out _));
        Assert.Equal(new byte[] { 200, 100, 100 }, priorities[..3]);

        // A gives up slot 1 (0): B's 100 ties C's packet priority there, HTP.
        _h.Send(s_a, 1, 100, [0, 0, 50], startCode: 0xDD);
        Assert.Equal(new byte[] { 30, 20, 40 }, u.GetMergedCopy());
    }

    [Fact]
    public void PerAddressPriority_UnsourcedSlots_LeaveThemToOtherUniverseSources()
    {
        Universe u = _h.PatchInput(0, 1, MergeMode.Ltp);
        DmxSource console = u.AddSource("console", "test", Timeout.InfiniteTimeSpan, 50);
        u.Update(console, [7, 7, 7]);

        // The sACN sender sources only slot 2 (at 120); the console keeps slots 1 and 3.
        _h.Send(s_a, 1, 100, [0, 120, 0], startCode: 0xDD);
        _h.Send(s_a, 1, 100, [90, 90, 90]);
        Assert.Equal(new byte[] { 7, 90, 7 }, u.GetMergedCopy());
    }

    [Fact]
    public void StaticPortPriority_NoPerSlotPrioritiesUp_TopSenderAtThePortPriority()
    {
        Universe u = _h.PatchInput(0, 1);
        Assert.True(_h.Devices.TrySetPriority(_h.Device.Inputs[0], PriorityMode.Static, 30, out _));
        _h.Send(s_a, 1, 100, [200, 0], startCode: 0xDD);
        _h.Send(s_a, 1, 100, [10, 20]);
        _h.Send(s_b, 1, 90, [99, 99]);
        Assert.Equal(new byte[] { 10, 20 }, u.GetMergedCopy());
        Assert.Equal(30, u.ActivePriority);
        Assert.Equal(-1, u.CopySlotPriorities(new byte[DmxFrame.MaxSlots], out _));
    }

    [Fact]
    public void Termination_RemergesTheRestAtOnce_LastOneLeavesTheUniverseHolding()
    {
        Universe u = _h.PatchInput(0, 1);
        _h.Send(s_a, 1, 150, [50]);
        _h.Send(s_b, 1, 100, [10]);
        _h.Send(s_a, 1, 150, [], options: SacnFramingOptions.StreamTerminated);
        Assert.Equal(new byte[] { 10 }, u.GetMergedCopy());
        Assert.Equal(100, u.ActivePriority);

        _h.Send(s_b, 1, 100, [], options: SacnFramingOptions.StreamTerminated);
        Assert.Equal(0, _h.Device.Inputs[0].SourceCount);
        Assert.Equal(0, u.SourceCount);
        Assert.Equal(new byte[] { 10 }, u.GetMergedCopy());

        // A sender coming back makes the port a source again.
        _h.Send(s_c, 1, 100, [3]);
        Assert.Equal(new byte[] { 3 }, u.GetMergedCopy());
        Assert.Equal(1, u.SourceCount);
    }

    [Fact]
    public void Timeout_TopSenderSilent2500ms_LowerTakesOverByTimer()
    {
        Universe u = _h.PatchInput(0, 1);
        _h.Send(s_a, 1, 150, [50]);
        _h.Send(s_b, 1, 100, [10]);
        for (int i = 0; i < 4; i++)
        {
            _h.Advance(TimeSpan.FromMilliseconds(600));
            _h.Send(s_b, 1, 100, [10]);
            Assert.Equal(new byte[] { 50 }, u.GetMergedCopy());
        }

        // A silent for 2.55 s: the timer drops it without waiting for B's next packet.
        _h.Advance(TimeSpan.FromMilliseconds(150));
        Assert.Equal(new byte[] { 10 }, u.GetMergedCopy());
        Assert.Equal(1, _h.Node.Counters.Read(SacnCounters.SourcesLost));
    }

    [Fact]
    public void GetSenders_ListsCidsPrioritiesAndPerAddressUse()
    {
        _h.PatchInput(0, 1);
        _h.Send(s_a, 1, 120, [1, 2, 3]);
        _h.Send(s_b, 1, 100, [5], startCode: 0xDD);
        IReadOnlyList<SacnSenderInfo> senders = _h.Device.Inputs[0].GetSenders();
        Assert.Equal(2, senders.Count);
        SacnSenderInfo a = senders.Single(s => s.Cid == s_a);
        Assert.Equal(120, a.Priority);
        Assert.Equal(3, a.Length);
        Assert.False(a.UsesPerAddressPriority);
        Assert.Contains("sender", a.Name, StringComparison.Ordinal);
        Assert.True(senders.Single(s => s.Cid == s_b).UsesPerAddressPriority);
    }

    [Fact]
    public void DescribeSenders_CidAddressPacketsPriorityAndLastSeen()
    {
        _h.PatchInput(0, 1);
        var fromA = new IPEndPoint(IPAddress.Parse("127.0.0.2"), 5568);
        _h.Send(s_a, 1, 120, [1, 2, 3], from: fromA);
        _h.Time.Advance(TimeSpan.FromMilliseconds(300));
        _h.Send(s_b, 1, 100, [5], from: new IPEndPoint(IPAddress.Loopback, 40000));
        _h.Send(s_a, 1, 120, [1, 2, 4], from: fromA);
        _h.Time.Advance(TimeSpan.FromMilliseconds(200));

        IReadOnlyList<SenderInfo> senders = _h.Device.Inputs[0].DescribeSenders();
        Assert.Equal(2, senders.Count);
        SenderInfo a = senders.Single(s => s.Id == SacnRootLayer.FormatCid(s_a));
        Assert.Equal("127.0.0.2", a.Address);
        Assert.Equal(2, a.Packets);
        Assert.Equal(120, a.Priority);
        Assert.Equal(3, a.Length);
        Assert.Equal(TimeSpan.FromMilliseconds(200), a.SinceLastSeen);
        SenderInfo b = senders.Single(s => s.Id == SacnRootLayer.FormatCid(s_b));
        Assert.Equal("127.0.0.1", b.Address);
        Assert.Equal(1, b.Packets);

        // Output ports and ports of other protocols have nothing behind them.
        Assert.Empty(_h.Device.Inputs[1].DescribeSenders());
    }

    [Fact]
    public void RandomSenders_MatchAScalarReferenceMerge()
    {
        Universe u = _h.PatchInput(0, 1, MergeMode.Ltp);
        var random = new Random(1234);
        for (int round = 0; round < 300; round++)
        {
            int count = random.Next(1, 6);
            var senders = new List<(UInt128 Cid, int Priority, byte[] Levels, byte[]? PerAddress)>();
            for (int i = 0; i < count; i++)
            {
                var cid = new UInt128((ulong)round + 1, (ulong)i + 1);
                int priority = random.Next(4) == 0 ? 0 : random.Next(3) * 50;
                byte[] levels = new byte[random.Next(1, 513)];
                random.NextBytes(levels);
                byte[]? pap = null;
                if (random.Next(3) == 0)
                {
                    pap = new byte[random.Next(0, 513)];
                    for (int k = 0; k < pap.Length; k++)
                    {
                        pap[k] = (byte)(random.Next(3) == 0 ? 0 : random.Next(1, 4) * 50);
                    }

                    _h.Send(cid, 1, (byte)priority, pap, startCode: 0xDD);
                }

                _h.Send(cid, 1, (byte)priority, levels);
                senders.Add((cid, priority, levels, pap));
            }

            Assert.Equal(Convert.ToHexString(Reference(senders)), Convert.ToHexString(u.GetMergedCopy()));
            foreach ((UInt128 cid, int priority, _, _) in senders)
            {
                _h.Send(cid, 1, (byte)priority, [], options: SacnFramingOptions.StreamTerminated);
            }
        }
    }

    // What the universe shows, merged slot by slot in the plainest way: whole-frame without 0xDD (top
    // priority, HTP, longest); with 0xDD per slot (0 = not sourcing, HTP among equals), then the
    // universe drops unsourced slots (priority 0) and ends at the last sourced one.
    private static byte[] Reference(List<(UInt128 Cid, int Priority, byte[] Levels, byte[]? PerAddress)> senders)
    {
        if (senders.All(s => s.PerAddress is null))
        {
            int top = senders.Max(s => s.Priority);
            var winners = senders.Where(s => s.Priority == top).ToList();
            byte[] frame = new byte[winners.Max(s => s.Levels.Length)];
            foreach (var s in winners)
            {
                for (int i = 0; i < s.Levels.Length; i++)
                {
                    frame[i] = Math.Max(frame[i], s.Levels[i]);
                }
            }

            return frame;
        }

        var result = new List<byte>();
        int length = 0;
        for (int slot = 0; slot < 512; slot++)
        {
            int best = -1;
            byte value = 0;
            foreach (var s in senders)
            {
                if (slot >= s.Levels.Length)
                {
                    continue;
                }

                int p = s.PerAddress is null ? s.Priority : slot < s.PerAddress.Length ? s.PerAddress[slot] : 0;
                if (s.PerAddress is not null && p == 0)
                {
                    continue;
                }

                if (p > best)
                {
                    best = p;
                    value = s.Levels[slot];
                }
                else if (p == best)
                {
                    value = Math.Max(value, s.Levels[slot]);
                }
            }

            bool sourced = best > 0;
            result.Add(sourced ? value : (byte)0);
            if (sourced)
            {
                length = slot + 1;
            }
        }

        return [.. result.Take(length)];
    }

    [Fact]
    public void Receive_SteadyState_AllocatesNothing()
    {
        Universe u = _h.PatchInput(0, 1);
        var packets = new byte[4][];
        for (int i = 0; i < packets.Length; i++)
        {
            packets[i] = new byte[SacnDataPacket.MaxLength];
        }

        byte[] slots = [.. Enumerable.Range(0, 512).Select(i => (byte)i)];
        long now = _h.Time.GetTimestamp();
        void Round(byte seq)
        {
            SacnDataPacket.Write(packets[0], s_a, "a"u8, 100, 0, seq, SacnFramingOptions.None, 1, 0xDD, slots);
            SacnDataPacket.Write(packets[1], s_a, "a"u8, 100, 0, (byte)(seq + 1), SacnFramingOptions.None, 1, 0, slots);
            SacnDataPacket.Write(packets[2], s_b, "b"u8, 100, 0, seq, SacnFramingOptions.None, 1, 0, slots);
            SacnDataPacket.Write(packets[3], s_c, "c"u8, 90, 0, seq, SacnFramingOptions.None, 1, 0, slots);
            foreach (byte[] p in packets)
            {
                _h.Node.Handle(p, now);
            }
        }

        int next = 0;
        SteadyState.AssertAllocatesNothing(
            () =>
            {
                // 100 rounds of 4 packets each.
                for (int i = 0; i < 100; i++, next++)
                {
                    Round((byte)(2 * next));
                }
            });
        Assert.Equal(512, u.Length);
    }
}
