// Licensed under the MIT License. See LICENSE in the repository root.
using System.Runtime.InteropServices;
using OlaSharp.Core.Interop;
using OlaSharp.Core.Plugins;

namespace OlaSharp.Uart.Internal;

/// <summary>
/// A Linux tty opened for DMX512 output with plain libc calls on the descriptor. System.IO.Ports is not
/// used: its <c>BreakState</c> is <c>tcsendbreak</c> (a 250-500 ms break) and its stream adds a reader
/// thread we do not need.
/// </summary>
internal sealed unsafe class LinuxUart : IUartLine
{
    /// <summary>DMX512 line rate.</summary>
    public const uint Baud = 250_000;

    private int _fd;

    private LinuxUart(int fd)
    {
        _fd = fd;
    }

    /// <summary>
    /// Opens <paramref name="path"/> O_RDWR|O_NOCTTY and sets it raw, 8 data bits, no parity, 2 stop bits,
    /// CLOCAL, no flow control, no output processing, 250000 baud through TCSETS2/BOTHER (one call), then
    /// takes it exclusively (TIOCEXCL: a second server's open fails with EBUSY instead of garbling the line).
    /// A tty that another process already holds (found in <c>/proc/*/fd</c>; for a pty, not the process that
    /// owns its master) is closed untouched and reported busy. Failures are <see cref="UartOpenException"/>s carrying the health state they mean.
    /// </summary>
    public static LinuxUart Open(string path, out string? warning)
    {
        int fd = Libc.Open(path, Libc.ORdWr | Libc.ONoCtty | Libc.OCloExec);
        if (fd < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            var failure = new IOException(string.Empty, errno);
            DeviceHealthState state = UartOpenException.Classify(failure);
            List<DeviceHolder> holders = state == DeviceHealthState.Busy ? DeviceInspector.Holders(path) : [];
            string by = holders.Count > 0 ? $" (held by {string.Join(", ", holders)})" : string.Empty;
            throw new UartOpenException($"Could not open {path}: {Libc.ErrorText(errno)}{by}", errno, state, holders);
        }

        var uart = new LinuxUart(fd);
        try
        {
            Native.Termios2 t;
            if (Native.Ioctl(fd, Native.TcGets2, &t) != 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                throw new UartOpenException(TcGets2Failed(path, errno), errno, errno == Libc.ENotty ? DeviceHealthState.NotATty : DeviceHealthState.OpenFailed);
            }

            // Before touching its settings: a tty in use by olad or a getty stays theirs.
            List<DeviceHolder> holders = DeviceInspector.Holders(path);
            if (holders.Count > 0)
            {
                throw new UartOpenException($"{path} is held by {string.Join(", ", holders)}", Libc.EBusy, DeviceHealthState.Busy, holders);
            }

            warning = uart.Configure(path);
            _ = Native.Ioctl(fd, Native.TiocExcl, 0);
        }
        catch
        {
            uart.Dispose();
            throw;
        }

        return uart;
    }

    /// <summary>Why TCGETS2 failed: not a tty (ENOTTY), or a kernel or emulator without termios2 (qemu-user 7.2: ENOSYS).</summary>
    internal static string TcGets2Failed(string path, int errno) => errno == Libc.ENotty
        ? $"{path}: TCGETS2 failed: {Libc.ErrorText(errno)} (not a serial port)"
        : $"{path}: TCGETS2 failed: {Libc.ErrorText(errno)} (this kernel, or an emulator such as qemu-user, lacks termios2, which 250000 baud needs)";

