// Licensed under the MIT License. See LICENSE in the repository root.

namespace OlaSharp.Interop;

/// <summary>
/// Finds the peer programs interop tests run. A missing peer is an error, never a skip:
/// the tests exist to compare against the real thing.
/// </summary>
public static class Peers
{
    // Root's PATH usually has the sbin directories, a test runner's may not; ip lives in /usr/sbin.
    private static readonly string[] s_fallbackDirectories = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"];

    /// <summary>Returns the full path of <paramref name="program"/>, or throws if it is not installed.</summary>
    /// <param name="program">Program name, e.g. <c>olad</c>.</param>
    /// <param name="debianPackage">The Debian package that provides it, e.g. <c>ola</c>.</param>
    /// <returns>The absolute path of the program.</returns>
    /// <exception cref="PeerNotFoundException">The program is not installed.</exception>
    public static string Require(string program, string debianPackage)
    {
        return Find(program) ?? throw new PeerNotFoundException($"{program} not found: apt-get install {debianPackage}");
    }

    /// <summary>Returns the full path of <paramref name="program"/> from PATH and the usual bin directories, or null.</summary>
    /// <param name="program">Program name or absolute path.</param>
    /// <returns>The absolute path, or null when not found.</returns>
    public static string? Find(string program)
    {
        ArgumentException.ThrowIfNullOrEmpty(program);
        if (program.Contains('/', StringComparison.Ordinal))
        {
            return IsExecutable(program) ? Path.GetFullPath(program) : null;
        }

        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        var directories = path.Split(':', StringSplitOptions.RemoveEmptyEntries).Concat(s_fallbackDirectories);
        return directories
            .Select(directory => Path.Combine(directory, program))
            .FirstOrDefault(IsExecutable);
    }

    /// <summary>Throws unless the process runs as root, which network namespaces need.</summary>
    /// <exception cref="InvalidOperationException">Not root.</exception>
    public static void RequireRoot()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            throw new InvalidOperationException(
                "Interop tests create network namespaces and need root (CAP_SYS_ADMIN, CAP_NET_ADMIN); run them as root, e.g. sudo dotnet test tests/OlaSharp.Interop.Tests");
        }
    }

    private static bool IsExecutable(string path)
    {
        if (!File.Exists(path))
        {
            return false;
        }

        var mode = File.GetUnixFileMode(path);
        return (mode & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
    }
}

/// <summary>A peer program the interop tests need is not installed.</summary>
public sealed class PeerNotFoundException : Exception
{
    public PeerNotFoundException()
    {
    }

    public PeerNotFoundException(string message)
        : base(message)
    {
    }

    public PeerNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
