// Licensed under the MIT License. See LICENSE in the repository root.
using System.Globalization;
using System.Text;
using OlaSharp.Core.Interop;

namespace OlaSharp.Uart.Gpio;

/// <summary>
/// The RS-485 transceiver's driver-enable pin, held as a requested output line of the kernel's GPIO
/// character device. The chip is found by its label, never by its number: the Pi's header pins are BCM
/// line N of the chip labelled <c>pinctrl-bcm2835</c> (Pi 0-3), <c>pinctrl-bcm2711</c> (Pi 4) or
/// <c>pinctrl-rp1</c> (Pi 5), which is <c>gpiochip4</c> on Pi 5 kernels before 6.6.45, <c>gpiochip0</c> after
/// (raspberrypi/linux#6144) and <c>gpiochip1x</c> on some 6.12 images (Adafruit_Blinka#1119). Every failure
/// is a <see cref="DriverEnableException"/> whose message says what to do.
/// </summary>
public sealed class DriverEnableLine : IDisposable
{
    /// <summary>The consumer name the line is requested under (what <c>gpioinfo</c> and <c>pinctrl</c> show).</summary>
    public const string DefaultConsumer = "olasharpd";

    /// <summary>Labels of the chips that carry a Raspberry Pi's 40-pin header, in model order.</summary>
    public static readonly IReadOnlyList<string> PiChipLabels = ["pinctrl-bcm2835", "pinctrl-bcm2711", "pinctrl-rp1"];

    private const string ChipKeyHint = "<device>-de_gpiochip";

    private readonly IGpioLine _line;
    private readonly bool _activeHigh;
    private int _released;

    private DriverEnableLine(IGpioLine line, int pin, bool activeHigh, string chipPath, string chipLabel, bool active)
    {
        _line = line;
        Pin = pin;
        _activeHigh = activeHigh;
        ChipPath = chipPath;
        ChipLabel = chipLabel;
        Active = active;
    }

    /// <summary>The BCM pin (line offset on the chip).</summary>
    public int Pin { get; }

    /// <summary>The chip node the line was requested from, e.g. <c>/dev/gpiochip0</c>.</summary>
    public string ChipPath { get; }

    /// <summary>The chip's label, e.g. <c>pinctrl-rp1</c>.</summary>
    public string ChipLabel { get; }

    /// <summary>Whether the transceiver is currently enabled to drive the line.</summary>
    public bool Active { get; private set; }

    /// <summary>
    /// Finds the chip, checks the line and requests it as an output already at the active level (so the
    /// transceiver transmits from the first frame and never sees a glitch of the other level).
    /// </summary>
    /// <param name="chips">The OS seam (<see cref="LinuxGpioChips.Instance"/> on a real machine).</param>
    /// <param name="pin">BCM pin number, the line offset on the chip.</param>
    /// <param name="activeHigh">Whether the transceiver transmits with the pin high.</param>
    /// <param name="chip">
    /// null for the Raspberry Pi chip by label; otherwise a chip label (<c>pinctrl-rp1</c>), a node
    /// (<c>/dev/gpiochip4</c>) or a kernel name (<c>gpiochip4</c>), from <c>&lt;device&gt;-de_gpiochip</c>.
    /// </param>
    /// <param name="consumer">Consumer name for the request.</param>
    /// <param name="active">
    /// The level the line is requested at: true (transmit) for a line that drives now, false (receive) for the
    /// standby of a hot-standby pair, which holds the pin so nothing else takes it but leaves the bus to its partner.
    /// </param>
    /// <exception cref="DriverEnableException">Always the one type; its message is the fix.</exception>
    public static DriverEnableLine Open(IGpioChips chips, int pin, bool activeHigh, string? chip = null, string consumer = DefaultConsumer, bool active = true)
    {
        ArgumentNullException.ThrowIfNull(chips);
        ArgumentException.ThrowIfNullOrEmpty(consumer);
        if (pin < 0)
        {
            throw new DriverEnableException(DriverEnableFailure.OutOfRange, $"GPIO {pin} is not a pin number: use the BCM number, e.g. 18");
        }

        string? selector = string.IsNullOrWhiteSpace(chip) ? null : chip.Trim();
        IGpioChip found = FindChip(chips, selector);
        try
        {
            return OpenLine(chips, found, pin, activeHigh, consumer, active);
        }
        finally
        {
            // The requested line has its own file descriptor; the chip's is not needed any more.
            found.Dispose();
        }
    }

