// Licensed under the MIT License. See LICENSE in the repository root.
namespace OlaSharp.Core.Standby;

/// <summary>
/// The words the front ends (web UI and <c>/json/standby</c>, gRPC, <c>/metrics</c>) show for a
/// <see cref="StandbyStatus"/>, so they say the same thing.
/// </summary>
public static class StandbyText
{
    /// <summary>Every role's name, in the order <c>/metrics</c> lists them.</summary>
    public static IReadOnlyList<StandbyRole> Roles { get; } = [StandbyRole.Active, StandbyRole.Standby, StandbyRole.Starting, StandbyRole.Standalone];

    /// <summary>The role's name in our JSON, gRPC and metrics: <c>active</c>, <c>standby</c>, <c>starting</c>, <c>standalone</c>.</summary>
    public static string RoleName(StandbyRole role) => role switch
    {
        StandbyRole.Active => "active",
        StandbyRole.Standby => "standby",
        StandbyRole.Starting => "starting",
        _ => "standalone",
    };

    /// <summary>True when a server in <paramref name="role"/> drives its outputs.</summary>
    public static bool DrivesOutputs(StandbyRole role) => role is StandbyRole.Active or StandbyRole.Standalone;

    /// <summary>What the outputs do now, for the user: why this server is silent when it is.</summary>
    public static string Outputs(StandbyStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        string partner = status.Partner.Length == 0 ? "the partner" : "partner " + status.Partner;
        return status.Role switch
        {
            StandbyRole.Active => status.PartnerLastHeard is null
                ? $"active: this server drives the outputs ({partner} not heard)"
                : $"active: this server drives the outputs ({partner} is {RoleName(status.PartnerRole)})",
            StandbyRole.Standby => $"standby: {partner} active, outputs silent, UART line released",
            StandbyRole.Starting => $"starting: listening for {partner}, outputs silent, UART line released",
            _ => "standalone: this server drives the outputs",
        };
    }
}
