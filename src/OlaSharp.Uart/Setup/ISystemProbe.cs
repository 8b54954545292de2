// Licensed under the MIT License. See LICENSE in the repository root.
namespace OlaSharp.Uart.Setup;

/// <summary>A device node as <c>statx</c> sees it.</summary>
/// <param name="IsCharDevice">Whether it is a character device.</param>
/// <param name="Uid">Owner.</param>
/// <param name="Gid">Group.</param>
/// <param name="Mode">Permission bits (e.g. 0660).</param>
public readonly record struct NodeInfo(bool IsCharDevice, uint Uid, uint Gid, uint Mode);

/// <summary>A process that has a file open.</summary>
public readonly record struct Holder(int Pid, string Name);

/// <summary>What the kernel says about one GPIO line.</summary>
/// <param name="Chip">The chip's device path (<c>/dev/gpiochip0</c>).</param>
/// <param name="Label">The chip's label (<c>pinctrl-rp1</c>).</param>
/// <param name="Used">Whether a consumer holds the line.</param>
/// <param name="Consumer">The holder's consumer label, or empty.</param>
public readonly record struct GpioLineState(string Chip, string Label, bool Used, string Consumer);

/// <summary>
/// The running-system probes of the doctor, behind a seam so that the checks are testable: the real one is
/// <see cref="LinuxSystemProbe"/>. Every method reports a failure as a result, never by throwing.
/// </summary>
public interface ISystemProbe
{
    /// <summary>The node at <paramref name="path"/> (symlinks followed), or null with the reason.</summary>
    NodeInfo? Stat(string path, out string? error);

    /// <summary>The processes with <paramref name="path"/> open (its symlinks resolved).</summary>
    IReadOnlyList<Holder> Holders(string path);

    /// <summary>Opens the tty and sets 250 kbaud 8N2 through TCSETS2/BOTHER; null on success, else what went wrong.</summary>
    string? TrySet250k(string path);

    /// <summary>The state of line <paramref name="offset"/> on the chip labelled <paramref name="label"/>; null with the reason when it cannot be read.</summary>
    GpioLineState? GpioLine(string label, int offset, out string? error);

    /// <summary>The device nodes of the GPIO chips (<c>/dev/gpiochip*</c>), for their group.</summary>
    IReadOnlyList<string> GpioChips();
}
