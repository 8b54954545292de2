// Licensed under the MIT License. See LICENSE in the repository root.
using System.Globalization;
using System.Runtime.InteropServices;
using OlaSharp.Core.Interop;
using OlaSharp.Uart.Internal;

namespace OlaSharp.Uart.Gpio;

/// <summary>
/// The GPIO chips of this Linux machine through the kernel's character device (uAPI v2, Linux 5.10+): open,
/// ioctl and close from libc, no libgpiod (System.Device.Gpio 4.2.0 needs <c>libgpiod.so.2</c> and fails where an
/// image ships only libgpiod 3, dotnet/iot#2489), nothing reflected, so it suits native AOT.
/// </summary>
public sealed class LinuxGpioChips : IGpioChips
{
    /// <summary>The one instance (the type has no state).</summary>
    public static LinuxGpioChips Instance { get; } = new();

    private readonly string _dev;

    private LinuxGpioChips()
        : this("/dev")
    {
    }

    /// <summary>Lists the nodes under <paramref name="devDirectory"/> instead of <c>/dev</c> (tests).</summary>
    internal LinuxGpioChips(string devDirectory)
    {
        _dev = devDirectory;
    }

    /// <inheritdoc />
    /// <remarks>
    /// A node that is a symlink to another listed node is left out: Pi 5 kernels from 6.6.45 keep
    /// <c>/dev/gpiochip4 -&gt; gpiochip0</c> for old programs (raspberrypi/linux#6144).
    /// </remarks>
    public IReadOnlyList<string> ChipPaths()
    {
        string[] nodes;
        try
        {
            nodes = Directory.GetFiles(_dev, "gpiochip*");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return [];
        }

        var real = new List<(int Number, string Path)>();
        var links = new List<(int Number, string Path, string Target)>();
        foreach (string node in nodes)
        {
            if (!int.TryParse(System.IO.Path.GetFileName(node.AsSpan())["gpiochip".Length..], NumberStyles.None, CultureInfo.InvariantCulture, out int n))
            {
                continue;
            }

            FileSystemInfo? target = null;
            try
            {
                target = new FileInfo(node).ResolveLinkTarget(returnFinalTarget: true);
            }
            catch (IOException)
            {
                // A broken link: list it as it is, and let opening it say what is wrong.
            }

            if (target is null)
            {
                real.Add((n, node));
            }
            else
            {
                links.Add((n, node, target.FullName));
            }
        }

        foreach ((int n, string path, string target) in links)
        {
            if (!real.Exists(r => r.Path == target))
            {
                real.Add((n, path));
            }
        }

        real.Sort((a, b) => a.Number.CompareTo(b.Number));
        return [.. real.Select(r => r.Path)];
    }

    /// <inheritdoc />
    public unsafe int TryOpen(string path, out IGpioChip? chip)
    {
        ArgumentNullException.ThrowIfNull(path);
        chip = null;
        int fd = Libc.Open(path, Libc.ORdWr | Libc.OCloExec);
        if (fd < 0)
        {
            return Marshal.GetLastPInvokeError();
        }

        GpioUapi.ChipInfo info = default;
        if (Native.Ioctl(fd, GpioUapi.GetChipInfoIoctl, &info) < 0)
        {
            // ENOTTY: not a GPIO chip (or a kernel without the character device).
            int errno = Marshal.GetLastPInvokeError();
            Libc.Close(fd);
            return errno;
        }

        chip = new Chip(fd, path, new GpioChipInfo(
            GpioUapi.Text(info.Name, GpioUapi.MaxNameSize),
            GpioUapi.Text(info.Label, GpioUapi.MaxNameSize),
            (int)Math.Min(info.Lines, int.MaxValue)));
        return 0;
    }

    /// <inheritdoc />
    public string? NodeGroup(string path) =>
        Internal.Native.TryStat(path, out _, out uint gid, out _) ? Internal.Native.GroupName(gid, out _) : null;

    private sealed class Chip(int fd, string path, GpioChipInfo info) : IGpioChip
    {
        private int _fd = fd;

        public string Path { get; } = path;

        public GpioChipInfo Info { get; } = info;

        public unsafe int TryGetLineInfo(int offset, out GpioLineInfo lineInfo)
        {
            lineInfo = default;
            ObjectDisposedException.ThrowIf(_fd < 0, this);

            // The kernel rejects non-zero padding (EINVAL), so the request starts zeroed.
            GpioUapi.LineInfo raw = default;
            raw.Offset = (uint)offset;
            if (Native.Ioctl(_fd, GpioUapi.GetLineInfoIoctl, &raw) < 0)
            {
                return Marshal.GetLastPInvokeError();
            }

            lineInfo = new GpioLineInfo(
                GpioUapi.Text(raw.Name, GpioUapi.MaxNameSize),
                GpioUapi.Text(raw.Consumer, GpioUapi.MaxNameSize),
                (raw.Flags & GpioUapi.LineFlagUsed) != 0);
            return 0;
        }

        public unsafe int TryRequestOutput(int offset, bool value, string consumer, out IGpioLine? line)
        {
            line = null;
            ObjectDisposedException.ThrowIf(_fd < 0, this);
            GpioUapi.LineRequest request = default;
            request.Offsets[0] = (uint)offset;
            request.NumLines = 1;
            GpioUapi.SetText(request.Consumer, GpioUapi.MaxNameSize, consumer);
            request.Config.Flags = GpioUapi.LineFlagOutput;
            request.Config.NumAttrs = 1;

            // The starting level goes with the request, so the pin turns output already at that level.
            var attr = (GpioUapi.LineConfigAttribute*)request.Config.Attrs;
            attr->Attr.Id = GpioUapi.LineAttrIdOutputValues;
            attr->Attr.Value = value ? 1UL : 0UL;
            attr->Mask = 1;
            if (Native.Ioctl(_fd, GpioUapi.GetLineIoctl, &request) < 0)
            {
                return Marshal.GetLastPInvokeError();
            }

            line = new Line(request.Fd);
            return 0;
        }

        public void Dispose()
        {
            int fd = Interlocked.Exchange(ref _fd, -1);
            if (fd >= 0)
            {
                Libc.Close(fd);
            }
        }
    }

    private sealed class Line(int fd) : IGpioLine
    {
        private int _fd = fd;

        // Preallocated so a set on the frame path allocates nothing; the mask selects the one line.
        private GpioUapi.LineValues _values = new() { Mask = 1 };

        public unsafe int SetValue(bool value)
        {
            ObjectDisposedException.ThrowIf(_fd < 0, this);
            _values.Bits = value ? 1UL : 0UL;
            fixed (GpioUapi.LineValues* v = &_values)
            {
                return Native.Ioctl(_fd, GpioUapi.LineSetValuesIoctl, v) < 0 ? Marshal.GetLastPInvokeError() : 0;
            }
        }

        public void Dispose()
        {
            int fd = Interlocked.Exchange(ref _fd, -1);
            if (fd >= 0)
            {
                Libc.Close(fd);
            }
        }
    }
}
