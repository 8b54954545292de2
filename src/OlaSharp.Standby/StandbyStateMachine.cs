// Licensed under the MIT License. See LICENSE in the repository root.
using System.Globalization;

namespace OlaSharp.Standby;

/// <summary>One role change of the state machine, as the controller logs and applies it.</summary>
/// <param name="From">The role before.</param>
/// <param name="To">The role after.</param>
/// <param name="Reason">Why, one sentence for the user (with the silence measured on a take-over).</param>
/// <param name="Graceful">True when the node closes its outputs on purpose (sACN then sends stream-terminated packets).</param>
public readonly record struct RoleChange(AnnouncedRole From, AnnouncedRole To, string Reason, bool Graceful);

/// <summary>
/// The hot-standby rules, without sockets or threads: driven by heartbeats heard (<see cref="OnHeartbeat"/>),
/// the passing of time (<see cref="OnTick"/>) and the manual switch-over (<see cref="TrySwitchOver"/>), all with
/// timestamps of the controller's <see cref="TimeProvider"/>. Not thread-safe: the controller calls it under
/// its lock. Each call returns the role change it made, if any (at most one per call).
/// <list type="bullet">
/// <item>Starting (outputs closed) for <c>takeover_ms</c>: an active partner heard → Standby; a yielding one →
/// Active; a starting one → the election (primary, then the lower CID) decides; a standby one → Active; nothing
/// heard → Active.</item>
/// <item>Standby → Active when the partner has been silent for <c>takeover_ms</c>, when it yields, or when both
/// are standby and this one wins the election.</item>
/// <item>Both active → the higher term keeps it; a tie goes to the election; the other goes Standby.</item>
/// <item>A restarted node finds its partner active and stays standby (no flapping), unless <c>failback = auto</c>:
/// then the active backup yields to a primary that has been a healthy standby for <c>failback_after_s</c>.</item>
/// <item>Yielding (outputs closed) until the partner announces Active; back to Active if the partner goes silent
/// or does not take over within <c>takeover_ms</c> of the release. The partner opens only on a yield that carries
/// <see cref="HeartbeatPacket.ReleasedFlag"/> (this node's outputs have let go of their shared lines).</item>
/// </list>
/// </summary>
public sealed class StandbyStateMachine
{
    private readonly long _takeoverTicks;
    private readonly long _healthyGapTicks;
    private readonly long _failbackTicks;
    private readonly long _frequency;
    private readonly long _started;
    private long _partnerLastHeard = long.MinValue;
    private long _healthySince = long.MinValue;
    private long _yieldingSince;

    /// <summary>Creates the machine in <see cref="AnnouncedRole.Starting"/> at <paramref name="now"/>.</summary>
    public StandbyStateMachine(StandbySettings settings, long now, long timestampFrequency)
    {
        ArgumentNullException.ThrowIfNull(settings);
        Settings = settings;
        _frequency = timestampFrequency;
        _takeoverTicks = Ticks(settings.Takeover);
        _failbackTicks = Ticks(settings.FailbackAfter);
        // A partner is healthy while its heartbeats are no further apart than half the take-over time.
        _healthyGapTicks = _takeoverTicks / 2;
        _started = now;
        Since = now;
    }

    /// <summary>The rules' settings.</summary>
    public StandbySettings Settings { get; }

    /// <summary>This node's current role.</summary>
    public AnnouncedRole Role { get; private set; } = AnnouncedRole.Starting;

    /// <summary>The term: incremented (past any term heard) each time this node becomes active.</summary>
    public uint Term { get; private set; }

    /// <summary>When <see cref="Role"/> was entered.</summary>
    public long Since { get; private set; }

    /// <summary>Why this node is in <see cref="Role"/>.</summary>
    public string Reason { get; private set; } = "listening for the partner";

    /// <summary>Role changes so far.</summary>
    public long Transitions { get; private set; }

    /// <summary>
    /// While <see cref="AnnouncedRole.Yielding"/>: true once this node's outputs have let go of their shared lines
    /// (<see cref="MarkReleased"/>); its heartbeat then carries <see cref="HeartbeatPacket.ReleasedFlag"/>.
    /// </summary>
    public bool Released { get; private set; }

