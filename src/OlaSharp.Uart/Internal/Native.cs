// Licensed under the MIT License. See LICENSE in the repository root.
using System.Runtime.InteropServices;
using OlaSharp.Core.Interop;

namespace OlaSharp.Uart.Internal;

/// <summary>
/// Linux libc calls only the UART needs (the shared ones are Core's <see cref="Libc"/>). Constants are the asm-generic values, identical on x86_64 and arm64
/// (the two targets we ship); <see cref="Termios2"/> is 44 bytes on both.
/// </summary>
internal static unsafe partial class Native
{
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

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    public static partial int Ioctl(int fd, nuint request, nint arg);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    public static partial int Ioctl(int fd, nuint request, Termios2* arg);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    public static partial int Ioctl(int fd, nuint request, void* arg);

    [LibraryImport("libc", EntryPoint = "tcdrain", SetLastError = true)]
    public static partial int TcDrain(int fd);

    /// <summary><c>PR_SET_TIMERSLACK</c>: the calling thread's timer slack, in nanoseconds (linux/prctl.h).</summary>
    public const int PrSetTimerSlack = 29;

    [LibraryImport("libc", EntryPoint = "prctl", SetLastError = true)]
    public static partial int Prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);

    public const int SchedFifo = 1;

    [LibraryImport("libc", EntryPoint = "sched_setscheduler", SetLastError = true)]
    public static partial int SchedSetScheduler(int pid, int policy, int* priority);

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
}
