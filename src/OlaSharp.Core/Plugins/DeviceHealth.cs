// Licensed under the MIT License. See LICENSE in the repository root.
using System.Globalization;

namespace OlaSharp.Core.Plugins;

/// <summary>What a plugin's device (a UART, a socket) is doing, as the user needs to know it.</summary>
public enum DeviceHealthState
{
    /// <summary>Open and working.</summary>
    Open,

    /// <summary>The device node does not exist (or has no hardware behind it: ENXIO, ENODEV).</summary>
    Missing,

    /// <summary>The service user may not open the node (EACCES, EPERM).</summary>
    PermissionDenied,

    /// <summary>Another process holds the device (EBUSY, or seen in <c>/proc/*/fd</c>).</summary>
    Busy,

    /// <summary>The path opens but is not a terminal (a regular file, <c>/dev/null</c>).</summary>
    NotATty,

    /// <summary>The tty did not take 250,000 baud 8N2 (a mini UART, an adaptor without custom rates).</summary>
    BaudNotSettable,

    /// <summary>The RS-485 driver-enable GPIO could not be driven: the transceiver does not transmit.</summary>
    DriverEnableFailed,

    /// <summary>The line is open but writes failed recently.</summary>
    WriteErrors,

    /// <summary>The open failed for another reason (the OS's words are in <see cref="DeviceHealth.LastError"/>).</summary>
    OpenFailed,
}

/// <summary>
/// One device's health: which plugin, which device and path, its state and since when (UTC), the OS's
/// last words, the universes its saved patch waits for, and what is wrong and how to fix it, in sentences.
/// </summary>
/// <param name="PluginId">OLA plugin id (20 for the UART).</param>
/// <param name="PluginName">Plugin name as OLA shows it (<c>UART native DMX</c>).</param>
/// <param name="PluginKey">The plugin's conf prefix (<c>uartdmx</c>), the <c>plugin</c> label in <c>/metrics</c>.</param>
/// <param name="DeviceId">Device unique id (<c>20-/dev/ttyAMA0</c>).</param>
/// <param name="Path">The device path or address.</param>
/// <param name="State">The state.</param>
/// <param name="Since">When the state began (UTC).</param>
/// <param name="LastError">The OS's error text, or null.</param>
/// <param name="WaitingUniverses">Universes patched to the device's ports, or saved in <c>ola-port.conf</c> for them.</param>
/// <param name="Problem">One sentence: what is wrong (empty when open).</param>
/// <param name="Fix">What to do, exactly (empty when open).</param>
public sealed record DeviceHealth(
    int PluginId,
    string PluginName,
    string PluginKey,
    string DeviceId,
    string Path,
    DeviceHealthState State,
    DateTimeOffset Since,
    string? LastError,
    IReadOnlyList<int> WaitingUniverses,
    string Problem,
    string Fix)
{
    /// <summary>True when the device carries DMX: open, or open with recent write errors.</summary>
    public bool IsUsable => State is DeviceHealthState.Open or DeviceHealthState.WriteErrors;

    /// <summary>The state's name in our JSON, gRPC and metrics (<c>permission_denied</c>).</summary>
    public string StateName => DeviceHealthReport.StateName(State);
}

/// <summary>A plugin that reports the health of its devices (configured ones too, when they could not be opened).</summary>
public interface IDeviceHealthSource
{
    /// <summary>Adds one entry per configured device to <paramref name="into"/>; read on request, never on a hot path.</summary>
    void CollectHealth(ICollection<DeviceHealth> into);
}

/// <summary>A plugin's state as reported to users: active only when started and at least one device works.</summary>
/// <param name="Plugin">The plugin.</param>
/// <param name="Active">Started, and (for a health source with devices) at least one usable device.</param>
/// <param name="Reason">Why it is not active, in words; empty when active.</param>
public readonly record struct PluginHealth(Plugin Plugin, bool Active, string Reason);

/// <summary>The health model's shared rules: state names, and whether a plugin counts as active.</summary>
public static class DeviceHealthReport
{
    private static readonly DeviceHealthState[] s_states = Enum.GetValues<DeviceHealthState>();

    /// <summary>Every state, in declaration order (the <c>/metrics</c> series).</summary>
    public static ReadOnlySpan<DeviceHealthState> States => s_states;

    /// <summary>The snake_case name of <paramref name="state"/>.</summary>
    public static string StateName(DeviceHealthState state) => state switch
    {
        DeviceHealthState.Open => "open",
        DeviceHealthState.Missing => "missing",
        DeviceHealthState.PermissionDenied => "permission_denied",
        DeviceHealthState.Busy => "busy",
        DeviceHealthState.NotATty => "not_a_tty",
        DeviceHealthState.BaudNotSettable => "baud_not_settable",
        DeviceHealthState.DriverEnableFailed => "driver_enable_failed",
        DeviceHealthState.WriteErrors => "write_errors",
        DeviceHealthState.OpenFailed => "open_failed",
        _ => ((int)state).ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>The health of every started plugin's devices, by plugin id then device id.</summary>
    public static List<DeviceHealth> Collect(PluginManager plugins)
    {
        ArgumentNullException.ThrowIfNull(plugins);
        var all = new List<DeviceHealth>();
        foreach (Plugin p in plugins.Plugins.OrderBy(p => p.Id))
        {
            if (p.IsActive && p is IDeviceHealthSource source)
            {
                var devices = new List<DeviceHealth>();
                source.CollectHealth(devices);
                all.AddRange(devices.OrderBy(d => d.DeviceId, StringComparer.Ordinal));
            }
        }

        return all;
    }

    /// <summary>
    /// Whether <paramref name="plugin"/> is active as users see it. A started plugin whose devices are all
    /// unusable (every configured UART missing, say) is not: olad says "Active: yes" there, which leaves the
    /// user no clue. Plugins without health reports, or with no devices, are active while started.
    /// </summary>
    public static PluginHealth Of(Plugin plugin)
    {
        ArgumentNullException.ThrowIfNull(plugin);
        if (!plugin.IsActive)
        {
            string reason = plugin.IsEnabled ? "not started" : $"disabled (enabled = false in ola-{plugin.ConfPrefix}.conf)";
            return new PluginHealth(plugin, false, reason);
        }

        if (plugin is not IDeviceHealthSource source)
        {
            return new PluginHealth(plugin, true, string.Empty);
        }

        var devices = new List<DeviceHealth>();
        source.CollectHealth(devices);
        if (devices.Count == 0 || devices.Any(d => d.IsUsable))
        {
            return new PluginHealth(plugin, true, string.Empty);
        }

        string list = string.Join("; ", devices.OrderBy(d => d.DeviceId, StringComparer.Ordinal).Select(d => d.Path + ": " + StateName(d.State).Replace('_', ' ')));
        return new PluginHealth(plugin, false, (devices.Count == 1 ? "its device is unusable (" : "none of its devices is usable (") + list + ")");
    }

    /// <summary>Shorthand for <see cref="Of"/>'s <see cref="PluginHealth.Active"/>.</summary>
    public static bool IsActive(Plugin plugin) => Of(plugin).Active;
}