    /// <summary>Drives the pin to the transmit level (<paramref name="active"/>) or the receive level. Allocates nothing.</summary>
    /// <exception cref="DriverEnableException">The kernel refused the new value.</exception>
    /// <exception cref="ObjectDisposedException">After <see cref="Dispose"/>.</exception>
    public void Set(bool active)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _released) != 0, this);
        int errno = _line.SetValue(active == _activeHigh);
        if (errno != 0)
        {
            throw new DriverEnableException(DriverEnableFailure.Failed, $"could not set GPIO {Pin} on {ChipPath} ({ChipLabel}): {Errno.Text(errno)}");
        }

        Active = active;
    }

    /// <summary>Leaves the pin at the inactive (receive) level, then gives the line back to the kernel. Idempotent.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _released, 1) != 0)
        {
            return;
        }

        try
        {
            // Best effort: a failed set cannot be fixed here, and closing still frees the line.
            _line.SetValue(!_activeHigh);
            Active = false;
        }
        finally
        {
            _line.Dispose();
        }
    }

    private static IGpioChip FindChip(IGpioChips chips, string? selector)
    {
        IReadOnlyList<string> paths = chips.ChipPaths();
        if (selector is not null && (selector.StartsWith('/') || selector.StartsWith("gpiochip", StringComparison.Ordinal)))
        {
            string node = selector.StartsWith('/') ? selector : "/dev/" + selector;
            int errno = chips.TryOpen(node, out IGpioChip? named);
            if (errno == 0)
            {
                return named!;
            }

            if (errno is Errno.EAcces or Errno.EPerm)
            {
                throw PermissionDenied(chips, node);
            }

            throw new DriverEnableException(
                paths.Count == 0 ? DriverEnableFailure.NoGpio : DriverEnableFailure.NoChip,
                $"{ChipKeyHint} = {selector}: cannot open {node} ({Errno.Text(errno)}); {Listing(paths)}");
        }

        if (paths.Count == 0)
        {
            throw new DriverEnableException(
                DriverEnableFailure.NoGpio,
                "no GPIO character device (/dev/gpiochip*): this machine has no GPIO or the kernel lacks CONFIG_GPIO_CDEV; " +
                "remove <device>-de_gpio from ola-uartdmx.conf if the transceiver switches direction by itself");
        }

        var seen = new List<(string Path, string Label, int Lines)>();
        string? denied = null;
        int otherErrno = 0;
        string? otherPath = null;
        foreach (string path in paths)
        {
            int errno = chips.TryOpen(path, out IGpioChip? candidate);
            if (errno != 0)
            {
                if (errno is Errno.EAcces or Errno.EPerm)
                {
                    denied ??= path;
                }
                else if (otherPath is null)
                {
                    otherErrno = errno;
                    otherPath = path;
                }

                continue;
            }

            GpioChipInfo info = candidate!.Info;
            bool match = selector is null
                ? PiChipLabels.Contains(info.Label, StringComparer.Ordinal)
                : string.Equals(info.Label, selector, StringComparison.Ordinal);
            if (match)
            {
                return candidate;
            }

            seen.Add((path, info.Label, info.Lines));
            candidate.Dispose();
        }

        // The chip we want may be one we were not allowed to open: on a Pi every node has the same group.
        if (denied is not null)
        {
            throw PermissionDenied(chips, denied);
        }

        string wanted = selector is null
            ? "no GPIO chip with a Raspberry Pi label (" + string.Join(", ", PiChipLabels) + ")"
            : $"no GPIO chip labelled '{selector}' ({ChipKeyHint})";
        string found = seen.Count == 0
            ? $"no chip could be read ({otherPath}: {Errno.Text(otherErrno)})"
            : "found " + string.Join(", ", seen.Select(s => $"{s.Path} '{s.Label}' ({s.Lines.ToString(CultureInfo.InvariantCulture)} lines)"));
        throw new DriverEnableException(
            DriverEnableFailure.NoChip,
            $"{wanted}; {found}; set {ChipKeyHint} = <label or /dev/gpiochipN> in ola-uartdmx.conf to name the chip the transceiver's driver-enable is on");
    }

    private static DriverEnableLine OpenLine(IGpioChips chips, IGpioChip chip, int pin, bool activeHigh, string consumer, bool active)
    {
        GpioChipInfo info = chip.Info;
        string where = $"{chip.Path} ({info.Label})";
        if (pin >= info.Lines)
        {
            throw new DriverEnableException(
                DriverEnableFailure.OutOfRange,
                $"GPIO {pin} is out of range: {where} has lines 0..{info.Lines - 1}; set <device>-de_gpio to the BCM number of the driver-enable pin (18 on most RS-485 hats)");
        }

        int errno = chip.TryGetLineInfo(pin, out GpioLineInfo line);
        if (errno == 0 && line.Used)
        {
            throw Busy(pin, where, info.Label, line.Consumer);
        }

        errno = chip.TryRequestOutput(pin, active == activeHigh, consumer, out IGpioLine? requested);
        if (errno == 0)
        {
            return new DriverEnableLine(requested!, pin, activeHigh, chip.Path, info.Label, active);
        }

        if (errno == Errno.EBusy)
        {
            // Taken between the look and the request: ask again who has it.
            string holder = chip.TryGetLineInfo(pin, out GpioLineInfo again) == 0 ? again.Consumer : string.Empty;
            throw Busy(pin, where, info.Label, holder);
        }

        if (errno is Errno.EAcces or Errno.EPerm)
        {
            throw PermissionDenied(chips, chip.Path);
        }

        throw new DriverEnableException(DriverEnableFailure.Failed, $"could not request GPIO {pin} on {where}: {Errno.Text(errno)}");
    }

    private static DriverEnableException Busy(int pin, string where, string label, string consumer)
    {
        var message = new StringBuilder();
        message.Append(CultureInfo.InvariantCulture, $"GPIO {pin} is in use by ");
        message.Append(consumer.Length == 0 ? "a kernel driver or another program" : $"'{consumer}'");
        message.Append(CultureInfo.InvariantCulture, $" on {where}: stop that program, or remove the device-tree overlay that claims the pin");
        if (PiChipLabels.Contains(label, StringComparer.Ordinal))
        {
            message.Append(CultureInfo.InvariantCulture, $" (`pinctrl get {pin}` shows its function)");
        }

        message.Append(", or set <device>-de_gpio to the pin the hat really uses");
        return new DriverEnableException(DriverEnableFailure.Busy, message.ToString());
    }

    private static DriverEnableException PermissionDenied(IGpioChips chips, string path)
    {
        string? group = chips.NodeGroup(path);
        string user = Environment.UserName;
        string fix = group is null or "root"
            ? $"give /dev/gpiochip* to a group the service user '{user}' is in (Raspberry Pi OS uses group gpio; elsewhere add a udev rule)"
            : $"add the service user to it (sudo usermod -aG {group} {user}) and restart olasharpd";
        string owner = group is null ? string.Empty : $" (group {group})";
        return new DriverEnableException(DriverEnableFailure.PermissionDenied, $"permission denied opening {path}{owner}: {fix}");
    }

    private static string Listing(IReadOnlyList<string> paths) =>
        paths.Count == 0
            ? "this machine has no /dev/gpiochip* at all"
            : "the chips here are " + string.Join(", ", paths);
}

/// <summary>The errno values the GPIO code names, and their text.</summary>
internal static class Errno
{
    public const int EPerm = Libc.EPerm;
    public const int EAcces = Libc.EAcces;
    public const int EBusy = Libc.EBusy;

    public static string Text(int errno) => errno switch
    {
        Libc.EPerm => "operation not permitted",
        Libc.ENoEnt => "no such file",
        Libc.ENxio or Libc.ENoDev => "no such device",
        Libc.EAcces => "permission denied",
        Libc.EBusy => "busy",
        Libc.EInval => "invalid argument",
        Libc.ENotty => "not a GPIO chip",
        _ => "errno " + errno.ToString(CultureInfo.InvariantCulture),
    };
}
