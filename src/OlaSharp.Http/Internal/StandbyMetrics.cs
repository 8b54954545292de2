// Licensed under the MIT License. See LICENSE in the repository root.
using OlaSharp.Core.Standby;
using Prometheus;

namespace OlaSharp.Http.Internal;

/// <summary>
/// The hot-standby part of <c>/metrics</c>: <c>olasharp_standby_role{role}</c> (1 for the current role, 0 for
/// the others), <c>olasharp_standby_transitions_total</c> and <c>olasharp_standby_partner_last_heard_seconds</c>
/// (NaN while the partner was never heard). Read from <see cref="IStandbyController.Status"/> before each scrape.
/// </summary>
internal sealed class StandbyMetrics
{
    private readonly Gauge _role;
    private readonly Counter _transitions;
    private readonly Gauge _partnerLastHeard;

    public StandbyMetrics(MetricFactory f)
    {
        _role = f.CreateGauge("olasharp_standby_role", "This server's hot-standby role: 1 for the current one (active, standby, starting, standalone), 0 for the others.", "role");
        _transitions = f.CreateCounter("olasharp_standby_transitions_total", "Hot-standby role changes since start.");
        _partnerLastHeard = f.CreateGauge("olasharp_standby_partner_last_heard_seconds", "Seconds since the standby partner's last heartbeat; NaN when never heard (or standalone).");
    }

    public void Update(IStandbyController standby)
    {
        StandbyStatus s = standby.Status;
        foreach (StandbyRole role in StandbyText.Roles)
        {
            _role.WithLabels(StandbyText.RoleName(role)).Set(role == s.Role ? 1 : 0);
        }

        _transitions.IncTo(s.Transitions);
        _partnerLastHeard.Set(s.PartnerLastHeard is TimeSpan heard ? heard.TotalSeconds : double.NaN);
    }
}
