// Licensed under the MIT License. See LICENSE in the repository root.
using OlaSharp.Core;
using OlaSharp.Sacn.Internal;
using OlaSharp.Sacn.Packets;

namespace OlaSharp.Sacn.Tests;

/// <summary>Universe synchronisation on receive (E1.31-2018 §6.2.4, §11), on a fake clock.</summary>
public sealed class SyncTests : IDisposable
{
    private static readonly UInt128 s_a = new(0xA, 1);
    private static readonly UInt128 s_b = new(0xB, 2);
    private readonly SacnTestHarness _h = new();

    public void Dispose() => _h.Dispose();

    [Fact]
    public void Data_WithSyncAddress_HeldUntilMatchingSync()
    {
        Universe u = _h.PatchInput(0, 1);
        _h.Send(s_a, 1, 100, [1, 2], syncAddress: 7000);
        Assert.Empty(u.GetMergedCopy());

        _h.SendSync(s_a, 7001);
        _h.SendSync(s_b, 7000);
        Assert.Empty(u.GetMergedCopy());

        _h.SendSync(s_a, 7000);
        Assert.Equal(new byte[] { 1, 2 }, u.GetMergedCopy());
        Assert.Equal(3, _h.Node.Counters.Read(SacnCounters.SyncReceived));
    }

    [Fact]
    public void Data_WithoutSyncAddress_DiscardsWaitingData()
    {
        Universe u = _h.PatchInput(0, 1);
        _h.Send(s_a, 1, 100, [1], syncAddress: 7000);
        _h.Send(s_a, 1, 100, [2]);
        Assert.Equal(new byte[] { 2 }, u.GetMergedCopy());
        _h.SendSync(s_a, 7000);
        Assert.Equal(new byte[] { 2 }, u.GetMergedCopy());
    }

    [Fact]
    public void SyncLost_WithoutForce_ReleasedByTimerThenActedOnAtOnce()
    {
        Universe u = _h.PatchInput(0, 1);
        for (int i = 0; i < 5; i++)
        {
            _h.Send(s_a, 1, 100, [(byte)(10 + i)], syncAddress: 7000);
            _h.Advance(TimeSpan.FromMilliseconds(490));
        }

        Assert.Empty(u.GetMergedCopy());
        _h.Advance(TimeSpan.FromMilliseconds(100));

        // 2.55 s without a sync: the waiting data is released by the timer, and new data goes straight through.
        Assert.Equal(new byte[] { 14 }, u.GetMergedCopy());
        _h.Send(s_a, 1, 100, [20], syncAddress: 7000);
        Assert.Equal(new byte[] { 20 }, u.GetMergedCopy());

        // Sync returns: data waits for it again.
        _h.SendSync(s_a, 7000);
        _h.Send(s_a, 1, 100, [21], syncAddress: 7000);
        Assert.Equal(new byte[] { 20 }, u.GetMergedCopy());
        _h.SendSync(s_a, 7000);
        Assert.Equal(new byte[] { 21 }, u.GetMergedCopy());
    }

    [Fact]
    public void SyncLost_WithForceSynchronization_KeepsHolding()
    {
        Universe u = _h.PatchInput(0, 1);
        for (int i = 0; i < 8; i++)
        {
            _h.Send(s_a, 1, 100, [(byte)(10 + i)], options: SacnFramingOptions.ForceSynchronization, syncAddress: 7000);
            _h.Advance(TimeSpan.FromMilliseconds(490));
        }

        Assert.Empty(u.GetMergedCopy());
        _h.SendSync(s_a, 7000);
        Assert.Equal(new byte[] { 17 }, u.GetMergedCopy());
    }

    [Fact]
    public void SyncSequence_DuplicateOrLate_DroppedLikeData()
    {
        Universe u = _h.PatchInput(0, 1);
        _h.Send(s_a, 1, 100, [1], syncAddress: 7000);
        _h.SendSync(s_a, 7000, sequence: 5);
        Assert.Equal(new byte[] { 1 }, u.GetMergedCopy());

        // A repeated sync (0) and a late one (-11) release nothing.
        _h.Send(s_a, 1, 100, [2], syncAddress: 7000);
        _h.SendSync(s_a, 7000, sequence: 5);
        _h.SendSync(s_a, 7000, sequence: 250);
        Assert.Equal(new byte[] { 1 }, u.GetMergedCopy());
        Assert.Equal(2, _h.Node.Counters.Read(SacnCounters.SyncOutOfSequence));

        _h.SendSync(s_a, 7000, sequence: 6);
        Assert.Equal(new byte[] { 2 }, u.GetMergedCopy());
    }

    [Theory]
    [InlineData(10, 10, false)]
    [InlineData(10, 247, false)] // -19
    [InlineData(10, 246, true)] // -20: a restarted sender
    [InlineData(255, 0, true)] // wrap
    public void SyncSequence_Window(byte first, byte second, bool accepted)
    {
        Universe u = _h.PatchInput(0, 1);
        _h.Send(s_a, 1, 100, [1], syncAddress: 7000);
        _h.SendSync(s_a, 7000, sequence: first);
        _h.Send(s_a, 1, 100, [2], syncAddress: 7000);
        _h.SendSync(s_a, 7000, sequence: second);
        Assert.Equal(accepted ? 2 : 1, u.GetMergedCopy()[0]);
    }

    [Fact]
    public void SyncSequence_PerSenderAndAddress_AndRestartsAfterSilence()
    {
        Universe u = _h.PatchInput(0, 1);
        _h.SendSync(s_a, 7000, sequence: 5);
        _h.SendSync(s_a, 7001, sequence: 5);
        _h.SendSync(s_b, 7000, sequence: 5);
        Assert.Equal(0, _h.Node.Counters.Read(SacnCounters.SyncOutOfSequence));

        // 2.5 s without a sync from A on 7000: its next sync starts a new stream, whatever its number.
        _h.Advance(TimeSpan.FromMilliseconds(2600));
        _h.Send(s_a, 1, 100, [9], syncAddress: 7000);
        _h.SendSync(s_a, 7000, sequence: 5);
        Assert.Equal(0, _h.Node.Counters.Read(SacnCounters.SyncOutOfSequence));
        Assert.Equal(new byte[] { 9 }, u.GetMergedCopy());
    }
}
