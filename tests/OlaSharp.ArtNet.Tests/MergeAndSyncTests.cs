// Licensed under the MIT License. See LICENSE in the repository root.
using Microsoft.Extensions.Time.Testing;
using OlaSharp.ArtNet.Internal;

namespace OlaSharp.ArtNet.Tests;

public sealed class MergeAndSyncTests
{
    private const uint A = 0xc6120001;
    private const uint B = 0xc6120002;
    private const uint C = 0xc6120003;
    private readonly FakeTimeProvider _time = new();

    private ArtNetMerger NewMerger(ArtNetMergeMode mode = ArtNetMergeMode.Htp) =>
        new(TimeSpan.FromSeconds(10), _time.TimestampFrequency) { Mode = mode };

    private long Now => _time.GetTimestamp();

    [Fact]
    public void Accept_OneSource_CopiesFrame()
    {
        ArtNetMerger m = NewMerger();
        Assert.Equal(MergeOutcome.Accepted, m.Accept(A, 1, [10, 20, 30], Now));
        Assert.Equal(new byte[] { 10, 20, 30 }, m.Merged.ToArray());
        Assert.False(m.IsMerging);
    }

    [Fact]
    public void Accept_TwoSourcesHtp_PerSlotMaximumLongestLength()
    {
        ArtNetMerger m = NewMerger();
        m.Accept(A, 0, [100, 0, 50], Now);
        m.Accept(B, 0, [0, 200], Now);
        Assert.True(m.IsMerging);
        Assert.Equal(new byte[] { 100, 200, 50 }, m.Merged.ToArray());
    }

    [Theory]
    [InlineData(512, 512)]
    [InlineData(512, 301)]
    [InlineData(77, 490)]
    public void Accept_TwoSourcesHtpLongFrames_MatchesScalarMaximum(int lengthA, int lengthB)
    {
        var random = new Random(lengthA + lengthB);
        var a = new byte[lengthA];
        var b = new byte[lengthB];
        random.NextBytes(a);
        random.NextBytes(b);
        ArtNetMerger m = NewMerger();
        m.Accept(A, 0, a, Now);
        m.Accept(B, 0, b, Now);
        byte[] expected = Enumerable.Range(0, Math.Max(lengthA, lengthB))
            .Select(i => Math.Max(i < lengthA ? a[i] : (byte)0, i < lengthB ? b[i] : (byte)0))
            .ToArray();
        Assert.Equal(expected, m.Merged.ToArray());
    }

    [Fact]
    public void Accept_TwoSourcesLtp_NewestWholeFrame()
    {
        ArtNetMerger m = NewMerger(ArtNetMergeMode.Ltp);
        m.Accept(A, 0, [100, 0, 50], Now);
        m.Accept(B, 0, [0, 200], Now);
        Assert.Equal(new byte[] { 0, 200 }, m.Merged.ToArray());
        m.Accept(A, 0, [1, 2, 3, 4], Now);
        Assert.Equal(new byte[] { 1, 2, 3, 4 }, m.Merged.ToArray());
    }

    [Fact]
    public void Accept_ThirdSource_Ignored()
    {
        ArtNetMerger m = NewMerger();
        m.Accept(A, 0, [1, 1], Now);
        m.Accept(B, 0, [2, 2], Now);
        Assert.Equal(MergeOutcome.ThirdSourceIgnored, m.Accept(C, 0, [255, 255], Now));
        Assert.Equal(new byte[] { 2, 2 }, m.Merged.ToArray());
        Assert.Equal(1, m.ThirdSourceDropped);
    }

