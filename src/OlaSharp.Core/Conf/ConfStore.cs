// Licensed under the MIT License. See LICENSE in the repository root.
using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;

namespace OlaSharp.Core.Conf;

/// <summary>
/// olad's config directory (<c>-c</c>, default <c>~/.ola</c>): one <c>ola-&lt;prefix&gt;.conf</c> per
/// plugin or subsystem. Saves of one file are serialized, so concurrent saves never interleave and the
/// last one wins whole; different files save in parallel. Thread-safe.
/// </summary>
public sealed class ConfStore
{
    private const string FilePrefix = "ola-";
    private const string FileSuffix = ".conf";

    /// <summary>A temp file of a live process is removed anyway once it is this old (a save takes milliseconds).</summary>
    public static readonly TimeSpan StaleTempAge = TimeSpan.FromMinutes(10);

    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, Lock> _saveLocks = new(StringComparer.Ordinal);

    // Files whose last save failed: the failure is said once, and again only after a save succeeded.
    private readonly ConcurrentDictionary<string, byte> _failing = new(StringComparer.Ordinal);

    // Set when EnsureDirectory said the directory cannot be used: saves are then not said per file.
    private volatile bool _directoryUnusable;

    /// <summary>Creates a store for <paramref name="directory"/>; nothing is touched on disk yet.</summary>
    public ConfStore(string directory, ILogger? logger = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        DirectoryPath = Path.GetFullPath(directory);
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>Absolute path of the config directory.</summary>
    public string DirectoryPath { get; }

    /// <summary>The file for <paramref name="prefix"/>: <c>&lt;dir&gt;/ola-&lt;prefix&gt;.conf</c>.</summary>
    public string PathFor(string prefix)
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        if (prefix.AsSpan().IndexOfAny('/', '\\', '\0') >= 0)
        {
            throw new ArgumentException("A config prefix must not contain path separators.", nameof(prefix));
        }

        return Path.Combine(DirectoryPath, FilePrefix + prefix + FileSuffix);
    }

    /// <summary>Loads the file for <paramref name="prefix"/> (empty if missing or unreadable; see <see cref="ConfFile.Load"/>).</summary>
    public ConfFile Load(string prefix) => ConfFile.Load(PathFor(prefix), _logger);

    /// <summary>Saves <paramref name="file"/> back to the path it was loaded from.</summary>
    /// <exception cref="InvalidOperationException">The file was not loaded from disk, so it has no path.</exception>
    public void Save(ConfFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        string path = file.Path
            ?? throw new InvalidOperationException("This ConfFile was not loaded from disk; use Save(prefix, file).");
        SaveTo(Path.GetFullPath(path), file);
    }

    /// <summary>Saves <paramref name="file"/> as the file for <paramref name="prefix"/>.</summary>
    public void Save(string prefix, ConfFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        SaveTo(PathFor(prefix), file);
    }

    /// <summary>
    /// Saves like <see cref="Save(string, ConfFile)"/> but never throws for the file system: a failure (a
    /// read-only or missing directory, no permission, a full disk) is logged in one warning line naming the
    /// file, once until a save of that file succeeds again, and the server keeps running with what it has in
    /// memory. A file that could not be read (<see cref="ConfFile.LoadFailed"/>) is not saved over. Before the
    /// first save of a file read only in part (<see cref="ConfFile.Truncated"/>), the whole file is copied to
    /// <see cref="OversizeBackupPath"/>, so nothing beyond the cap is lost.
    /// </summary>
    public bool TrySave(string prefix, ConfFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (file.LoadFailed)
        {
            return false;
        }

        string path = PathFor(prefix);
        try
        {
            if (file.Truncated)
            {
                string backup = OversizeBackupPath(path);
                File.Copy(path, backup, overwrite: true);
                Log.OversizeBackup(_logger, path, backup);
                file.Truncated = false;
            }

            SaveTo(path, file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            if (_failing.TryAdd(path, 0) && !(_directoryUnusable && !Directory.Exists(DirectoryPath)))
            {
                Log.SaveFailed(_logger, path, ConfFile.Reason(ex));
            }

            return false;
        }

        if (_failing.TryRemove(path, out _))
        {
            Log.SavedAgain(_logger, path);
        }

        return true;
    }

    /// <summary>Where the whole of an oversized file is copied before it is first saved: <c>&lt;path&gt;.orig</c>.</summary>
    public static string OversizeBackupPath(string path) => path + ".orig";

    /// <summary>
    /// Makes the config directory usable, never throwing: creates it (mode 0755 less the umask) and any
    /// missing parents (olad creates only the last level, and then cannot start), and removes the temp files
    /// a killed server left (see <see cref="RemoveStaleTempFiles"/>). When the directory cannot be created
    /// (the path is a file, no permission), one warning says so and the server runs on defaults.
    /// </summary>
    /// <returns>True if the directory was created, false if it already existed or could not be created.</returns>
    public bool EnsureDirectory()
    {
        if (Directory.Exists(DirectoryPath))
        {
            RemoveStaleTempFiles();
            return false;
        }

        try
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(DirectoryPath);
            }
            else
            {
                Directory.CreateDirectory(
                    DirectoryPath,
                    UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                    | UnixFileMode.GroupRead | UnixFileMode.GroupExecute
                    | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            string reason = File.Exists(DirectoryPath) ? "it is a file" : ConfFile.Reason(ex);
            Log.DirectoryUnusable(_logger, DirectoryPath, reason);
            _directoryUnusable = true;
            return false;
        }

        Log.DirectoryCreated(_logger, DirectoryPath);
        return true;
    }

    /// <summary>
    /// Removes the temp files <see cref="AtomicFile"/> leaves when the process is killed mid-save, and only
    /// those: <c>.ola-&lt;prefix&gt;.conf.tmp-&lt;pid&gt;-&lt;n&gt;</c>, regular files, whose pid is not a live
    /// process other than this one (this one has saved nothing yet when this runs at start) or which are older
    /// than <see cref="StaleTempAge"/>. Anything else, look-alikes included, is left alone. Returns the count.
    /// </summary>
    public int RemoveStaleTempFiles()
    {
        int removed = 0;
        try
        {
            foreach (string temp in Directory.EnumerateFiles(DirectoryPath, "." + FilePrefix + "*" + FileSuffix + ".tmp-*"))
            {
                string name = Path.GetFileName(temp);
                if (!AtomicFile.TryParseTempName(name, out string target, out int pid)
                    || !target.StartsWith(FilePrefix, StringComparison.Ordinal) || !target.EndsWith(FileSuffix, StringComparison.Ordinal))
                {
                    continue;
                }

                var info = new FileInfo(temp);
                bool mayBeLive = pid != Environment.ProcessId && AtomicFile.ProcessExists(pid);
                if (info.LinkTarget is not null || (mayBeLive && DateTime.UtcNow - info.LastWriteTimeUtc < StaleTempAge))
                {
                    continue;
                }

                info.Delete();
                removed++;
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Best effort: a directory we cannot list or write is reported when a file is saved.
        }

        if (removed > 0)
        {
            Log.StaleTempFilesRemoved(_logger, removed, DirectoryPath);
        }

        return removed;
    }

    private void SaveTo(string path, ConfFile file)
    {
        Lock gate = _saveLocks.GetOrAdd(path, static _ => new Lock());
        lock (gate)
        {
            file.Save(path);
        }

        Log.FileSaved(_logger, path, file.Count);
    }
}
