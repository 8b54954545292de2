// Licensed under the MIT License. See LICENSE in the repository root.
using OlaSharp.Core;
using OlaSharp.Sacn.Internal;
using OlaSharp.Sacn.Packets;
using OlaSharp.Tests.Shared;

namespace OlaSharp.Sacn.Tests;

/// <summary>Source tracking, priorities, 0xDD, termination, loss and sequence checks, on a fake clock.</summary>
public sealed class InputTests : IDisposable
{
    private static readonly UInt128 s_a = new(0xA, 1);
    private static readonly UInt128 s_b = new(0xB, 2);
    private readonly SacnTestHarness _h = new();

    public void Dispose() => _h.Dispose();

    [Fact]
    public void Receive_OneSource_UniverseGetsLevelsAndPriority()
    {
        Universe u = _h.PatchInput(0, 7);
        _h.Send(s_a, 7, 120, [1, 2, 3]);
        Assert.Equal(new byte[] { 1, 2, 3 }, u.GetMergedCopy());
        Assert.Equal(120, u.ActivePriority);
        Assert.Equal(1, _h.Device.Inputs[0].SourceCount);
    }

    [Fact]
    public void Receive_UnpatchedUniverse_Counted()
    {
        _h.PatchInput(0, 7);
        _h.Send(s_a, 8, 100, [1]);
        Assert.Equal(1, _h.Node.Counters.Read(SacnCounters.NotPatched));
    }

    [Fact]
    public void Receive_HigherPriorityWins_LowerIgnoredUntilHigherLeaves()
    {
        Universe u = _h.PatchInput(0, 1);
        _h.Send(s_a, 1, 100, [10, 10]);
        _h.Send(s_b, 1, 150, [50, 0]);
        _h.Send(s_a, 1, 100, [99, 99]);
        Assert.Equal(new byte[] { 50, 0 }, u.GetMergedCopy());
        Assert.Equal(150, u.ActivePriority);

        // B lowers its priority below A: A wins on its next packet.
        _h.Send(s_b, 1, 50, [50, 0]);
        _h.Send(s_a, 1, 100, [99, 98]);
        Assert.Equal(new byte[] { 99, 98 }, u.GetMergedCopy());
        Assert.Equal(100, u.ActivePriority);
    }

    [Fact]
    public void Receive_EqualPriority_HtpPerSlot()
    {
        Universe u = _h.PatchInput(0, 1, MergeMode.Htp);
        _h.Send(s_a, 1, 100, [10, 200, 0]);
        _h.Send(s_b, 1, 100, [20, 100]);
        Assert.Equal(new byte[] { 20, 200, 0 }, u.GetMergedCopy());
        Assert.Equal(2, _h.Device.Inputs[0].SourceCount);
    }

    [Fact]
    public void Receive_ManySources_NoCap()
    {
        Universe u = _h.PatchInput(0, 1, MergeMode.Htp);
        for (int i = 1; i <= 20; i++)
        {
            _h.Send(new UInt128(0xC, (ulong)i), 1, 100, [(byte)i]);
        }

        Assert.Equal(20, _h.Device.Inputs[0].SourceCount);
        Assert.Equal(new byte[] { 20 }, u.GetMergedCopy());
    }

    [Fact]
    public void Receive_StreamTerminated_RemovesSourceAtOnce()
    {
        Universe u = _h.PatchInput(0, 1);
        _h.Send(s_a, 1, 100, [10]);
        _h.Send(s_b, 1, 150, [50]);
        _h.Send(s_b, 1, 150, [], options: SacnFramingOptions.StreamTerminated);
        Assert.Equal(1, _h.Device.Inputs[0].SourceCount);
        Assert.Equal(1, _h.Node.Counters.Read(SacnCounters.Terminated));
        Assert.Equal(100, u.ActivePriority);
        Assert.Equal(new byte[] { 10 }, u.GetMergedCopy());
    }

    [Fact]
    public void Housekeeping_PortOwnsExpiry_UniverseSourceHasNoTimerOfItsOwn()
    {
        // Issue 16 item 2: the port expires its senders (2.5 s each); the universe source it feeds never
        // times out by itself and leaves the universe when the port's last sender goes.
        Universe u = _h.PatchInput(0, 1);
        _h.Send(s_a, 1, 100, [10]);
        Assert.Equal(0, u.ExpireSources(_h.Time.GetTimestamp() + (60 * _h.Time.TimestampFrequency)));
        Assert.True(Assert.Single(u.GetSources()).IsActive);

        _h.Advance(TimeSpan.FromMilliseconds(2400));
        Assert.Single(u.GetSources());
        _h.Advance(TimeSpan.FromMilliseconds(150));
        Assert.Empty(u.GetSources());
        Assert.Equal(1, _h.Node.Counters.Read(SacnCounters.SourcesLost));
    }

