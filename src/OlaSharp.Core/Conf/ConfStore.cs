// Licensed under the MIT License. See LICENSE in the repository root.
using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
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

    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, Lock> _saveLocks = new(StringComparer.Ordinal);

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
    /// Saves like <see cref="Save(string, ConfFile)"/> but logs an I/O or permission failure (one error
    /// line naming the file) instead of throwing: the server keeps running with what it has in memory.
    /// </summary>
    public bool TrySave(string prefix, ConfFile file)
    {
        try
        {
            Save(prefix, file);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            ConfLog.SaveFailed(_logger, ex, PathFor(prefix));
            return false;
        }
    }

    /// <summary>
    /// Creates the config directory with mode 0755 (less the umask) if it is missing, as olad does.
    /// Like olad, parents are not created.
    /// </summary>
    /// <returns>True if the directory was created, false if it already existed.</returns>
    /// <exception cref="DirectoryNotFoundException">The parent directory does not exist.</exception>
    public bool EnsureDirectory()
    {
        if (Directory.Exists(DirectoryPath))
        {
            return false;
        }

        string? parent = Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(DirectoryPath));
        if (parent is not null && !Directory.Exists(parent))
        {
            throw new DirectoryNotFoundException(
                $"Cannot create config directory '{DirectoryPath}': its parent '{parent}' does not exist (parents are not created, as in olad).");
        }

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

        ConfLog.DirectoryCreated(_logger, DirectoryPath);
        return true;
    }

    private void SaveTo(string path, ConfFile file)
    {
        Lock gate = _saveLocks.GetOrAdd(path, static _ => new Lock());
        lock (gate)
        {
            file.Save(path);
        }

        ConfLog.FileSaved(_logger, path, file.Count);
    }
}