    /// <summary>
    /// While yielding: the outputs have let go (or the bounded wait ran out); the partner may open now. The wait
    /// for the partner to take over (<c>takeover_ms</c>) counts from here. False when not yielding or already released.
    /// </summary>
    public bool MarkReleased(long now)
    {
        if (Role != AnnouncedRole.Yielding || Released)
        {
            return false;
        }

        Released = true;
        _yieldingSince = now;
        return true;
    }

    /// <summary>True while this node drives its outputs.</summary>
    public bool OutputsOpen => Role == AnnouncedRole.Active;

    /// <summary>The partner's last heartbeat, or null.</summary>
    public HeartbeatPacket? Partner { get; private set; }

    /// <summary>When the partner was last heard (a timestamp), or <see cref="long.MinValue"/>.</summary>
    public long PartnerLastHeard => _partnerLastHeard;

    /// <summary>True when the partner was heard within the take-over time.</summary>
    public bool IsPartnerHeard(long now) => _partnerLastHeard != long.MinValue && now - _partnerLastHeard < _takeoverTicks;

    /// <summary>A heartbeat of the partner (the controller has checked it is the partner's).</summary>
    public RoleChange? OnHeartbeat(in HeartbeatPacket packet, long now)
    {
        if (_partnerLastHeard == long.MinValue || now - _partnerLastHeard > _healthyGapTicks || packet.Role != AnnouncedRole.Standby)
        {
            _healthySince = packet.Role == AnnouncedRole.Standby ? now : long.MinValue;
        }

        _partnerLastHeard = now;
        Partner = packet;
        switch (Role)
        {
            case AnnouncedRole.Starting:
                return packet.Role switch
                {
                    AnnouncedRole.Active => Become(AnnouncedRole.Standby, now, "the partner is active", graceful: false),
                    AnnouncedRole.Yielding => packet.Released ? BecomeActive(now, "the partner hands the outputs over") : null,
                    AnnouncedRole.Standby => BecomeActive(now, "the partner is standby and nobody is active"),
                    _ => WinsElection(packet)
                        ? BecomeActive(now, "both starting: this one is " + Preference())
                        : Become(AnnouncedRole.Standby, now, "both starting: the partner is " + PartnerPreference(packet), graceful: false),
                };

            case AnnouncedRole.Standby:
                if (packet.Role == AnnouncedRole.Yielding)
                {
                    // Only once the partner's outputs have let go of the shared line (its UART writers' driver-enable
                    // pins are down): opening on the bare yield could drive the RS-485 line together with it.
                    return packet.Released ? BecomeActive(now, "the partner hands the outputs over") : null;
                }

                if (packet.Role == AnnouncedRole.Standby && WinsElection(packet))
                {
                    return BecomeActive(now, "both standby: this one is " + Preference());
                }

                return null;

            case AnnouncedRole.Active:
                if (packet.Role == AnnouncedRole.Active && !KeepsActive(packet))
                {
                    return Become(AnnouncedRole.Standby, now, string.Create(CultureInfo.InvariantCulture,
                        $"both active: the partner keeps the outputs (term {packet.Term} against {Term}, {PartnerPreference(packet)})"), graceful: true);
                }

                return null;

            case AnnouncedRole.Yielding:
                if (packet.Role == AnnouncedRole.Active)
                {
                    return Become(AnnouncedRole.Standby, now, "handed the outputs over to the partner", graceful: false);
                }

                return null;

            default:
                return null;
        }
    }

    /// <summary>The passing of time: take-over on silence, the end of the start-up wait, failback.</summary>
    public RoleChange? OnTick(long now)
    {
        switch (Role)
        {
            case AnnouncedRole.Starting:
                if (now - _started >= _takeoverTicks && !IsPartnerHeard(now))
                {
                    return BecomeActive(now, string.Create(CultureInfo.InvariantCulture,
                        $"no partner heard within {Settings.Takeover.TotalMilliseconds:0} ms of start"));
                }

                return null;

            case AnnouncedRole.Standby:
                if (_partnerLastHeard == long.MinValue)
                {
                    return now - Since >= _takeoverTicks ? BecomeActive(now, "the partner was never heard") : null;
                }

                if (now - _partnerLastHeard >= _takeoverTicks)
                {
                    return BecomeActive(now, string.Create(CultureInfo.InvariantCulture,
                        $"the partner's heartbeat stopped: silent for {Millis(now - _partnerLastHeard):0} ms (take-over after {Settings.Takeover.TotalMilliseconds:0} ms)"));
                }

                return null;

            case AnnouncedRole.Active:
                if (Settings.AutoFailback && Settings.ConfRole == ConfRole.Backup && Partner is { ConfRole: ConfRole.Primary }
                    && _healthySince != long.MinValue && IsPartnerHeard(now) && now - _partnerLastHeard <= _healthyGapTicks
                    && now - _healthySince >= _failbackTicks)
                {
                    _yieldingSince = now;
                    return Become(AnnouncedRole.Yielding, now, string.Create(CultureInfo.InvariantCulture,
                        $"failback: the primary has been a healthy standby for {Settings.FailbackAfter.TotalSeconds:0} s"), graceful: true);
                }

                return null;

            case AnnouncedRole.Yielding:
                if (!IsPartnerHeard(now))
                {
                    return BecomeActive(now, "the partner went silent during the hand-over");
                }

                if (Released && now - _yieldingSince >= _takeoverTicks)
                {
                    return BecomeActive(now, "the partner did not take the outputs over");
                }

                return null;

            default:
                return null;
        }
    }