    [Fact]
    public void Housekeeping_SilentFor2500ms_SourceLostByTimer()
    {
        Universe u = _h.PatchInput(0, 1);
        _h.Send(s_a, 1, 100, [10]);
        _h.Send(s_b, 1, 150, [50]);
        _h.Advance(TimeSpan.FromMilliseconds(1000));
        _h.Send(s_a, 1, 100, [11]);
        _h.Advance(TimeSpan.FromMilliseconds(1400));
        Assert.Equal(2, _h.Device.Inputs[0].SourceCount);
        _h.Advance(TimeSpan.FromMilliseconds(150));

        // B silent for 2.55 s: removed by the timer, without any packet arriving; A takes over.
        Assert.Equal(1, _h.Device.Inputs[0].SourceCount);
        Assert.Equal(1, _h.Node.Counters.Read(SacnCounters.SourcesLost));
        Assert.Equal(100, u.ActivePriority);
        Assert.Equal(new byte[] { 11 }, u.GetMergedCopy());
    }

    [Theory]
    [InlineData(10, 10, false)]
    [InlineData(10, 9, false)]
    [InlineData(10, 247, false)] // -19
    [InlineData(10, 246, true)] // -20: a restarted sender
    [InlineData(10, 11, true)]
    [InlineData(255, 0, true)] // wrap
    public void Receive_SequenceCheck_DropsMinus19ToZero(byte first, byte second, bool accepted)
    {
        Universe u = _h.PatchInput(0, 1);
        _h.Send(s_a, 1, 100, [1], sequence: first);
        _h.Send(s_a, 1, 100, [2], sequence: second);
        Assert.Equal(accepted ? 2 : 1, u.GetMergedCopy()[0]);
        Assert.Equal(accepted ? 0 : 1, _h.Node.Counters.Read(SacnCounters.OutOfSequence));
    }

    [Fact]
    public void Receive_Preview_DroppedWhenIgnorePreview()
    {
        Universe u = _h.PatchInput(0, 1);
        _h.Send(s_a, 1, 100, [1], options: SacnFramingOptions.Preview);
        Assert.Empty(u.GetMergedCopy());
        Assert.Equal(1, _h.Node.Counters.Read(SacnCounters.Preview));
    }

    [Fact]
    public void Receive_OtherStartCode_Ignored()
    {
        Universe u = _h.PatchInput(0, 1);
        _h.Send(s_a, 1, 100, [1], startCode: 0x17);
        Assert.Empty(u.GetMergedCopy());
        Assert.Equal(1, _h.Node.Counters.Read(SacnCounters.OtherStartCode));
    }

    [Fact]
    public void Receive_OwnCid_Ignored()
    {
        Universe u = _h.PatchInput(0, 1);
        _h.Send(SacnTestHarness.OurCid, 1, 100, [1]);
        Assert.Empty(u.GetMergedCopy());
        Assert.Equal(1, _h.Node.Counters.Read(SacnCounters.OwnPackets));
    }

    [Fact]
    public void Receive_PerAddressPriority_MergedPerSlot()
    {
        Universe u = _h.PatchInput(0, 1, MergeMode.Htp);

        // A owns slot 1 at 200 and does not source slot 2 (0); B is at packet priority 100.
        _h.Send(s_a, 1, 100, [200, 0], startCode: 0xDD);
        _h.Send(s_a, 1, 100, [10, 255]);
        _h.Send(s_b, 1, 100, [90, 40]);
        Assert.Equal(new byte[] { 10, 40 }, u.GetMergedCopy());
    }

    [Fact]
    public void Housekeeping_PerAddressStops_FallsBackToPacketPriority()
    {
        Universe u = _h.PatchInput(0, 1, MergeMode.Htp);
        _h.Send(s_a, 1, 100, [200, 0], startCode: 0xDD);
        _h.Send(s_a, 1, 100, [10, 255]);
        _h.Send(s_b, 1, 100, [90, 40]);
        for (int i = 0; i < 6; i++)
        {
            _h.Advance(TimeSpan.FromMilliseconds(500));
            _h.Send(s_a, 1, 100, [10, 255]);
            _h.Send(s_b, 1, 100, [90, 40]);
        }

        // No 0xDD for 3 s: A merges at its packet priority (HTP with B on every slot).
        Assert.Equal(new byte[] { 90, 255 }, u.GetMergedCopy());
    }

