// Licensed under the MIT License. See LICENSE in the repository root.

namespace OlaSharp.Core.Standby;

/// <summary>This server's role in a hot-standby pair.</summary>
public enum StandbyRole
{
    /// <summary>No partner configured: always active.</summary>
    Standalone = 0,

    /// <summary>Listening for the partner before choosing (outputs closed).</summary>
    Starting = 1,

    /// <summary>The partner drives the outputs; this one keeps its merged state current and stays silent.</summary>
    Standby = 2,

    /// <summary>This one drives the outputs.</summary>
    Active = 3,
}

/// <summary>A snapshot of the hot-standby state for the front ends (web UI, <c>/metrics</c>, gRPC).</summary>
/// <param name="Role">This server's role.</param>
/// <param name="Partner">How the partner is named in the conf (address or CID); empty when standalone.</param>
/// <param name="PartnerRole">The role the partner last announced, <see cref="StandbyRole.Starting"/> when never heard.</param>
/// <param name="PartnerLastHeard">Time since the partner's last heartbeat; null when never heard.</param>
/// <param name="Since">When this server entered <paramref name="Role"/>.</param>
/// <param name="Reason">Why it is in that role, one sentence for the user.</param>
/// <param name="Transitions">Role changes since start.</param>
public sealed record StandbyStatus(
    StandbyRole Role,
    string Partner,
    StandbyRole PartnerRole,
    TimeSpan? PartnerLastHeard,
    DateTimeOffset Since,
    string Reason,
    long Transitions);

/// <summary>The hot-standby controller as the front ends see it.</summary>
public interface IStandbyController
{
    /// <summary>The current state.</summary>
    StandbyStatus Status { get; }

    /// <summary>Raised after the role or the partner's role changed (on the controller's thread; handlers only signal).</summary>
    event Action<StandbyStatus>? StatusChanged;

    /// <summary>
    /// The manual switch-over: an active server hands the outputs to its partner, a standby one takes them.
    /// False with a sentence for the user when it cannot (standalone; the partner is not heard, so handing
    /// over would leave the outputs dark).
    /// </summary>
    bool TrySwitchOver(out string? error);
}

/// <summary>The controller of a server with no partner: always active.</summary>
public sealed class StandaloneController : IStandbyController
{
    /// <summary>Creates it; <paramref name="startedAt"/> is the server's start.</summary>
    public StandaloneController(DateTimeOffset startedAt)
    {
        Status = new StandbyStatus(StandbyRole.Standalone, string.Empty, StandbyRole.Starting, null, startedAt,
            "no partner is configured (ola-standby.conf)", 0);
    }

    /// <inheritdoc />
    public StandbyStatus Status { get; }

    /// <inheritdoc />
    public event Action<StandbyStatus>? StatusChanged
    {
        add { }
        remove { }
    }

    /// <inheritdoc />
    public bool TrySwitchOver(out string? error)
    {
        error = "this server has no standby partner: set partner in ola-standby.conf";
        return false;
    }
}