    [Fact]
    public void Expire_After10s_SilentSourceDropsAndFrameRemerged()
    {
        ArtNetMerger m = NewMerger();
        m.Accept(A, 0, [100, 0], Now);
        _time.Advance(TimeSpan.FromSeconds(6));
        m.Accept(B, 0, [0, 50], Now);
        Assert.Equal(new byte[] { 100, 50 }, m.Merged.ToArray());

        _time.Advance(TimeSpan.FromSeconds(3.9));
        Assert.False(m.Expire(Now));
        _time.Advance(TimeSpan.FromSeconds(0.2));
        Assert.True(m.Expire(Now)); // timer-driven: no packet needed
        Assert.Equal(new byte[] { 0, 50 }, m.Merged.ToArray());
        Assert.False(m.IsMerging);

        // The freed slot takes a new source.
        Assert.Equal(MergeOutcome.Accepted, m.Accept(C, 0, [7, 7], Now));
        Assert.Equal(new byte[] { 7, 50 }, m.Merged.ToArray());
    }

    [Fact]
    public void Accept_LateAndDuplicateSequence_Dropped()
    {
        ArtNetMerger m = NewMerger();
        m.Accept(A, 10, [1, 1], Now);
        Assert.Equal(MergeOutcome.LateSequence, m.Accept(A, 9, [2, 2], Now));
        Assert.Equal(MergeOutcome.LateSequence, m.Accept(A, 10, [2, 2], Now));
        Assert.Equal(new byte[] { 1, 1 }, m.Merged.ToArray());
        Assert.Equal(MergeOutcome.Accepted, m.Accept(A, 11, [3, 3], Now));
        Assert.Equal(2, m.LateDropped);
    }

    [Fact]
    public void Accept_SequenceWrapAndRestart_Accepted()
    {
        ArtNetMerger m = NewMerger();
        m.Accept(A, 255, [1, 1], Now);
        Assert.Equal(MergeOutcome.Accepted, m.Accept(A, 1, [2, 2], Now)); // 255 -> 1
        m.Accept(A, 200, [3, 3], Now);
        Assert.Equal(MergeOutcome.Accepted, m.Accept(A, 100, [4, 4], Now)); // a restart, far behind
    }

    [Fact]
    public void Accept_SequenceZero_CheckDisabled()
    {
        ArtNetMerger m = NewMerger();
        m.Accept(A, 0, [1, 1], Now);
        Assert.Equal(MergeOutcome.Accepted, m.Accept(A, 0, [2, 2], Now));
        m.Accept(A, 50, [3, 3], Now);
        Assert.Equal(MergeOutcome.Accepted, m.Accept(A, 0, [4, 4], Now));
    }

    [Fact]
    public void Sync_HoldsUntilRevertAfter4s()
    {
        var s = new ArtSyncState(_time.TimestampFrequency);
        Assert.False(s.IsSynchronous(Now));
        s.OnDmx(A);
        Assert.True(s.OnSync(A, Now));
        Assert.True(s.IsSynchronous(Now));
        _time.Advance(TimeSpan.FromSeconds(3.9));
        Assert.True(s.IsSynchronous(Now));
        Assert.False(s.CheckRevert(Now));
        _time.Advance(TimeSpan.FromSeconds(0.2));
        Assert.False(s.IsSynchronous(Now));
        Assert.True(s.CheckRevert(Now));
        Assert.False(s.CheckRevert(Now));
    }

    [Fact]
    public void Sync_FromOtherIpThanLastDmx_Ignored()
    {
        var s = new ArtSyncState(_time.TimestampFrequency);
        s.OnDmx(A);
        Assert.False(s.OnSync(B, Now));
        Assert.False(s.IsSynchronous(Now));
    }

    [Theory]
    [InlineData(UniverseMapping.Ola, 0, 0, 1, 0x001)]
    [InlineData(UniverseMapping.Ola, 0, 0, 17, 0x001)]
    [InlineData(UniverseMapping.Ola, 5, 3, 2, 0x532)]
    [InlineData(UniverseMapping.Direct, 0, 0, 17, 0x011)]
    [InlineData(UniverseMapping.Direct, 1, 0, 300, 0x22c)]
    [InlineData(UniverseMapping.Direct, 0, 0, 32767, 0x7fff)]
    public void PortAddress_Mapping(UniverseMapping mapping, int net, int subnet, int universe, int expected)
    {
        var o = new ArtNetOptions { Mapping = mapping, Net = net, Subnet = subnet };
        Assert.Equal(expected, o.PortAddress(universe));
    }
}
