// Licensed under the MIT License. See LICENSE in the repository root.
using System.Runtime.InteropServices;

namespace OlaSharp.Uart.Gpio;

/// <summary>
/// The kernel's GPIO character device, uAPI v2 (<c>include/uapi/linux/gpio.h</c>, Linux 5.10 and later),
/// called through libc with no libgpiod. Layouts are the header's, byte for byte; the sizes (68, 16, 24,
/// 272, 592, 256, 16) were printed from the header by a C program on x86_64 and are pinned by
/// <c>GpioUapiLayoutTests</c>. Every field is a fixed-width integer with <c>__aligned_u64</c> where the
/// header has it, so the layout is the same on arm64 (the Pi) and x86_64. The ioctl numbers are the generic
/// <c>_IOC</c> encoding (dir &lt;&lt; 30 | size &lt;&lt; 16 | 0xB4 &lt;&lt; 8 | nr), which both share.
/// </summary>
internal static unsafe partial class GpioUapi
{
    public const int MaxNameSize = 32;
    public const int LinesMax = 64;
    public const int LineNumAttrsMax = 10;

    // _IOR(0xB4, 0x01, struct gpiochip_info)
    public const uint GetChipInfoIoctl = 0x8044B401;

    // _IOWR(0xB4, 0x05, struct gpio_v2_line_info)
    public const uint GetLineInfoIoctl = 0xC100B405;

    // _IOWR(0xB4, 0x07, struct gpio_v2_line_request)
    public const uint GetLineIoctl = 0xC250B407;

    // _IOWR(0xB4, 0x0F, struct gpio_v2_line_values)
    public const uint LineSetValuesIoctl = 0xC010B40F;

    // enum gpio_v2_line_flag
    public const ulong LineFlagUsed = 0x1;
    public const ulong LineFlagActiveLow = 0x2;
    public const ulong LineFlagInput = 0x4;
    public const ulong LineFlagOutput = 0x8;

    // enum gpio_v2_line_attr_id
    public const uint LineAttrIdOutputValues = 2;

    /// <summary>The generic <c>_IOC</c> encoding, for the layout test that recomputes the numbers above.</summary>
    public static uint Ioc(uint dir, uint nr, int size) => (dir << 30) | ((uint)size << 16) | (0xB4u << 8) | nr;

    /// <summary><c>struct gpiochip_info</c>: 68 bytes.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct ChipInfo
    {
        public fixed byte Name[MaxNameSize];
        public fixed byte Label[MaxNameSize];
        public uint Lines;
    }

    /// <summary><c>struct gpio_v2_line_attribute</c>: id, padding, then a 64-bit union (flags, values or debounce); 16 bytes.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct LineAttribute
    {
        public uint Id;
        public uint Padding;
        public ulong Value;
    }

    /// <summary><c>struct gpio_v2_line_config_attribute</c>: 24 bytes.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct LineConfigAttribute
    {
        public LineAttribute Attr;
        public ulong Mask;
    }

    /// <summary><c>struct gpio_v2_line_config</c>: 272 bytes, the attributes at offset 32.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct LineConfig
    {
        public ulong Flags;
        public uint NumAttrs;
        public fixed uint Padding[5];
        public fixed byte Attrs[LineNumAttrsMax * 24];
    }

    /// <summary><c>struct gpio_v2_line_request</c>: 592 bytes (consumer at 256, config at 288, fd at 588).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct LineRequest
    {
        public fixed uint Offsets[LinesMax];
        public fixed byte Consumer[MaxNameSize];
        public LineConfig Config;
        public uint NumLines;
        public uint EventBufferSize;
        public fixed uint Padding[5];
        public int Fd;
    }

    /// <summary><c>struct gpio_v2_line_info</c>: 256 bytes (consumer at 32, offset at 64, flags at 72).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct LineInfo
    {
        public fixed byte Name[MaxNameSize];
        public fixed byte Consumer[MaxNameSize];
        public uint Offset;
        public uint NumAttrs;
        public ulong Flags;
        public fixed byte Attrs[LineNumAttrsMax * 16];
        public fixed uint Padding[4];
    }

    /// <summary><c>struct gpio_v2_line_values</c>: 16 bytes.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct LineValues
    {
        public ulong Bits;
        public ulong Mask;
    }

    /// <summary>A NUL-terminated name field (at most <paramref name="max"/> bytes) as a string.</summary>
    public static string Text(byte* field, int max)
    {
        var span = new ReadOnlySpan<byte>(field, max);
        int end = span.IndexOf((byte)0);
        return System.Text.Encoding.UTF8.GetString(end < 0 ? span : span[..end]);
    }

    /// <summary>Writes <paramref name="text"/> NUL-terminated into a name field, cut to fit.</summary>
    public static void SetText(byte* field, int max, string text)
    {
        var span = new Span<byte>(field, max);
        span.Clear();
        int n = System.Text.Encoding.UTF8.GetBytes(text.AsSpan(0, Math.Min(text.Length, max - 1)), span[..(max - 1)]);
        span[n] = 0;
    }
}
