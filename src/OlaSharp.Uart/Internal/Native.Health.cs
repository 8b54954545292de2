// Licensed under the MIT License. See LICENSE in the repository root.
using System.Runtime.InteropServices;

namespace OlaSharp.Uart.Internal;

/// <summary>The libc calls the device health report needs: exclusive open, the node's owner, the service user.</summary>
internal static unsafe partial class Native
{
    // asm-generic/ioctls.h: TIOCEXCL makes further opens of the tty fail with EBUSY (except for CAP_SYS_ADMIN);
    // TIOCNXCL clears it.
    public const nuint TiocExcl = 0x540C;
    public const nuint TiocNxcl = 0x540D;

    private const int AtFdCwd = -100;
    private const uint StatxBasicStats = 0x7FF;

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int dirfd, string path, int flags, uint mask, byte* buffer);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    public static partial uint GetEuid();

    [LibraryImport("libc", EntryPoint = "getpwuid")]
    private static partial nint GetPwUid(uint uid);

    [LibraryImport("libc", EntryPoint = "getgrgid")]
    private static partial nint GetGrGid(uint gid);

    /// <summary>
    /// The owner, group and mode of <paramref name="path"/> through <c>statx</c>, whose struct has one layout on
    /// every architecture (stx_uid at 20, stx_gid at 24, stx_mode at 28), unlike <c>struct stat</c>.
    /// </summary>
    public static bool TryStat(string path, out uint uid, out uint gid, out uint mode)
    {
        byte* buffer = stackalloc byte[256];
        if (Statx(AtFdCwd, path, 0, StatxBasicStats, buffer) != 0)
        {
            uid = gid = mode = 0;
            return false;
        }

        uid = *(uint*)(buffer + 20);
        gid = *(uint*)(buffer + 24);
        mode = *(ushort*)(buffer + 28);
        return true;
    }

    /// <summary>The name of user <paramref name="uid"/> (<c>struct passwd</c>'s first field), or the number.</summary>
    public static string UserName(uint uid)
    {
        nint pw = GetPwUid(uid);
        return pw == 0 ? uid.ToString(System.Globalization.CultureInfo.InvariantCulture) : Marshal.PtrToStringUTF8(*(nint*)pw) ?? string.Empty;
    }

    /// <summary>
    /// The name of group <paramref name="gid"/> and its listed members (<c>struct group</c>: gr_name at 0,
    /// gr_mem at 24 on 64-bit), or the number and no members.
    /// </summary>
    public static string GroupName(uint gid, out List<string> members)
    {
        members = [];
        nint gr = GetGrGid(gid);
        if (gr == 0)
        {
            return gid.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        string name = Marshal.PtrToStringUTF8(*(nint*)gr) ?? string.Empty;
        nint* mem = *(nint**)((byte*)gr + 24);
        for (int i = 0; mem != null && mem[i] != 0 && i < 4096; i++)
        {
            members.Add(Marshal.PtrToStringUTF8(mem[i]) ?? string.Empty);
        }

        return name;
    }
}
