// Licensed under the MIT License. See LICENSE in the repository root.
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using OlaSharp.Core.Interop;

namespace OlaSharp.Core.Conf;

/// <summary>
/// Replaces a file so that readers only ever see the old or the new whole content, and the new content
/// survives a crash once the call returns: write a temp file in the same directory, fsync it,
/// rename(2) it over the target, then fsync the directory (Linux). olad itself truncates and rewrites
/// in place, so a crash mid-write can leave it a partial file; this is deliberately stronger.
/// </summary>
public static partial class AtomicFile
{
    /// <summary>Mode of a newly created file (the process umask still applies, as for olad's ofstream).</summary>
    public const UnixFileMode NewFileMode =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    private const string TempMarker = ".tmp-";

    private static readonly UTF8Encoding s_utf8 = new(encoderShouldEmitUTF8Identifier: false);
    private static long s_counter;

    /// <summary>Atomically replaces <paramref name="path"/> with <paramref name="text"/> as UTF-8 without BOM.</summary>
    public static void WriteAllText(string path, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        WriteAllBytes(path, s_utf8.GetBytes(text));
    }

    /// <summary>
    /// Atomically replaces <paramref name="path"/> with <paramref name="bytes"/>. An existing file keeps its
    /// permission bits; a new one gets <see cref="NewFileMode"/>. If <paramref name="path"/> is a symlink, its
    /// final target is replaced and the link kept. On failure the temp file is deleted and the target is untouched.
    /// </summary>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string target = ResolveTarget(Path.GetFullPath(path));
        string directory = Path.GetDirectoryName(target)
            ?? throw new ArgumentException("The path must name a file inside a directory.", nameof(path));
        long id = Interlocked.Increment(ref s_counter);
        string temp = Path.Combine(directory, TempName(Path.GetFileName(target), Environment.ProcessId, id));

        UnixFileMode? keepMode = null;
        if (!OperatingSystem.IsWindows() && File.Exists(target))
        {
            keepMode = File.GetUnixFileMode(target);
        }

        try
        {
            var options = new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                Share = FileShare.None,
            };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = NewFileMode;
            }

            using (var stream = new FileStream(temp, options))
            {
                if (keepMode is UnixFileMode mode && !OperatingSystem.IsWindows())
                {
                    // fchmod is not subject to the umask, so the old mode is kept exactly.
                    File.SetUnixFileMode(stream.SafeFileHandle, mode);
                }

                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, target, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }

        SyncDirectory(directory);
    }

    /// <summary>The temp file name used while replacing <paramref name="fileName"/>: <c>.&lt;name&gt;.tmp-&lt;pid&gt;-&lt;n&gt;</c>.</summary>
    public static string TempName(string fileName, int pid, long id) =>
        string.Create(CultureInfo.InvariantCulture, $".{fileName}{TempMarker}{pid}-{id}");

    /// <summary>
    /// True when <paramref name="name"/> is exactly a temp name <see cref="TempName"/> makes: a dot, a non-empty
    /// target name, <c>.tmp-</c>, the writer's pid and a counter, both decimal digits only.
    /// </summary>
    public static bool TryParseTempName(string name, out string target, out int pid)
    {
        ArgumentNullException.ThrowIfNull(name);
        target = string.Empty;
        pid = 0;
        int marker = name.LastIndexOf(TempMarker, StringComparison.Ordinal);
        if (name.Length < 2 || name[0] != '.' || marker < 2)
        {
            return false;
        }

        ReadOnlySpan<char> rest = name.AsSpan(marker + TempMarker.Length);
        int dash = rest.IndexOf('-');
        if (dash <= 0 || dash == rest.Length - 1 || !IsDigits(rest[..dash]) || !IsDigits(rest[(dash + 1)..])
            || !int.TryParse(rest[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out pid))
        {
            return false;
        }

        target = name[1..marker];
        return true;
    }

    /// <summary>True when a process with <paramref name="pid"/> exists (kill(pid, 0) does not say ESRCH).</summary>
    public static bool ProcessExists(int pid)
    {
        if (pid <= 0)
        {
            return false;
        }

        if (OperatingSystem.IsWindows())
        {
            return true;
        }

        return Libc.Kill(pid, 0) == 0 || Marshal.GetLastPInvokeError() != Libc.ESrch;
    }

    private static bool IsDigits(ReadOnlySpan<char> text) => !text.IsEmpty && !text.ContainsAnyExcept("0123456789");

    private static string ResolveTarget(string path)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is null)
        {
            return path;
        }

        FileSystemInfo? final = info.ResolveLinkTarget(returnFinalTarget: true);
        return final is null ? path : Path.GetFullPath(final.FullName);
    }

    private static void TryDelete(string temp)
    {
        try
        {
            File.Delete(temp);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Best effort: the original exception is the one that matters.
        }
    }

    // Makes the rename durable. Best effort where it cannot apply: a directory we cannot open, or a
    // file system without directory fsync (EINVAL); any other fsync error is reported.
    private static void SyncDirectory(string directory)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        int fd = Libc.Open(directory, Libc.ORdOnly | Libc.ODirectory | Libc.OCloExec);
        if (fd < 0)
        {
            return;
        }

        try
        {
            if (Libc.FSync(fd) != 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                if (errno != Libc.EInval)
                {
                    throw new IOException($"fsync of directory '{directory}' failed (errno {errno}).");
                }
            }
        }
        finally
        {
            _ = Libc.Close(fd);
        }
    }
}
