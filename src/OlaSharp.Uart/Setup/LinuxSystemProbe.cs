// Licensed under the MIT License. See LICENSE in the repository root.
using System.Runtime.InteropServices;
using OlaSharp.Core.Interop;
using OlaSharp.Uart.Gpio;
using OlaSharp.Uart.Internal;

namespace OlaSharp.Uart.Setup;

/// <summary>
/// The running system's probes on Linux, on the code the server itself uses: <c>statx</c> for the node and
/// <c>/proc/*/fd</c> for holders (as the device health report), the UART's own open (<see cref="LinuxUart"/>:
/// TCSETS2/BOTHER) for the baud rate, and the GPIO driver's chip seam (<see cref="LinuxGpioChips"/>, uAPI v2
/// line info) for the driver-enable line. Reads only; the one thing it changes is the tty's termios, and only
/// when nobody holds the tty.
/// </summary>
public sealed class LinuxSystemProbe : ISystemProbe
{
    private const uint SIfMt = 0xF000;
    private const uint SIfChr = 0x2000;

    private readonly IGpioChips _chips;

    private LinuxSystemProbe(IGpioChips chips) => _chips = chips;

    /// <summary>The one instance.</summary>
    public static LinuxSystemProbe Instance { get; } = new(LinuxGpioChips.Instance);

    /// <inheritdoc />
    public NodeInfo? Stat(string path, out string? error)
    {
        if (!Native.TryStat(path, out uint uid, out uint gid, out uint mode))
        {
            error = Libc.ErrorText(Marshal.GetLastPInvokeError());
            return null;
        }

        error = null;
        return new NodeInfo((mode & SIfMt) == SIfChr, uid, gid, mode & 0xFFF);
    }

    /// <inheritdoc />
    public IReadOnlyList<Holder> Holders(string path) =>
        [.. DeviceInspector.Holders(path).Select(h => new Holder(h.Pid, h.Name))];

    /// <inheritdoc />
    public string? TrySet250k(string path)
    {
        try
        {
            using LinuxUart uart = LinuxUart.Open(path, out string? warning);
            return warning;
        }
        catch (IOException ex)
        {
            return ex.Message;
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<string> GpioChips() => _chips.ChipPaths();

    /// <inheritdoc />
    public GpioLineState? GpioLine(string label, int offset, out string? error)
    {
        IReadOnlyList<string> paths = _chips.ChipPaths();
        if (paths.Count == 0)
        {
            error = "no /dev/gpiochip* on this system";
            return null;
        }

        string? firstError = null;
        var seen = new List<string>();
        foreach (string path in paths)
        {
            int errno = _chips.TryOpen(path, out IGpioChip? chip);
            if (errno != 0 || chip is null)
            {
                firstError ??= $"{path}: {Libc.ErrorText(errno)}";
                continue;
            }

            using (chip)
            {
                GpioChipInfo info = chip.Info;
                seen.Add($"{path} ({info.Label})");
                if (info.Label != label)
                {
                    continue;
                }

                if (offset >= info.Lines)
                {
                    error = $"{path} ({label}) has {info.Lines} lines, no line {offset}";
                    return null;
                }

                errno = chip.TryGetLineInfo(offset, out GpioLineInfo line);
                if (errno != 0)
                {
                    error = $"{path}: line info failed: {Libc.ErrorText(errno)}";
                    return null;
                }

                error = null;
                return new GpioLineState(path, info.Label, line.Used, line.Consumer);
            }
        }

        error = firstError is not null && seen.Count == 0
            ? $"cannot open the GPIO chips ({firstError})"
            : $"no chip labelled {label} (found: {(seen.Count == 0 ? "none readable" : string.Join(", ", seen))})";
        return null;
    }
}