    [Fact]
    public void Receive_NewSource_LevelsWaitForPerAddressUpTo1500ms()
    {
        // per_address_priority_wait = always (ETC's rule as written); auto is in StartupWaitTests.
        using var h = new SacnTestHarness(ddWait: TimeSpan.FromMilliseconds(1500), waitMode: PerAddressPriorityWaitMode.Always);
        Universe u = h.PatchInput(0, 1, MergeMode.Htp);
        h.Send(s_a, 1, 100, [10]);
        Assert.Empty(u.GetMergedCopy());

        // 0xDD arrives: the held levels go out at once with it.
        h.Send(s_a, 1, 100, [100], startCode: 0xDD);
        Assert.Equal(new byte[] { 10 }, u.GetMergedCopy());

        // A source without 0xDD is released by the timer after 1.5 s.
        h.Send(s_b, 1, 100, [77]);
        h.Advance(TimeSpan.FromMilliseconds(1400));
        Assert.Equal(new byte[] { 10 }, u.GetMergedCopy());
        h.Advance(TimeSpan.FromMilliseconds(150));
        Assert.Equal(new byte[] { 77 }, u.GetMergedCopy());
    }

    [Fact]
    public void Unpatch_RemovesSourcesAndLeavesGroup()
    {
        Universe u = _h.PatchInput(0, 3);
        _h.Send(s_a, 3, 100, [10]);
        Assert.Contains(3, _h.Node.Joined);
        Assert.True(_h.Devices.Unpatch(_h.Device.Inputs[0]));
        Assert.Equal(0, _h.Device.Inputs[0].SourceCount);
        Assert.Equal(0, u.SourceCount);
        Assert.DoesNotContain(3, _h.Node.Joined);
    }

    [Fact]
    public void Handle_RandomDatagrams_NeverThrowAndCountMalformed()
    {
        _h.PatchInput(0, 1);
        var random = new Random(7);
        var buffer = new byte[700];
        for (int i = 0; i < 5000; i++)
        {
            int n = random.Next(buffer.Length);
            random.NextBytes(buffer.AsSpan(0, n));
            _h.Node.Handle(buffer.AsSpan(0, n), _h.Time.GetTimestamp());
        }

        Assert.Equal(5000, _h.Node.Counters.Read(SacnCounters.Malformed));
    }

    [Fact]
    public void Patch_UniverseOutOfRange_Refused()
    {
        Assert.False(_h.Devices.TryPatch(_h.Device.Inputs[0], 64000, out _));
        Assert.False(_h.Devices.TryPatch(_h.Device.Outputs[0], 0, out _));
    }

    [Fact]
    public void Receive_UpdatedHandlerTakesLockHeldByThreadAskingThePort_NoDeadlock()
    {
        Universe u = _h.PatchInput(0, 1);
        Assert.True(
            UpdatedHandlerProbe.HandlerGetsLockHeldByPortCaller(u, () => _h.Send(s_a, 1, 100, [1, 2, 3]), () => _ = _h.Device.Inputs[0].GetSenders()),
            "the Updated handler ran under the port's lock");
        Assert.Equal(new byte[] { 1, 2, 3 }, u.GetMergedCopy());
    }

    [Fact]
    public void Receive_ManyPortsPatched_PacketReachesItsUniversesPortOnly()
    {
        // 4,096 inputs, every 20th patched to universe index + 1; the packet for universe 4001 reaches port 4000 alone.
        using var h = new SacnTestHarness(inputPorts: 4096);
        for (int i = 0; i < 4096; i += 20)
        {
            h.PatchInput(i, i + 1);
        }

        h.Send(s_a, 4001, 100, [7, 8]);
        Assert.Equal(new byte[] { 7, 8 }, h.Universes.GetOrCreate(4001).GetMergedCopy());
        Assert.Equal(1, h.Device.Inputs[4000].SourceCount);
        Assert.Equal(1, h.Device.Inputs.Sum(p => p.SourceCount));

        // Moved to another universe: found there, and no longer at the old one.
        h.PatchInput(4000, 5000);
        h.Send(s_a, 4001, 100, [9]);
        Assert.Equal(1, h.Node.Counters.Read(SacnCounters.NotPatched));
        h.Send(s_a, 5000, 100, [9]);
        Assert.Equal(new byte[] { 9 }, h.Universes.GetOrCreate(5000).GetMergedCopy());

        // Unpatched: not found.
        Assert.True(h.Devices.Unpatch(h.Device.Inputs[4000]));
        h.Send(s_a, 5000, 100, [9]);
        Assert.Equal(2, h.Node.Counters.Read(SacnCounters.NotPatched));
    }
}
