// Licensed under the MIT License. See LICENSE in the repository root.
using System.Net;
using OlaSharp.Core;
using OlaSharp.Core.Conf;
using OlaSharp.Sacn.Packets;

namespace OlaSharp.Sacn.Tests;

/// <summary>
/// ETC's start-up rule (a new sender's levels wait up to 1.5 s for its first 0xDD packet) applies where it
/// protects something: an input universe where some sender uses 0xDD now or did in the last minute, or
/// everywhere with <c>per_address_priority_wait = always</c>. A lone console that never sends 0xDD (QLC+)
/// reached the line 1.51-1.54 s after its first packet on every start; now at once. Fake clock throughout.
/// </summary>
public sealed class StartupWaitTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromMilliseconds(1500);
    private static readonly UInt128 s_a = new(0xA, 1);
    private static readonly UInt128 s_b = new(0xB, 2);
    private static readonly UInt128 s_c = new(0xC, 3);

    [Fact]
    public void Auto_LoneConsoleWithout0xDD_FirstPacketOnUniverseAtOnce()
    {
        using var h = new SacnTestHarness(ddWait: s_wait);
        Universe u = h.PatchInput(0, 1);
        h.Send(s_a, 1, 100, [10, 20, 30]);

        // No time advance: the first packet is on the universe.
        Assert.Equal(new byte[] { 10, 20, 30 }, u.GetMergedCopy());
        Assert.Equal(100, u.ActivePriority);
    }

    [Fact]
    public void Auto_PlainSenderJoinsWhilePlainSenderLive_TakenAtOnce()
    {
        using var h = new SacnTestHarness(ddWait: s_wait);
        Universe u = h.PatchInput(0, 1);
        h.Send(s_a, 1, 100, [10, 0]);
        h.Advance(TimeSpan.FromSeconds(2));
        h.Send(s_a, 1, 100, [10, 0]);
        h.Send(s_b, 1, 100, [0, 90]);
        Assert.Equal(new byte[] { 10, 90 }, u.GetMergedCopy());
    }

    [Fact]
    public void Auto_PlainSenderJoinsUniverseWhereAnotherUses0xDD_Waits()
    {
        using var h = new SacnTestHarness(ddWait: s_wait);
        Universe u = h.PatchInput(0, 1);

        // A uses 0xDD: it owns slot 1 at 150 and does not source slot 2 (so the frame ends after slot 1).
        h.Send(s_a, 1, 100, [150, 0], startCode: 0xDD);
        h.Send(s_a, 1, 100, [10, 0]);
        Assert.Equal(new byte[] { 10 }, u.GetMergedCopy());

        // B joins without 0xDD: its levels wait (ETC), so they never flash at priority 100 over A's slot.
        h.Send(s_b, 1, 100, [99, 77]);
        Assert.Equal(new byte[] { 10 }, u.GetMergedCopy());
        h.Advance(TimeSpan.FromMilliseconds(1000));
        h.Send(s_a, 1, 100, [10, 0]);
        h.Send(s_a, 1, 100, [150, 0], startCode: 0xDD);
        h.Send(s_b, 1, 100, [99, 77]);
        Assert.Equal(new byte[] { 10 }, u.GetMergedCopy());

        // After 1.5 s without a 0xDD from B, B counts at its packet priority on the slots A does not source.
        h.Advance(TimeSpan.FromMilliseconds(550));
        Assert.Equal(new byte[] { 10, 77 }, u.GetMergedCopy());
    }

    [Fact]
    public void Auto_0xDDSenderJoinsWhilePlainSenderLive_PerSlotFromIts0xDDOn()
    {
        using var h = new SacnTestHarness(ddWait: s_wait);
        Universe u = h.PatchInput(0, 1);
        h.Send(s_a, 1, 100, [10, 20]);

        // B (0xDD first, as ETC consoles send it) owns slot 2 only: A keeps slot 1 at once.
        h.Send(s_b, 1, 100, [0, 200], startCode: 0xDD);
        h.Send(s_b, 1, 100, [0, 255]);
        Assert.Equal(new byte[] { 10, 255 }, u.GetMergedCopy());

        // From now on the universe has 0xDD: a third sender without it waits.
        h.Send(s_c, 1, 100, [99, 99]);
        Assert.Equal(new byte[] { 10, 255 }, u.GetMergedCopy());
    }

    [Fact]
    public void Auto_0xDDSenderWentAway_NewSendersWaitForAMinuteThenNot()
    {
        using var h = new SacnTestHarness(ddWait: s_wait);
        Universe u = h.PatchInput(0, 1);
        h.Send(s_a, 1, 100, [100, 100], startCode: 0xDD);
        h.Send(s_a, 1, 100, [1, 2]);
        h.Send(s_a, 1, 100, [1, 2], options: SacnFramingOptions.StreamTerminated);

        // 10 s later (a console restarting): a new sender still waits.
        h.Advance(TimeSpan.FromSeconds(10));
        h.Send(s_b, 1, 100, [5, 6]);
        Assert.Equal(new byte[] { 1, 2 }, u.GetMergedCopy());
        h.Advance(TimeSpan.FromMilliseconds(1550));
        Assert.Equal(new byte[] { 5, 6 }, u.GetMergedCopy());
        h.Send(s_b, 1, 100, [5, 6], options: SacnFramingOptions.StreamTerminated);

        // A minute after the last 0xDD packet, a new sender counts at once.
        h.Advance(TimeSpan.FromSeconds(60));
        h.Send(s_c, 1, 100, [7, 8]);
        Assert.Equal(new byte[] { 7, 8 }, u.GetMergedCopy());
    }

    [Fact]
    public void Always_LoneConsole_WaitsForItsFirst0xDDUpTo1500ms()
    {
        using var h = new SacnTestHarness(ddWait: s_wait, waitMode: PerAddressPriorityWaitMode.Always);
        Universe u = h.PatchInput(0, 1);
        h.Send(s_a, 1, 100, [10]);
        Assert.Empty(u.GetMergedCopy());
        h.Advance(TimeSpan.FromMilliseconds(1400));
        Assert.Empty(u.GetMergedCopy());
        h.Advance(TimeSpan.FromMilliseconds(150));
        Assert.Equal(new byte[] { 10 }, u.GetMergedCopy());
    }

    [Fact]
    public void Never_PlainSenderJoinsUniverseWith0xDD_TakenAtOnce()
    {
        using var h = new SacnTestHarness(ddWait: s_wait, waitMode: PerAddressPriorityWaitMode.Never);
        Universe u = h.PatchInput(0, 1);
        h.Send(s_a, 1, 100, [150, 0], startCode: 0xDD);
        h.Send(s_a, 1, 100, [10, 0]);
        h.Send(s_b, 1, 100, [99, 77]);
        Assert.Equal(new byte[] { 10, 77 }, u.GetMergedCopy());
    }

    [Fact]
    public void Repatch_Forgets0xDDHistory()
    {
        using var h = new SacnTestHarness(ddWait: s_wait);
        h.PatchInput(0, 1);
        h.Send(s_a, 1, 100, [100], startCode: 0xDD);
        Assert.True(h.Devices.Unpatch(h.Device.Inputs[0]));
        Universe u = h.PatchInput(0, 2);
        h.Send(s_b, 2, 100, [42]);
        Assert.Equal(new byte[] { 42 }, u.GetMergedCopy());
    }

    [Theory]
    [InlineData("auto", PerAddressPriorityWaitMode.Auto)]
    [InlineData("always", PerAddressPriorityWaitMode.Always)]
    [InlineData("never", PerAddressPriorityWaitMode.Never)]
    public void Conf_PerAddressPriorityWait_Read(string value, PerAddressPriorityWaitMode expected)
    {
        ConfFile conf = ConfFile.Parse($"per_address_priority_wait = {value}\n");
        Assert.False(SacnPlugin.ApplyDefaults(conf) && conf.Get("per_address_priority_wait") != value);
        SacnOptions o = SacnPlugin.OptionsFrom(conf, IPAddress.Parse("198.18.0.1"), "host", "OLA Server");
        Assert.Equal(expected, o.PerAddressPriorityWaitMode);
    }

    [Fact]
    public void Conf_PerAddressPriorityWait_MissingOrBad_Auto()
    {
        var empty = new ConfFile();
        Assert.True(SacnPlugin.ApplyDefaults(empty));
        Assert.Equal("auto", empty.Get("per_address_priority_wait"));

        ConfFile bad = ConfFile.Parse("per_address_priority_wait = sometimes\n");
        Assert.True(SacnPlugin.ApplyDefaults(bad));
        Assert.Equal("auto", bad.Get("per_address_priority_wait"));
        Assert.Equal(PerAddressPriorityWaitMode.Auto, SacnPlugin.OptionsFrom(bad, IPAddress.Parse("198.18.0.1"), "host", "OLA Server").PerAddressPriorityWaitMode);
    }
}