    private string? Configure(string path)
    {
        Native.Termios2 t;
        if (Native.Ioctl(_fd, Native.TcGets2, &t) != 0)
        {
            throw Error($"{path}: TCGETS2 failed");
        }

        // cfmakeraw, then the DMX512 frame format.
        t.IFlag &= ~(Native.IgnBrk | Native.BrkInt | Native.ParMrk | Native.IStrip | Native.InlCr | Native.IgnCr | Native.ICrNl | Native.IXon | Native.IXoff);
        t.OFlag &= ~Native.OPost;
        t.LFlag &= ~(Native.Echo | Native.EchoNl | Native.ICanon | Native.ISig | Native.IExten);
        t.CFlag &= ~(Native.CBaud | Native.CIBaud | Native.CSize | Native.ParEnb | Native.CrtsCts);
        t.CFlag |= Native.Cs8 | Native.CStopB | Native.CLocal | Native.CRead | Native.BOther;
        t.Cc[Native.VMin] = 1;
        t.Cc[Native.VTime] = 0;
        t.ISpeed = Baud;
        t.OSpeed = Baud;
        if (Native.Ioctl(_fd, Native.TcSets2, &t) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            return $"{path}: TCSETS2 failed ({Libc.ErrorText(errno)}); the line keeps its current settings";
        }

        Native.Termios2 check;
        if (Native.Ioctl(_fd, Native.TcGets2, &check) == 0)
        {
            if (check.OSpeed != Baud)
            {
                return $"{path}: asked for {Baud} baud, the driver set {check.OSpeed}";
            }

            if ((check.OFlag & Native.OPost) != 0 || (check.CFlag & (Native.CSize | Native.CStopB | Native.ParEnb)) != (Native.Cs8 | Native.CStopB))
            {
                return $"{path}: the driver did not take the raw 8N2 settings";
            }
        }

        return null;
    }

    /// <inheritdoc />
    public bool SetBreak(bool on)
    {
        if (Native.Ioctl(Fd, on ? Native.TiocSbrk : Native.TiocCbrk, 0) == 0)
        {
            return true;
        }

        int errno = Marshal.GetLastPInvokeError();
        if (errno is Libc.ENotty or Libc.EInval or Libc.ENosys)
        {
            return false;
        }

        throw new IOException($"{(on ? "TIOCSBRK" : "TIOCCBRK")} failed: {Libc.ErrorText(errno)}", errno);
    }

    /// <inheritdoc />
    public void Write(ReadOnlySpan<byte> data)
    {
        int fd = Fd;
        fixed (byte* p = data)
        {
            int done = 0;
            while (done < data.Length)
            {
                nint n = Libc.Write(fd, p + done, (nuint)(data.Length - done));
                if (n > 0)
                {
                    done += (int)n;
                    continue;
                }

                int errno = n < 0 ? Marshal.GetLastPInvokeError() : Libc.EIo;
                if (errno == Libc.EIntr)
                {
                    continue;
                }

                throw new IOException($"write failed: {Libc.ErrorText(errno)}", errno);
            }
        }
    }

    /// <inheritdoc />
    public void Drain()
    {
        while (Native.TcDrain(Fd) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            if (errno != Libc.EIntr)
            {
                throw new IOException($"tcdrain failed: {Libc.ErrorText(errno)}", errno);
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        int fd = Interlocked.Exchange(ref _fd, -1);
        if (fd >= 0)
        {
            // The exclusive flag outlives this descriptor while another one is open (a test's pty slave).
            _ = Native.Ioctl(fd, Native.TiocNxcl, 0);
            _ = Libc.Close(fd);
        }
    }

    private int Fd => _fd >= 0 ? _fd : throw new ObjectDisposedException(nameof(LinuxUart));

    private static IOException Error(string what)
    {
        int errno = Marshal.GetLastPInvokeError();
        return new IOException($"{what}: {Libc.ErrorText(errno)}", errno);
    }
}

/// <summary>Opens <see cref="LinuxUart"/>s.</summary>
internal sealed class LinuxUartFactory : IUartLineFactory
{
    public static LinuxUartFactory Instance { get; } = new();

    /// <inheritdoc />
    public IUartLine Open(string path, out string? warning) => LinuxUart.Open(path, out warning);
}
