// Licensed under the MIT License. See LICENSE in the repository root.
using OlaSharp.Core.Conf;

namespace OlaSharp.Uart.Gpio;

/// <summary>
/// <c>olasharpd release-line</c>: drives the driver-enable pin of every UART in <c>ola-uartdmx.conf</c> to its
/// receive level and gives it back, then exits. For the systemd unit's <c>ExecStopPost=</c>: a server killed while
/// active leaves its pin where it was on a Raspberry Pi kernel (released GPIO outputs keep their drive there),
/// so the hot-standby partner would drive the shared line together with it (docs/standby.md, Limits).
/// </summary>
public static class DriverEnableRelease
{
    /// <summary>The consumer name the pins are requested under while they are set.</summary>
    public const string Consumer = "olasharpd release-line";

    /// <summary>
    /// Releases every configured pin; one line per pin on <paramref name="output"/>, one per failure on
    /// <paramref name="error"/>. Returns 0 when every pin was set (or none is configured), 1 otherwise.
    /// </summary>
    public static int Run(string confDir, IGpioChips chips, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(confDir);
        ArgumentNullException.ThrowIfNull(chips);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        string path = Path.Combine(confDir, "ola-uartdmx.conf");
        if (!File.Exists(path))
        {
            output.WriteLine($"{path}: no such file; no driver-enable pin to release");
            return 0;
        }

        ConfFile conf = ConfFile.Load(path);
        int released = 0;
        int failed = 0;
        foreach (string device in conf.GetAll(UartConf.DeviceKey).Distinct(StringComparer.Ordinal))
        {
            UartLineSettings settings = UartConf.Read(conf, device);
            if (settings.DeGpio is not int pin)
            {
                continue;
            }

            try
            {
                // Requested at the receive level, so the pin goes there at once; closing keeps it there.
                using DriverEnableLine de = DriverEnableLine.Open(chips, pin, settings.DeActiveHigh, settings.DeGpioChip, Consumer, active: false);
                output.WriteLine($"{device}: driver-enable GPIO {pin} ({de.ChipPath}, {de.ChipLabel}) set to receive ({(settings.DeActiveHigh ? "low" : "high")})");
                released++;
            }
            catch (DriverEnableException ex)
            {
                error.WriteLine($"{device}: driver-enable GPIO {pin} not released: {ex.Message}");
                failed++;
            }
        }

        if (released == 0 && failed == 0)
        {
            output.WriteLine($"{path}: no device has a driver-enable pin (de_gpio); nothing to release");
        }

        return failed == 0 ? 0 : 1;
    }
}
