// Licensed under the MIT License. See LICENSE in the repository root.

using System.Runtime.InteropServices;

namespace OlaSharp.Interop.Internal;

/// <summary>The few libc calls the harness needs and the BCL does not offer.</summary>
internal static partial class Native
{
    public const int SigTerm = 15;
    public const int SigKill = 9;

    /// <summary>CLONE_NEWNET from &lt;sched.h&gt;: setns may only join a network namespace.</summary>
    public const int CloneNewNet = 0x40000000;

    /// <summary>ESRCH from &lt;errno.h&gt;: no such process.</summary>
    public const int NoSuchProcess = 3;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);

    [LibraryImport("libc", EntryPoint = "chown", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Chown(string path, uint owner, uint group);

    [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
    public static partial int SetNs(int fd, int namespaceType);
}
