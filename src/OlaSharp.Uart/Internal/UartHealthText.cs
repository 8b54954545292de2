// Licensed under the MIT License. See LICENSE in the repository root.
using System.Globalization;
using OlaSharp.Core.Plugins;

namespace OlaSharp.Uart.Internal;

/// <summary>
/// The problem and the fix of a UART's health state, in sentences a Raspberry Pi user can act on: the exact
/// file, line, group, user, process or command. Built when the state changes, never per frame.
/// </summary>
internal static class UartHealthText
{
    public const string Doctor = "run `olasharpd doctor` to check the whole setup";

    /// <summary>The sentence of an open line released by standby.</summary>
    public static string ReleasedProblem(string path, bool withDriverEnable) => withDriverEnable
        ? $"Standby: partner active, outputs silent, UART line {path} released (driver-enable inactive)."
        : $"Standby: partner active, outputs silent, UART line {path} released (no driver-enable pin configured: the line idles at mark, nothing is written).";

    public static (string Problem, string Fix) Describe(DeviceHealthState state, string path, string confPath, string? error, IOException? openFailure, int? dePin, long writeErrors)
    {
        string os = error is null ? string.Empty : $" ({error})";
        return state switch
        {
            DeviceHealthState.Open => (string.Empty, string.Empty),
            DeviceHealthState.Missing => (
                $"{path} does not exist, so the DMX line is dark.",
                $"Check the device node {path}: for the Raspberry Pi's UART put enable_uart=1 in /boot/firmware/config.txt " +
                $"(Pi 3/4: also dtoverlay=disable-bt; Pi 5: dtparam=uart0=on) and reboot, or set device = <your UART> in {confPath}; {Doctor}."),
            DeviceHealthState.PermissionDenied => PermissionDenied(path, os),
            DeviceHealthState.Busy => Busy(path, openFailure as UartOpenException),
            DeviceHealthState.NotATty => (
                $"{path} is not a serial port{os}.",
                $"Set device = to the UART's node in {confPath} (/dev/ttyAMA0 for the Raspberry Pi's GPIO 14/15, /dev/ttyUSB0 for a USB adaptor), then reload the plugins."),
            DeviceHealthState.BaudNotSettable => (
                $"{path} did not take 250,000 baud 8N2{os}, so receivers cannot read the line.",
                "Use the PL011 UART (/dev/ttyAMA0), not the mini UART (/dev/ttyS0, whose rate follows the core clock): on a Pi 3/4 put " +
                $"dtoverlay=disable-bt in /boot/firmware/config.txt and reboot (init_uart_clock=16000000 also works); {Doctor}."),
            DeviceHealthState.DriverEnableFailed => (
                $"The RS-485 driver-enable pin GPIO {Pin(dePin)} of {path} could not be driven{os}: the transceiver does not transmit, so the line is dark.",
                $"Check {path}-de_gpio = {Pin(dePin)} in {confPath}: it must be the hat's DE pin in BCM numbering; the service user needs the gpio group " +
                $"(sudo usermod -aG gpio {DeviceInspector.ServiceUser()}, then restart the service); remove the {path}-de_gpio line if the hat switches direction itself; {Doctor}."),
            DeviceHealthState.WriteErrors => (
                $"{writeErrors.ToString(CultureInfo.InvariantCulture)} write error(s) on {path}{os}; the line is reopened each time.",
                "Check the adaptor's cable and power (a USB adaptor that resets or is unplugged shows this); the line comes back by itself when the device does."),
            _ => (
                $"{path} could not be opened{os}.",
                $"Check that {path} is the UART's node (ls -l {path}) and set device = in {confPath}; {Doctor}."),
        };
    }

    private static string Pin(int? pin) => pin?.ToString(CultureInfo.InvariantCulture) ?? "?";

    private static (string, string) PermissionDenied(string path, string os)
    {
        NodeAccess? a = DeviceInspector.Access(path);
        string user = a?.User ?? DeviceInspector.ServiceUser();
        if (a is null)
        {
            return (
                $"The service user {user} may not open {path}{os}.",
                $"Add {user} to the group that owns {path} (ls -l {path} shows it; dialout on Raspberry Pi OS): sudo usermod -aG dialout {user}, then restart the service.");
        }

        string node = $"{path} is {a.ModeText} {a.Owner}:{a.Group}";
        if (!a.GroupMayReadWrite)
        {
            return (
                $"The service user {user} may not open {path}{os}: {node}, so not even group {a.Group} may open it.",
                $"Give the group access: sudo chmod g+rw {path} (a udev rule makes it last: MODE=\"0660\", GROUP=\"{a.Group}\"), " +
                (a.ProcessInGroup ? string.Empty : $"add the user: sudo usermod -aG {a.Group} {user}, ") + "then restart the service.");
        }

        if (a.UserListedInGroup && !a.ProcessInGroup)
        {
            return (
                $"The service user {user} may not open {path}{os}: {node}; {user} was added to group {a.Group} after the service started.",
                "Restart the service so it gets the group: sudo systemctl restart olasharpd.");
        }

        return (
            $"The service user {user} may not open {path}{os}: {node} and {user} is not in group {a.Group}.",
            $"sudo usermod -aG {a.Group} {user}, then restart the service (sudo systemctl restart olasharpd).");
    }

    private static (string, string) Busy(string path, UartOpenException? failure)
    {
        IReadOnlyList<DeviceHolder> holders = failure?.Holders ?? [];
        if (holders.Count == 0)
        {
            return (
                $"{path} is held by another process.",
                $"Find it with sudo fuser -v {path} and stop it (olad: sudo systemctl disable --now olad; a serial console: sudo systemctl disable --now serial-getty@{System.IO.Path.GetFileName(path)}.service).");
        }

        string who = string.Join(", ", holders);
        var fixes = new List<string>();
        foreach (DeviceHolder h in holders)
        {
            string pid = h.Pid.ToString(CultureInfo.InvariantCulture);
            string fix = h.Name switch
            {
                "olad" => "sudo systemctl disable --now olad",
                "agetty" or "getty" => $"sudo systemctl disable --now serial-getty@{System.IO.Path.GetFileName(path)}.service (and remove console=serial0,115200 from /boot/firmware/cmdline.txt)",
                "ModemManager" => "sudo systemctl disable --now ModemManager",
                "olasharpd" => $"another olasharpd uses it: stop that one (sudo kill {pid})",
                _ => $"sudo kill {pid}",
            };
            if (!fixes.Contains(fix, StringComparer.Ordinal))
            {
                fixes.Add(fix);
            }
        }

        return (
            $"{path} is held by {who}; two writers would garble the line, so this server leaves it alone.",
            $"Stop it: {string.Join("; ", fixes)}. The line starts within a second of the device being free.");
    }
}
