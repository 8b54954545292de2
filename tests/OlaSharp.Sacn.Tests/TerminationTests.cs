// Licensed under the MIT License. See LICENSE in the repository root.
using OlaSharp.Core;
using OlaSharp.Sacn.Internal;
using OlaSharp.Sacn.Packets;

namespace OlaSharp.Sacn.Tests;

/// <summary>
/// E1.31-2018 §6.2.6: a sender's Stream_Terminated packets end its stream at once, so the universe hands
/// over to the remaining senders without waiting for the 2.5 s loss timeout (olad does). Fake clock; the
/// senders are past the start-up 0xDD wait, as a console and a backup on a show network would be.
/// </summary>
public sealed class TerminationTests : IDisposable
{
    private static readonly UInt128 s_low = new(0x10, 1);
    private static readonly UInt128 s_high = new(0x20, 2);
    private readonly SacnTestHarness _h = new(ddWait: TimeSpan.FromMilliseconds(1500));

    public void Dispose() => _h.Dispose();

    // Both senders stream at 44 Hz-ish for 2 s, so both are well past the start-up wait.
    private Universe TwoLiveSenders(MergeMode mode)
    {
        Universe u = _h.PatchInput(0, 1, mode);
        for (int i = 0; i < 40; i++)
        {
            _h.Send(s_low, 1, 100, [1, 2, 3]);
            _h.Send(s_high, 1, 150, [200, 201, 202]);
            _h.Advance(TimeSpan.FromMilliseconds(50));
        }

        Assert.Equal(new byte[] { 200, 201, 202 }, u.GetMergedCopy());
        Assert.Equal(150, u.ActivePriority);
        return u;
    }

    private void TerminateHigh()
    {
        // E1.31 §6.2.6: three packets with Stream_Terminated (they carry the last levels).
        for (int i = 0; i < 3; i++)
        {
            _h.Send(s_high, 1, 150, [200, 201, 202], options: SacnFramingOptions.StreamTerminated);
        }
    }

    [Theory]
    [InlineData(MergeMode.Htp)]
    [InlineData(MergeMode.Ltp)]
    public void Terminate_ThenLowSends_UniverseShowsLowAtOnce(MergeMode mode)
    {
        Universe u = TwoLiveSenders(mode);
        TerminateHigh();
        _h.Send(s_low, 1, 100, [11, 22, 33]);

        // No time advance: the low sender's packet is on the universe at once.
        Assert.Equal(new byte[] { 11, 22, 33 }, u.GetMergedCopy());
        Assert.Equal(100, u.ActivePriority);
        Assert.Equal(1, _h.Node.Counters.Read(SacnCounters.Terminated));
        Assert.Equal(0, _h.Node.Counters.Read(SacnCounters.SourcesLost));
        Assert.Equal(1, _h.Device.Inputs[0].SourceCount);
    }

    [Fact]
    public void Terminate_LowWasLostMeanwhile_LowsNextPacketShowsAtOnce()
    {
        // The reproduction: low sent, high streamed past the start-up wait, low said nothing for over
        // 2.5 s (lost: source_lost 1), high terminated (terminated 1), then low sent [11,22,33]. olad shows it
        // at once; olasharpd took low as a new sender and held it 1.5 s for a 0xDD packet that never comes,
        // so high's levels stayed ~2.5 s after high's last data packet. No sender here uses 0xDD.
        Universe u = _h.PatchInput(0, 1);
        _h.Send(s_low, 1, 100, [1, 2, 3]);
        for (int i = 0; i < 60; i++)
        {
            _h.Send(s_high, 1, 150, [200, 201, 202]);
            _h.Advance(TimeSpan.FromMilliseconds(50));
        }

        Assert.Equal(1, _h.Node.Counters.Read(SacnCounters.SourcesLost));
        Assert.Equal(new byte[] { 200, 201, 202 }, u.GetMergedCopy());
        TerminateHigh();
        _h.Send(s_low, 1, 100, [11, 22, 33]);

        Assert.Equal(1, _h.Node.Counters.Read(SacnCounters.Terminated));
        Assert.Equal(new byte[] { 11, 22, 33 }, u.GetMergedCopy());
        Assert.Equal(100, u.ActivePriority);
    }

    [Fact]
    public void Terminate_LowSilentAfterwards_UniverseReMergesToLowsLastLevelsAtOnce()
    {
        Universe u = _h.PatchInput(0, 1);
        for (int i = 0; i < 40; i++)
        {
            _h.Send(s_low, 1, 100, [11, 22, 33]);
            _h.Send(s_high, 1, 150, [200, 201, 202]);
            _h.Advance(TimeSpan.FromMilliseconds(50));
        }

        Assert.Equal(new byte[] { 200, 201, 202 }, u.GetMergedCopy());
        TerminateHigh();

        // No further packet from low, no time advance: low's last levels are back at once.
        Assert.Equal(new byte[] { 11, 22, 33 }, u.GetMergedCopy());
        Assert.Equal(100, u.ActivePriority);
    }

    [Fact]
    public void Terminate_StaleDataFromTerminatedSenderArrivesAfter_DroppedByItsSequence()
    {
        // A data packet high sent before its terminate packets but delivered after them (another sending
        // thread, a reordering switch) is older than the termination: E1.31-2018 §6.7.2 drops it. Before,
        // the terminated CID was forgotten with its sequence, so the stale packet started a "new" sender at
        // 150 that held the universe until it was lost 2.5 s later (terminated 1, source_lost 1).
        Universe u = TwoLiveSenders(MergeMode.Htp);
        TerminateHigh();
        _h.Send(s_high, 1, 150, [200, 201, 202], sequence: 40); // a copy of its last data packet (40); the terminates were 41..43
        _h.Send(s_low, 1, 100, [11, 22, 33]);

        Assert.Equal(new byte[] { 11, 22, 33 }, u.GetMergedCopy());
        Assert.Equal(1, _h.Device.Inputs[0].SourceCount);
        Assert.Equal(1, _h.Node.Counters.Read(SacnCounters.OutOfSequence));

        // Low streams on; no ghost of high comes back or is lost later.
        for (int i = 0; i < 60; i++)
        {
            _h.Advance(TimeSpan.FromMilliseconds(50));
            _h.Send(s_low, 1, 100, [11, 22, 33]);
        }

        Assert.Equal(new byte[] { 11, 22, 33 }, u.GetMergedCopy());
        Assert.Equal(0, _h.Node.Counters.Read(SacnCounters.SourcesLost));
    }

    [Fact]
    public void Terminate_ThenSameCidReturns_StartsAfresh()
    {
        Universe u = TwoLiveSenders(MergeMode.Htp);
        TerminateHigh();
        Assert.Equal(new byte[] { 1, 2, 3 }, u.GetMergedCopy());

        // The terminated sender restarts (new sequence range): it is a new stream, taken again.
        _h.Send(s_high, 1, 150, [90, 91, 92], sequence: 200);
        _h.Advance(TimeSpan.FromMilliseconds(1600));
        _h.Send(s_high, 1, 150, [90, 91, 92], sequence: 201);
        Assert.Equal(new byte[] { 90, 91, 92 }, u.GetMergedCopy());
    }
}
