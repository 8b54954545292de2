// Licensed under the MIT License. See LICENSE in the repository root.
using OlaSharp.Core.Standby;

namespace OlaSharp.Tests.Shared;

/// <summary>
/// A standby controller the test drives: <see cref="Set"/> changes the status and raises
/// <see cref="StatusChanged"/>; <see cref="TrySwitchOver"/> swaps active and standby when the partner is heard
/// and refuses with <see cref="Refusal"/> otherwise. For the front ends' tests (web UI, JSON, gRPC, metrics).
/// </summary>
internal sealed class FakeStandbyController : IStandbyController
{
    private readonly object _lock = new();
    private StandbyStatus _status;

    public FakeStandbyController(StandbyStatus status)
    {
        _status = status;
    }

    public event Action<StandbyStatus>? StatusChanged;

    public StandbyStatus Status
    {
        get
        {
            lock (_lock)
            {
                return _status;
            }
        }
    }

    /// <summary>The sentence a refused switch-over gives; null lets switch-overs through.</summary>
    public string? Refusal { get; set; }

    public int SwitchOvers { get; private set; }

    /// <summary>A standby server whose partner (198.18.0.2) is active and was heard 40 ms ago.</summary>
    public static FakeStandbyController StandbyOf(string partner = "198.18.0.2") => new(new StandbyStatus(
        StandbyRole.Standby, partner, StandbyRole.Active, TimeSpan.FromMilliseconds(40), new DateTimeOffset(2026, 12, 3, 0, 30, 0, TimeSpan.Zero),
        "the partner is active (heartbeat every 100 ms)", 1));

    public void Set(StandbyStatus status)
    {
        lock (_lock)
        {
            _status = status;
        }

        StatusChanged?.Invoke(status);
    }

    public bool TrySwitchOver(out string? error)
    {
        if (Refusal is not null)
        {
            error = Refusal;
            return false;
        }

        error = null;
        SwitchOvers++;
        StandbyStatus s = Status;
        StandbyRole role = s.Role == StandbyRole.Active ? StandbyRole.Standby : StandbyRole.Active;
        Set(s with
        {
            Role = role,
            PartnerRole = role == StandbyRole.Active ? StandbyRole.Standby : StandbyRole.Active,
            Since = s.Since.AddSeconds(1),
            Reason = "switched over by hand",
            Transitions = s.Transitions + 1,
        });
        return true;
    }
}
