// Licensed under the MIT License. See LICENSE in the repository root.
using OlaSharp.Sacn.Internal;
using OlaSharp.Sacn.Packets;

namespace OlaSharp.Sacn.Tests;

/// <summary>Universe discovery received from other sources (E1.31-2018 §8): tracked per CID, expired, exposed.</summary>
public sealed class DiscoveryTests : IDisposable
{
    private static readonly UInt128 s_desk = new(0xDE5C, 1);
    private static readonly UInt128 s_node = new(0x40DE, 2);
    private readonly SacnTestHarness _h = new();
    private readonly byte[] _buffer = new byte[SacnDiscoveryPacket.MaxLength];

    public void Dispose() => _h.Dispose();

    private void SendPage(UInt128 cid, string name, byte page, byte last, params ushort[] universes)
    {
        int n = SacnDiscoveryPacket.Write(_buffer, cid, System.Text.Encoding.UTF8.GetBytes(name), page, last, universes);
        _h.Node.Handle(_buffer.AsSpan(0, n), _h.Time.GetTimestamp());
    }

    [Fact]
    public void Pages_AssembledPerCid_WithNameAndCompleteness()
    {
        SendPage(s_desk, "desk", 0, 1, 1, 2, 3);
        SacnDiscoveredSource partial = Assert.Single(_h.Node.GetDiscoveredSources());
        Assert.False(partial.Complete);
        Assert.Equal([1, 2, 3], partial.Universes);

        SendPage(s_desk, "desk", 1, 1, 600);
        SendPage(s_node, "node", 0, 0, 7);
        IReadOnlyList<SacnDiscoveredSource> all = _h.Node.GetDiscoveredSources();
        Assert.Equal(2, all.Count);
        SacnDiscoveredSource desk = all[0];
        Assert.Equal(s_desk, desk.Cid);
        Assert.Equal("desk", desk.Name);
        Assert.True(desk.Complete);
        Assert.Equal([1, 2, 3, 600], desk.Universes);
        Assert.Equal(SacnRootLayer.FormatCid(s_desk), desk.CidText);
        Assert.Equal([7], all[1].Universes);
        Assert.Equal(3, _h.Node.Counters.Read(SacnCounters.DiscoveryReceived));
    }

    [Fact]
    public void NewAnnouncement_ReplacesList_AndRenames()
    {
        SendPage(s_desk, "desk", 0, 1, 1, 2);
        SendPage(s_desk, "desk", 1, 1, 3);

        // Now one page: the old second page is gone.
        SendPage(s_desk, "desk 2", 0, 0, 5);
        SacnDiscoveredSource desk = Assert.Single(_h.Node.GetDiscoveredSources());
        Assert.Equal([5], desk.Universes);
        Assert.Equal("desk 2", desk.Name);
    }

    [Fact]
    public void SilentSource_ForgottenAfter25s_ByTimer()
    {
        SendPage(s_desk, "desk", 0, 0, 1);
        _h.Advance(TimeSpan.FromSeconds(10));
        SendPage(s_node, "node", 0, 0, 2);
        _h.Advance(TimeSpan.FromSeconds(14.9));
        Assert.Equal(2, _h.Node.GetDiscoveredSources().Count);
        Assert.InRange(_h.Node.GetDiscoveredSources()[0].SinceLastSeen, TimeSpan.FromSeconds(24.8), TimeSpan.FromSeconds(25));

        _h.Advance(TimeSpan.FromSeconds(0.2));
        Assert.Equal("node", Assert.Single(_h.Node.GetDiscoveredSources()).Name);
        _h.Advance(TimeSpan.FromSeconds(10));
        Assert.Empty(_h.Node.GetDiscoveredSources());
    }

    [Fact]
    public void OwnDiscovery_NotTracked()
    {
        SendPage(SacnTestHarness.OurCid, "us", 0, 0, 1);
        Assert.Empty(_h.Node.GetDiscoveredSources());
        Assert.Equal(1, _h.Node.Counters.Read(SacnCounters.OwnPackets));
    }

    [Fact]
    public void Plugin_NotStarted_NoDiscoveredSourcesNorSenders()
    {
        var plugin = new SacnPlugin();
        Assert.Empty(plugin.GetDiscoveredSources());
        Assert.Empty(plugin.GetSenders(1));
    }
}
