// Licensed under the MIT License. See LICENSE in the repository root.
namespace OlaSharp.Uart.Gpio;

/// <summary>
/// The OS seam under <see cref="DriverEnableLine"/>: the machine's GPIO chips as the kernel's character
/// devices show them (<c>/dev/gpiochipN</c>, uAPI v2). <see cref="LinuxGpioChips"/> does the ioctls; tests
/// fake a Pi 3, 4 or 5. Calls that can fail return 0 or the errno, so callers can name the cause.
/// </summary>
public interface IGpioChips
{
    /// <summary>The chip nodes in number order (<c>/dev/gpiochip0</c>, <c>/dev/gpiochip4</c>, ...); empty when there are none.</summary>
    IReadOnlyList<string> ChipPaths();

    /// <summary>Opens a chip node; returns 0, or the errno (<c>EACCES</c> 13, <c>ENOENT</c> 2, ...).</summary>
    int TryOpen(string path, out IGpioChip? chip);

    /// <summary>The name of the group that owns <paramref name="path"/>, or null when unknown.</summary>
    string? NodeGroup(string path);
}

/// <summary>An open GPIO chip.</summary>
public interface IGpioChip : IDisposable
{
    /// <summary>The node it was opened from.</summary>
    string Path { get; }

    /// <summary>Its name, label and line count (<c>GPIO_GET_CHIPINFO_IOCTL</c>).</summary>
    GpioChipInfo Info { get; }

    /// <summary>Line <paramref name="offset"/>'s name, consumer and flags (<c>GPIO_V2_GET_LINEINFO_IOCTL</c>); 0 or the errno.</summary>
    int TryGetLineInfo(int offset, out GpioLineInfo info);

    /// <summary>
    /// Requests line <paramref name="offset"/> as an output that starts at <paramref name="value"/> (the physical
    /// level, so the pin never shows the other one) for <paramref name="consumer"/> (<c>GPIO_V2_GET_LINE_IOCTL</c>);
    /// 0 or the errno (<c>EBUSY</c> 16 when another consumer holds it). The line outlives the chip's handle.
    /// </summary>
    int TryRequestOutput(int offset, bool value, string consumer, out IGpioLine? line);
}

/// <summary>A requested output line; disposing it gives the line back to the kernel.</summary>
public interface IGpioLine : IDisposable
{
    /// <summary>Sets the physical level (<c>GPIO_V2_LINE_SET_VALUES_IOCTL</c>); 0 or the errno. Allocates nothing.</summary>
    int SetValue(bool value);
}

/// <summary>What <c>GPIO_GET_CHIPINFO_IOCTL</c> reports.</summary>
/// <param name="Name">Kernel name, e.g. <c>gpiochip0</c>.</param>
/// <param name="Label">Driver label, e.g. <c>pinctrl-rp1</c>.</param>
/// <param name="Lines">Number of lines (offsets 0..Lines-1).</param>
public readonly record struct GpioChipInfo(string Name, string Label, int Lines);

/// <summary>What <c>GPIO_V2_GET_LINEINFO_IOCTL</c> reports about one line.</summary>
/// <param name="Name">Line name from the device tree (e.g. <c>GPIO18</c>), or empty.</param>
/// <param name="Consumer">Who holds it, or empty.</param>
/// <param name="Used">Whether it is in use (<c>GPIO_V2_LINE_FLAG_USED</c>): requested, or taken by a kernel driver.</param>
public readonly record struct GpioLineInfo(string Name, string Consumer, bool Used);
