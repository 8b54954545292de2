// Licensed under the MIT License. See LICENSE in the repository root.
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using OlaSharp.Uart.Internal;

namespace OlaSharp.Uart.Setup;

/// <summary>
/// The running system's probes on Linux: <c>statx</c> for the node, <c>/proc/*/fd</c> for holders, the UART's
/// own open code (<see cref="LinuxUart"/>: TCSETS2/BOTHER) for the baud rate, and the GPIO character device
/// (uAPI v2 line info) for the driver-enable line. Reads only; the one thing it changes is the tty's termios,
/// and only when nobody holds the tty.
/// </summary>
public sealed unsafe partial class LinuxSystemProbe : ISystemProbe
{
    private const int AtFdCwd = -100;
    private const uint StatxBasicStats = 0x7FF;
    private const uint SIfMt = 0xF000;
    private const uint SIfChr = 0x2000;

    // GPIO_GET_CHIPINFO_IOCTL = _IOR(0xB4, 0x01, struct gpiochip_info /* 68 bytes */);
    // GPIO_V2_GET_LINEINFO_IOCTL = _IOWR(0xB4, 0x05, struct gpio_v2_line_info /* 256 bytes */) (linux/gpio.h).
    private const nuint GpioGetChipInfo = 0x8044B401;
    private const nuint GpioV2GetLineInfo = 0xC100B405;
    private const ulong GpioV2LineFlagUsed = 1;

    /// <summary>The one instance.</summary>
    public static LinuxSystemProbe Instance { get; } = new();

    /// <inheritdoc />
    public NodeInfo? Stat(string path, out string? error)
    {
        byte* buffer = stackalloc byte[256];
        if (Statx(AtFdCwd, path, 0, StatxBasicStats, buffer) != 0)
        {
            error = Native.ErrorText(Marshal.GetLastPInvokeError());
            return null;
        }

        // struct statx: stx_mask u32 @0, stx_blksize u32 @4, stx_attributes u64 @8, stx_nlink u32 @16,
        // stx_uid u32 @20, stx_gid u32 @24, stx_mode u16 @28 (the same on every architecture).
        uint uid = *(uint*)(buffer + 20);
        uint gid = *(uint*)(buffer + 24);
        uint mode = *(ushort*)(buffer + 28);
        error = null;
        return new NodeInfo((mode & SIfMt) == SIfChr, uid, gid, mode & 0xFFF);
    }

    /// <inheritdoc />
    public IReadOnlyList<Holder> Holders(string path)
    {
        var result = new List<Holder>();
        string target;
        try
        {
            target = new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? Path.GetFullPath(path);
        }
        catch (IOException)
        {
            target = path;
        }

        IEnumerable<string> pids;
        try
        {
            pids = Directory.EnumerateDirectories("/proc");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return result;
        }

        foreach (string dir in pids)
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
            {
                continue;
            }

            try
            {
                foreach (string fd in Directory.EnumerateFileSystemEntries(Path.Combine(dir, "fd")))
                {
                    string? link = new FileInfo(fd).LinkTarget;
                    if (link == target || link == path)
                    {
                        result.Add(new Holder(pid, File.ReadAllText(Path.Combine(dir, "comm")).Trim()));
                        break;
                    }
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Another user's process (needs root to read its fds) or one that just ended.
            }
        }

        return result;
    }

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
    public IReadOnlyList<string> GpioChips()
    {
        try
        {
            return [.. Directory.GetFiles("/dev", "gpiochip*").Order(StringComparer.Ordinal)];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    /// <inheritdoc />
    public GpioLineState? GpioLine(string label, int offset, out string? error)
    {
        IReadOnlyList<string> chips = GpioChips();
        if (chips.Count == 0)
        {
            error = "no /dev/gpiochip* on this system";
            return null;
        }

        string? firstError = null;
        var seen = new List<string>();
        foreach (string chip in chips)
        {
            // O_RDONLY: line info needs no write access.
            int fd = Native.Open(chip, Native.OCloExec);
            if (fd < 0)
            {
                firstError ??= $"{chip}: {Native.ErrorText(Marshal.GetLastPInvokeError())}";
                continue;
            }

            try
            {
                byte* info = stackalloc byte[68];
                new Span<byte>(info, 68).Clear();
                if (Native.Ioctl(fd, GpioGetChipInfo, (nint)info) != 0)
                {
                    continue;
                }

                string chipLabel = CString(info + 32, 32);
                uint lines = *(uint*)(info + 64);
                seen.Add($"{chip} ({chipLabel})");
                if (chipLabel != label)
                {
                    continue;
                }

                if (offset >= lines)
                {
                    error = $"{chip} ({label}) has {lines} lines, no line {offset}";
                    return null;
                }

                byte* line = stackalloc byte[256];
                new Span<byte>(line, 256).Clear();
                *(uint*)(line + 64) = (uint)offset;
                if (Native.Ioctl(fd, GpioV2GetLineInfo, (nint)line) != 0)
                {
                    error = $"{chip}: line info failed: {Native.ErrorText(Marshal.GetLastPInvokeError())}";
                    return null;
                }

                // struct gpio_v2_line_info: name[32] @0, consumer[32] @32, offset u32 @64, num_attrs u32 @68, flags u64 @72.
                ulong flags = *(ulong*)(line + 72);
                error = null;
                return new GpioLineState(chip, chipLabel, (flags & GpioV2LineFlagUsed) != 0, CString(line + 32, 32));
            }
            finally
            {
                _ = Native.Close(fd);
            }
        }

        error = firstError is not null && seen.Count == 0
            ? $"cannot open the GPIO chips ({firstError})"
            : $"no chip labelled {label} (found: {(seen.Count == 0 ? "none readable" : string.Join(", ", seen))})";
        return null;
    }

    private static string CString(byte* p, int max)
    {
        int n = new ReadOnlySpan<byte>(p, max).IndexOf((byte)0);
        return Encoding.UTF8.GetString(p, n < 0 ? max : n);
    }

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int dirfd, string path, int flags, uint mask, byte* buffer);
}
