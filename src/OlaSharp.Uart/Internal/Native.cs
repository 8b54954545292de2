// Licensed under the MIT License. See LICENSE in the repository root.
using System.Runtime.InteropServices;

namespace OlaSharp.Uart.Internal;

/// <summary>
/// Linux libc calls for the UART. Constants are the asm-generic values, identical on x86_64 and arm64
/// (the two targets we ship); <see cref="Termios2"/> is 44 bytes on both.
/// </summary>
internal static unsafe partial class Native
{
    // open(2) flags (asm-generic/fcntl.h), for the UART and the GPIO chip.
    public const int ORdWr = 0x2, ONoCtty = 0x100, OCloExec = 0x80000;

    // errno values (asm-generic/errno-base.h, errno.h), for the UART, its health report and the GPIO line.
    public const int EPerm = 1, ENoEnt = 2, EIntr = 4, EIo = 5, ENxio = 6, EAcces = 13, EBusy = 16, ENoDev = 19, EInval = 22, ENotty = 25, ENosys = 38;

    // ioctl requests: TIOCSBRK/TIOCCBRK from asm-generic/ioctls.h; TCGETS2 = _IOR('T', 0x2A, struct termios2),
    // TCSETS2 = _IOW('T', 0x2B, struct termios2) with sizeof(termios2) = 44.
    public const nuint TiocSbrk = 0x5427;
    public const nuint TiocCbrk = 0x5428;
    public const nuint TcGets2 = 0x802C542A;
    public const nuint TcSets2 = 0x402C542B;

    // termios flag bits (asm-generic/termbits.h).
    public const uint IgnBrk = 0x1, BrkInt = 0x2, ParMrk = 0x8, IStrip = 0x20, InlCr = 0x40, IgnCr = 0x80, ICrNl = 0x100, IXon = 0x400, IXoff = 0x1000;
    public const uint OPost = 0x1;
    public const uint ISig = 0x1, ICanon = 0x2, Echo = 0x8, EchoNl = 0x40, IExten = 0x8000;
    public const uint CBaud = 0x100F, CSize = 0x30, Cs8 = 0x30, CStopB = 0x40, CRead = 0x80, ParEnb = 0x100, CLocal = 0x800, BOther = 0x1000;
    public const uint CIBaud = 0x100F0000, CrtsCts = 0x80000000;
    public const int VTime = 5;
    public const int VMin = 6;

    public const int ClockMonotonic = 1;

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    public static partial nint Write(int fd, byte* buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    public static partial int Ioctl(int fd, nuint request, nint arg);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    public static partial int Ioctl(int fd, nuint request, Termios2* arg);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    public static partial int Ioctl(int fd, nuint request, void* arg);

    [LibraryImport("libc", EntryPoint = "tcdrain", SetLastError = true)]
    public static partial int TcDrain(int fd);

    /// <summary><c>TIMER_ABSTIME</c>: <c>clock_nanosleep</c>'s request is an absolute time on the clock.</summary>
    public const int TimerAbstime = 1;

    [LibraryImport("libc", EntryPoint = "clock_nanosleep")]
    public static partial int ClockNanosleep(int clockId, int flags, Timespec* request, Timespec* remain);

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    public static partial int ClockGettime(int clockId, Timespec* time);

    /// <summary><c>PR_SET_TIMERSLACK</c>: the calling thread's timer slack, in nanoseconds (linux/prctl.h).</summary>
    public const int PrSetTimerSlack = 29;

    [LibraryImport("libc", EntryPoint = "prctl", SetLastError = true)]
    public static partial int Prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);

    public const int SchedFifo = 1;

    [LibraryImport("libc", EntryPoint = "sched_setscheduler", SetLastError = true)]
    public static partial int SchedSetScheduler(int pid, int policy, int* priority);

    [LibraryImport("libc", EntryPoint = "strerror")]
    private static partial nint StrError(int errno);

    public static string ErrorText(int errno) => Marshal.PtrToStringUTF8(StrError(errno)) ?? $"errno {errno}";

    /// <summary>Linux <c>struct termios2</c> (asm-generic/termbits.h, NCCS = 19).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Termios2
    {
        public uint IFlag;
        public uint OFlag;
        public uint CFlag;
        public uint LFlag;
        public byte Line;
        public fixed byte Cc[19];
        public uint ISpeed;
        public uint OSpeed;
    }

    /// <summary>64-bit <c>struct timespec</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