    /// <summary>
    /// The manual switch-over: active → yield to the partner (refused when the partner is not heard or not
    /// standby: that would darken the stage); standby → take over with a new term.
    /// </summary>
    public bool TrySwitchOver(long now, out RoleChange? change, out string? error)
    {
        change = null;
        error = null;
        switch (Role)
        {
            case AnnouncedRole.Active:
                if (!IsPartnerHeard(now))
                {
                    error = "the partner is not heard: handing over would leave the outputs dark";
                    return false;
                }

                if (Partner is not { Role: AnnouncedRole.Standby })
                {
                    error = "the partner is not standby (" + (Partner?.Role.ToString() ?? "unknown") + ")";
                    return false;
                }

                _yieldingSince = now;
                change = Become(AnnouncedRole.Yielding, now, "manual switch-over: handing the outputs to the partner", graceful: true);
                return true;

            case AnnouncedRole.Standby:
                change = BecomeActive(now, "manual switch-over: taking the outputs");
                return true;

            case AnnouncedRole.Yielding:
                error = "a hand-over to the partner is already under way";
                return false;

            default:
                error = "still starting: wait until this server has chosen its role";
                return false;
        }
    }

    /// <summary>
    /// Before a graceful stop (SIGTERM, a restart of the service): an active node whose partner is a heard standby
    /// yields, so the partner opens at once instead of after <c>takeover_ms</c> of silence. Null otherwise.
    /// </summary>
    public RoleChange? YieldForShutdown(long now)
    {
        if (Role != AnnouncedRole.Active || !IsPartnerHeard(now) || Partner is not { Role: AnnouncedRole.Standby })
        {
            return null;
        }

        _yieldingSince = now;
        return Become(AnnouncedRole.Yielding, now, "shutting down: handing the outputs to the partner", graceful: true);
    }

    // Both active: the higher term keeps the outputs; a tie goes to the election.
    private bool KeepsActive(in HeartbeatPacket partner) =>
        Term != partner.Term ? Term > partner.Term : WinsElection(partner);

    // The primary wins, then the lower CID.
    private bool WinsElection(in HeartbeatPacket partner) =>
        Settings.ConfRole != partner.ConfRole ? Settings.ConfRole == ConfRole.Primary : Settings.Cid < partner.Cid;

    private string Preference() => Settings.ConfRole == ConfRole.Primary ? "preferred (primary, or the lower CID)" : "preferred (the lower CID)";

    private static string PartnerPreference(in HeartbeatPacket partner) =>
        partner.ConfRole == ConfRole.Primary ? "preferred (primary, or the lower CID)" : "preferred (the lower CID)";

    private RoleChange BecomeActive(long now, string reason)
    {
        uint heard = Partner?.Term ?? 0;
        Term = Math.Max(Term, heard) + 1;
        return Become(AnnouncedRole.Active, now, reason, graceful: false);
    }

    private RoleChange Become(AnnouncedRole role, long now, string reason, bool graceful)
    {
        var change = new RoleChange(Role, role, reason, graceful);
        Role = role;
        Released = false;
        Since = now;
        Reason = reason;
        Transitions++;
        return change;
    }

    private long Ticks(TimeSpan span) => (long)(span.TotalSeconds * _frequency);

    private double Millis(long ticks) => ticks * 1000.0 / _frequency;
}
