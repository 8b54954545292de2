// Licensed under the MIT License. See LICENSE in the repository root.
using System.Runtime.InteropServices;

namespace OlaSharp.Core.Interop;

/// <summary>
/// The Linux libc calls and constants more than one part of the server uses (the refresh clock's waiter, the
/// conf files' directory sync, the UART line and its GPIO and health): declared once, here, and compiled into
/// OlaSharp.Core and OlaSharp.Uart (internal to each; OlaSharp.Uart.csproj links this file). Constants are the
/// asm-generic values, identical on x86_64 and arm64 (the two targets we ship), except <see cref="ODirectory"/>.
/// What only one device needs (termios, its ioctls, statx) stays with it.
/// </summary>
internal static unsafe partial class Libc
{
    // open(2) flags (asm-generic/fcntl.h).
    public const int ORdOnly = 0x0, ORdWr = 0x2, ONoCtty = 0x100, ONonBlock = 0x800, OCloExec = 0x80000;

    // errno values (asm-generic/errno-base.h, errno.h).
    public const int EPerm = 1, ENoEnt = 2, ESrch = 3, EIntr = 4, EIo = 5, ENxio = 6, EAcces = 13, EBusy = 16, ENoDev = 19, EInval = 22, ENotty = 25, ENosys = 38;

    /// <summary><c>CLOCK_MONOTONIC</c>, the clock of .NET's Stopwatch timestamps on Linux.</summary>
    public const int ClockMonotonic = 1;

    /// <summary><c>TIMER_ABSTIME</c> (<c>TFD_TIMER_ABSTIME</c> has the same value): the time given is absolute on the clock.</summary>
    public const int TimerAbstime = 1;

    /// <summary><c>POLLIN</c>.</summary>
    public const short PollIn = 0x001;

    /// <summary><c>O_DIRECTORY</c>: 040000 on arm, arm64 and powerpc, 0200000 on x86, x64 and the generic ABI.</summary>
    public static readonly int ODirectory = RuntimeInformation.ProcessArchitecture
        is Architecture.Arm or Architecture.Arm64 or Architecture.Armv6 or Architecture.Ppc64le
        ? 0x4000
        : 0x10000;

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    public static partial nint Read(int fd, void* buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    public static partial nint Write(int fd, void* buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    public static partial int Poll(PollFd* fds, ulong count, int timeoutMs);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    public static partial int FSync(int fd);

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);

    [LibraryImport("libc", EntryPoint = "clock_nanosleep")]
    public static partial int ClockNanosleep(int clockId, int flags, Timespec* request, Timespec* remain);

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    public static partial int ClockGettime(int clockId, Timespec* time);

    [LibraryImport("libc", EntryPoint = "strerror")]
    private static partial nint StrError(int errno);

    /// <summary>libc's text for <paramref name="errno"/> ("No such file or directory").</summary>
    public static string ErrorText(int errno) => Marshal.PtrToStringUTF8(StrError(errno)) ?? $"errno {errno}";

    /// <summary>64-bit <c>struct timespec</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    /// <summary><c>struct pollfd</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }
}
