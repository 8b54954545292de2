// Licensed under the MIT License. See LICENSE in the repository root.
using Microsoft.Extensions.Time.Testing;

namespace OlaSharp.Standby.Tests;

/// <summary>The rules without sockets: heartbeats, ticks and switch-overs on a fake clock.</summary>
public class StateMachineTests
{
    private static readonly UInt128 s_low = 1;
    private static readonly UInt128 s_high = 2;
    private readonly FakeTimeProvider _time = new();

    private long Now => _time.GetTimestamp();

    [Fact]
    public void Starting_NothingHeard_ActiveOnlyAfterTakeover()
    {
        StandbyStateMachine m = Create();
        Assert.False(m.OutputsOpen);
        Advance(m, 490, partner: null);
        Assert.Equal(AnnouncedRole.Starting, m.Role);
        Advance(m, 20, partner: null);
        Assert.Equal(AnnouncedRole.Active, m.Role);
        Assert.True(m.OutputsOpen);
        Assert.Equal(1u, m.Term);
        Assert.Contains("no partner heard", m.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Starting_HearsActivePartner_StandbyAndStaysSo()
    {
        StandbyStateMachine m = Create();
        RoleChange? change = m.OnHeartbeat(Beat(AnnouncedRole.Active, term: 5), Now);
        Assert.Equal(AnnouncedRole.Standby, change?.To);

        // The restarted former active: ten seconds of the partner's heartbeats, no role change (no flapping).
        Advance(m, 10_000, Beat(AnnouncedRole.Active, term: 5));
        Assert.Equal(AnnouncedRole.Standby, m.Role);
        Assert.Equal(1, m.Transitions);
    }

    [Theory]
    [InlineData(ConfRole.Primary, ConfRole.Backup, 2, true)]
    [InlineData(ConfRole.Backup, ConfRole.Primary, 1, false)]
    [InlineData(ConfRole.Primary, ConfRole.Primary, 2, true)]
    [InlineData(ConfRole.Primary, ConfRole.Primary, 0, false)]
    public void Starting_BothStarting_PrimaryThenLowerCidWins(ConfRole mine, ConfRole theirs, int partnerCid, bool wins)
    {
        StandbyStateMachine m = Create(mine, cid: s_low);
        m.OnHeartbeat(Beat(AnnouncedRole.Starting, confRole: theirs, cid: (UInt128)partnerCid), Now);
        Assert.Equal(wins ? AnnouncedRole.Active : AnnouncedRole.Standby, m.Role);
    }

    [Fact]
    public void Starting_PartnerStandby_TakesOver()
    {
        StandbyStateMachine m = Create(ConfRole.Backup);
        m.OnHeartbeat(Beat(AnnouncedRole.Standby, term: 3), Now);
        Assert.Equal(AnnouncedRole.Active, m.Role);
        Assert.Equal(4u, m.Term);
    }

    [Fact]
    public void Standby_PartnerSilent_TakesOverAfterTakeoverWithMeasuredSilence()
    {
        StandbyStateMachine m = Create(ConfRole.Backup);
        m.OnHeartbeat(Beat(AnnouncedRole.Active, term: 9), Now);
        Advance(m, 1000, Beat(AnnouncedRole.Active, term: 9));

        // The partner dies: silent for 480 ms stays standby, 500 ms takes over.
        Advance(m, 480, partner: null);
        Assert.Equal(AnnouncedRole.Standby, m.Role);
        Advance(m, 30, partner: null);
        Assert.Equal(AnnouncedRole.Active, m.Role);
        Assert.Equal(10u, m.Term);
        Assert.Matches("silent for 5[0-1][0-9] ms", m.Reason);
    }

    [Fact]
    public void Active_BothActive_HigherTermKeeps()
    {
        StandbyStateMachine m = Create(ConfRole.Primary);
        Advance(m, 600, partner: null);
        Assert.Equal(1u, m.Term);

        // The partition heals: the partner (backup) took over with term 2 meanwhile; it keeps the outputs.
        RoleChange? change = m.OnHeartbeat(Beat(AnnouncedRole.Active, term: 2, confRole: ConfRole.Backup), Now);
        Assert.Equal(AnnouncedRole.Standby, change?.To);
        Assert.True(change?.Graceful);
    }

    [Fact]
    public void Active_BothActiveSameTerm_PrimaryKeeps()
    {
        StandbyStateMachine m = Create(ConfRole.Primary);
        Advance(m, 600, partner: null);
        Assert.Null(m.OnHeartbeat(Beat(AnnouncedRole.Active, term: 1, confRole: ConfRole.Backup), Now));
        Assert.Equal(AnnouncedRole.Active, m.Role);
    }

    [Fact]
    public void SwitchOver_ActiveWithStandbyPartner_YieldsThenStandbyWhenPartnerActive()
    {
        StandbyStateMachine m = ActiveWithStandbyPartner();
        Assert.True(m.TrySwitchOver(Now, out RoleChange? change, out string? error), error);
        Assert.Equal(AnnouncedRole.Yielding, change?.To);
        Assert.False(m.OutputsOpen);
        m.OnHeartbeat(Beat(AnnouncedRole.Active, term: 2), Now);
        Assert.Equal(AnnouncedRole.Standby, m.Role);
    }

    [Fact]
    public void SwitchOver_YieldNotTaken_BackToActive()
    {
        StandbyStateMachine m = ActiveWithStandbyPartner();
        Assert.True(m.TrySwitchOver(Now, out _, out _));

        // The wait for the partner counts from the release, not from the yield.
        Advance(m, 600, Beat(AnnouncedRole.Standby));
        Assert.Equal(AnnouncedRole.Yielding, m.Role);
        Assert.True(m.MarkReleased(Now));
        Assert.False(m.MarkReleased(Now));
        Advance(m, 520, Beat(AnnouncedRole.Standby));
        Assert.Equal(AnnouncedRole.Active, m.Role);
        Assert.Contains("did not take", m.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void SwitchOver_PartnerUnheard_Refused()
    {
        StandbyStateMachine m = ActiveWithStandbyPartner();
        Advance(m, 600, partner: null);
        Assert.False(m.TrySwitchOver(Now, out RoleChange? change, out string? error));
        Assert.Null(change);
        Assert.Contains("dark", error, StringComparison.Ordinal);
        Assert.Equal(AnnouncedRole.Active, m.Role);
    }

    [Fact]
    public void SwitchOver_Standby_TakesOverWithNextTerm()
    {
        StandbyStateMachine m = Create(ConfRole.Backup);
        m.OnHeartbeat(Beat(AnnouncedRole.Active, term: 4), Now);
        Assert.True(m.TrySwitchOver(Now, out RoleChange? change, out _));
        Assert.Equal(AnnouncedRole.Active, change?.To);
        Assert.Equal(5u, m.Term);

        // The old active sees the higher term and goes standby; this one keeps the outputs.
        Assert.Null(m.OnHeartbeat(Beat(AnnouncedRole.Active, term: 4), Now));
        Assert.Equal(AnnouncedRole.Active, m.Role);
    }

    [Fact]
    public void Standby_PartnerYields_TakesOverOnlyOnceItsOutputsReleased()
    {
        StandbyStateMachine m = Create(ConfRole.Primary);
        m.OnHeartbeat(Beat(AnnouncedRole.Active, term: 4, confRole: ConfRole.Backup), Now);

        // The bare yield: the partner's UART line may still be driven; stay closed.
        Assert.Null(m.OnHeartbeat(Beat(AnnouncedRole.Yielding, term: 4, confRole: ConfRole.Backup), Now));
        Assert.Equal(AnnouncedRole.Standby, m.Role);
        m.OnHeartbeat(Beat(AnnouncedRole.Yielding, term: 4, confRole: ConfRole.Backup) with { Flags = HeartbeatPacket.ReleasedFlag }, Now);
        Assert.Equal(AnnouncedRole.Active, m.Role);
        Assert.Equal(5u, m.Term);
    }

    [Fact]
    public void Starting_PartnerYieldsUnreleased_WaitsForTheRelease()
    {
        StandbyStateMachine m = Create(ConfRole.Primary);
        Assert.Null(m.OnHeartbeat(Beat(AnnouncedRole.Yielding, term: 2), Now));
        Assert.Equal(AnnouncedRole.Starting, m.Role);
        m.OnHeartbeat(Beat(AnnouncedRole.Yielding, term: 2) with { Flags = HeartbeatPacket.ReleasedFlag }, Now);
        Assert.Equal(AnnouncedRole.Active, m.Role);
    }

    [Fact]
    public void Failback_Auto_BackupYieldsAfterHealthyPrimaryStandby()
    {
        StandbyStateMachine m = Create(ConfRole.Backup, failback: true);
        Advance(m, 600, partner: null);
        Assert.Equal(AnnouncedRole.Active, m.Role);

        // The primary comes back as standby: 29 s of healthy heartbeats are not enough, 30 s are.
        Advance(m, 29_000, Beat(AnnouncedRole.Standby, confRole: ConfRole.Primary));
        Assert.Equal(AnnouncedRole.Active, m.Role);
        Advance(m, 1_100, Beat(AnnouncedRole.Standby, confRole: ConfRole.Primary));
        Assert.Equal(AnnouncedRole.Yielding, m.Role);
        Assert.Contains("failback", m.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Failback_Auto_GapInHeartbeatsRestartsTheWait()
    {
        StandbyStateMachine m = Create(ConfRole.Backup, failback: true);
        Advance(m, 600, partner: null);
        Advance(m, 20_000, Beat(AnnouncedRole.Standby, confRole: ConfRole.Primary));
        Advance(m, 300, partner: null);
        Advance(m, 20_000, Beat(AnnouncedRole.Standby, confRole: ConfRole.Primary));
        Assert.Equal(AnnouncedRole.Active, m.Role);
    }

    [Fact]
    public void Failback_Manual_BackupStaysActive()
    {
        StandbyStateMachine m = Create(ConfRole.Backup);
        Advance(m, 600, partner: null);
        Advance(m, 60_000, Beat(AnnouncedRole.Standby, confRole: ConfRole.Primary));
        Assert.Equal(AnnouncedRole.Active, m.Role);
        Assert.Equal(1, m.Transitions);
    }

    private StandbyStateMachine ActiveWithStandbyPartner()
    {
        StandbyStateMachine m = Create();
        Advance(m, 600, partner: null);
        m.OnHeartbeat(Beat(AnnouncedRole.Standby), Now);
        Assert.Equal(AnnouncedRole.Active, m.Role);
        return m;
    }

    private StandbyStateMachine Create(ConfRole role = ConfRole.Primary, UInt128? cid = null, bool failback = false) =>
        new(new StandbySettings
        {
            Enabled = true,
            Cid = cid ?? s_low,
            ConfRole = role,
            AutoFailback = failback,
            PartnerAddress = IPAddress.Loopback,
        }, Now, _time.TimestampFrequency);

    private static HeartbeatPacket Beat(AnnouncedRole role, uint term = 1, ConfRole confRole = ConfRole.Backup, UInt128? cid = null) =>
        new(role, confRole, term, 0, cid ?? s_high, 0);

    // Advances in 10 ms steps, the partner's heartbeat every 50 ms (none when null), a tick each step.
    private void Advance(StandbyStateMachine m, int milliseconds, HeartbeatPacket? partner)
    {
        for (int t = 10; t <= milliseconds; t += 10)
        {
            _time.Advance(TimeSpan.FromMilliseconds(10));
            if (partner is { } p && t % 50 == 0)
            {
                m.OnHeartbeat(p, Now);
            }

            m.OnTick(Now);
        }
    }
}
