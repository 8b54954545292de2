// Licensed under the MIT License. See LICENSE in the repository root.
using System.Runtime.InteropServices;

namespace OlaSharp.Uart.Tests;

/// <summary>
/// A pseudo-terminal pair opened with libc <c>openpty</c>: the writer opens <see cref="SlavePath"/> (or a
/// symlink to it, to model a device node that comes and goes) and the test reads what arrives on the master.
/// The test's own slave descriptor is closed at once, so only the writer holds the slave. Linked into
/// <c>OlaSharp.Server.Tests</c> too (the UART's <c>/metrics</c> check); what needs the plugin's internals is in
/// <c>PtyPair.Termios.cs</c>.
/// </summary>
internal sealed unsafe partial class PtyPair : IDisposable
{
    private const short PollIn = 0x1;
    private const int EAgain = 11;
    private const int EIo = 5;
    private const int FSetFd = 2;
    private const int FdCloExec = 1;
    private int _master;

    public PtyPair()
    {
        int master, slave;
        if (OpenPty(&master, &slave, null, null, null) != 0)
        {
            throw new IOException($"openpty failed: errno {Marshal.GetLastPInvokeError()}");
        }

        // Children (olasharpd, a process holding the slave) must not inherit the master: a process with the
        // master open owns the pty, and the server does not count it as another user of the line.
        _ = Fcntl(master, FSetFd, FdCloExec);
        _ = Fcntl(slave, FSetFd, FdCloExec);
        _master = master;
        SlavePath = Marshal.PtrToStringUTF8(PtsName(master)) ?? throw new IOException("ptsname failed");

        // Keep the slave open until the writer has it: with no slave open, reads on the master fail with EIO.
        SlaveFd = slave;
    }

    public string SlavePath { get; }

    public int SlaveFd { get; private set; }

    public void CloseTestSlave()
    {
        if (SlaveFd >= 0)
        {
            _ = Close(SlaveFd);
            SlaveFd = -1;
        }
    }

    /// <summary>Reads whatever arrives within <paramref name="timeout"/>, up to <paramref name="max"/> bytes.</summary>
    public byte[] Read(int max, TimeSpan timeout)
    {
        var result = new List<byte>(max);
        byte[] buffer = new byte[65536];
        long end = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        while (result.Count < max)
        {
            long left = end - Environment.TickCount64;
            if (left <= 0)
            {
                break;
            }

            var pfd = new PollFd { Fd = _master, Events = PollIn };
            int r = Poll(&pfd, 1, (int)Math.Min(left, 50));
            if (r <= 0 || (pfd.Revents & PollIn) == 0)
            {
                if (r > 0)
                {
                    Thread.Sleep(5); // POLLHUP: no slave open yet
                }

                continue;
            }

            fixed (byte* p = buffer)
            {
                nint n = ReadFd(_master, p, (nuint)Math.Min(buffer.Length, max - result.Count));
                if (n > 0)
                {
                    result.AddRange(buffer.AsSpan(0, (int)n));
                }
                else if (n < 0 && Marshal.GetLastPInvokeError() is not (EAgain or EIo))
                {
                    throw new IOException($"read failed: errno {Marshal.GetLastPInvokeError()}");
                }
            }
        }

        return [.. result];
    }

    /// <summary>Reads and discards for <paramref name="duration"/>; returns the byte count.</summary>
    public long Drain(TimeSpan duration)
    {
        long total = 0;
        long end = Environment.TickCount64 + (long)duration.TotalMilliseconds;
        while (Environment.TickCount64 < end)
        {
            total += Read(1 << 20, TimeSpan.FromMilliseconds(Math.Max(1, end - Environment.TickCount64))).Length;
        }

        return total;
    }

    /// <summary>Closes the master: the slave is hung up, as when a USB UART is unplugged.</summary>
    public void Dispose()
    {
        CloseTestSlave();
        int fd = Interlocked.Exchange(ref _master, -1);
        if (fd >= 0)
        {
            _ = Close(fd);
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    [LibraryImport("libc", EntryPoint = "openpty", SetLastError = true)]
    private static partial int OpenPty(int* master, int* slave, byte* name, void* termios, void* winsize);

    [LibraryImport("libc", EntryPoint = "fcntl")]
    private static partial int Fcntl(int fd, int command, int arg);

    [LibraryImport("libc", EntryPoint = "ptsname")]
    private static partial nint PtsName(int fd);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static partial nint ReadFd(int fd, byte* buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    private static partial int Poll(PollFd* fds, nuint count, int timeout);
}
