// Licensed under the MIT License. See LICENSE in the repository root.
using System.Globalization;

namespace OlaSharp.Uart.Internal;

/// <summary>A device node's owner, group and mode, and whether the service user is in its group.</summary>
internal sealed record NodeAccess(string Owner, string Group, uint Mode, string User, bool ProcessInGroup, bool UserListedInGroup)
{
    public string ModeText => Convert.ToString(Mode & 0x1FF, 8).PadLeft(4, '0');

    public bool GroupMayReadWrite => (Mode & 0x30) == 0x30;
}

/// <summary>
/// What the OS says about a device that would not open: who owns the node and who we are (permission
/// denied), and which processes hold it (busy). Runs only when an open fails or succeeds after a failure,
/// never per frame.
/// </summary>
internal static class DeviceInspector
{
    /// <summary>The user the server runs as (the effective uid's name).</summary>
    public static string ServiceUser() => OperatingSystem.IsLinux() ? Native.UserName(Native.GetEuid()) : Environment.UserName;

    /// <summary>The node's owner and group and the service user's standing in that group, or null when it cannot be read.</summary>
    public static NodeAccess? Access(string path)
    {
        if (!OperatingSystem.IsLinux() || !Native.TryStat(path, out uint uid, out uint gid, out uint mode))
        {
            return null;
        }

        string user = ServiceUser();
        string group = Native.GroupName(gid, out List<string> members);
        return new NodeAccess(Native.UserName(uid), group, mode, user, ProcessGroups().Contains(gid), members.Contains(user, StringComparer.Ordinal));
    }

    /// <summary>
    /// Processes other than this one with <paramref name="path"/> open, from the links in <c>/proc/*/fd</c>
    /// (compared after resolving symlinks such as <c>/dev/serial0</c>). Another user's processes are visible
    /// only to root; unreadable ones are skipped.
    /// </summary>
    public static List<DeviceHolder> Holders(string path)
    {
        var holders = new List<DeviceHolder>();
        if (!OperatingSystem.IsLinux())
        {
            return holders;
        }

        string target = Resolve(path);
        int self = Environment.ProcessId;

        // A pty's slave held by the process that owns its master (socat, a terminal, a test harness) is that
        // process's own end of the pair, not a second writer on the line.
        string? ptyIndex = target.StartsWith("/dev/pts/", StringComparison.Ordinal) ? target["/dev/pts/".Length..] : null;
        IEnumerable<string> pids;
        try
        {
            pids = Directory.EnumerateDirectories("/proc");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return holders;
        }

        foreach (string dir in pids)
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out int pid) || pid == self)
            {
                continue;
            }

            try
            {
                bool holds = false;
                bool master = false;
                foreach (string fd in Directory.EnumerateFileSystemEntries(Path.Combine(dir, "fd")))
                {
                    string? link = new FileInfo(fd).LinkTarget;
                    if (link is null)
                    {
                        continue;
                    }

                    holds |= string.Equals(link, target, StringComparison.Ordinal);
                    master |= ptyIndex is not null && link is "/dev/ptmx" or "/dev/pts/ptmx" && MasterIndex(dir, Path.GetFileName(fd)) == ptyIndex;
                }

                if (holds && !master)
                {
                    holders.Add(new DeviceHolder(pid, Comm(dir)));
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Gone, or another user's process while we are not root.
            }
        }

        return holders;
    }

    // The pty index of a master descriptor ("tty-index:" in /proc/PID/fdinfo/FD, Linux 5.x and later), or null.
    private static string? MasterIndex(string procDir, string fd)
    {
        foreach (string line in File.ReadLines(Path.Combine(procDir, "fdinfo", fd)))
        {
            if (line.StartsWith("tty-index:", StringComparison.Ordinal))
            {
                return line["tty-index:".Length..].Trim();
            }
        }

        return null;
    }

    private static string Resolve(string path)
    {
        try
        {
            return new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? Path.GetFullPath(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return path;
        }
    }

    private static string Comm(string procDir)
    {
        try
        {
            return File.ReadAllText(Path.Combine(procDir, "comm")).Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return "?";
        }
    }

    // The supplementary groups and the effective group of this process ("Groups:" and "Gid:" in /proc/self/status).
    private static HashSet<uint> ProcessGroups()
    {
        var groups = new HashSet<uint>();
        try
        {
            foreach (string line in File.ReadLines("/proc/self/status"))
            {
                bool isGid = line.StartsWith("Gid:", StringComparison.Ordinal);
                if (!isGid && !line.StartsWith("Groups:", StringComparison.Ordinal))
                {
                    continue;
                }

                string[] fields = line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);

                // Gid: real, effective, saved, filesystem; the effective one counts.
                foreach (string f in isGid ? fields.Skip(1).Take(1) : fields)
                {
                    if (uint.TryParse(f, NumberStyles.None, CultureInfo.InvariantCulture, out uint g))
                    {
                        groups.Add(g);
                    }
                }
            }
        }
        catch (IOException)
        {
            // No /proc: nothing known.
        }

        return groups;
    }
}
