// Licensed under the MIT License. See LICENSE in the repository root.

using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using OlaSharp.Interop.Internal;

namespace OlaSharp.Interop;

/// <summary>
/// A real olad (OLA 0.10.9) running as user <c>olad</c> inside a <see cref="NetworkNamespace"/>,
/// with a throw-away conf directory in which only the plugins under test are enabled.
/// </summary>
public sealed partial class OladInstance : IAsyncDisposable
{
    /// <summary>olad's RPC port (127.0.0.1 only).</summary>
    public const int RpcPort = 9010;

    /// <summary>olad's HTTP port.</summary>
    public const int HttpPort = 9090;

    /// <summary>The user olad runs as; it refuses root.</summary>
    public const string User = "olad";

    private static readonly TimeSpan s_defaultStartTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan s_stopGrace = TimeSpan.FromSeconds(5);

    // The conf prefixes olad 0.10.9 writes into an empty conf dir (ola-<prefix>.conf), checked
    // by running it once; ola-port.conf and ola-server.conf are not plugins.
    private static readonly string[] s_knownPlugins =
    [
        "artnet", "dummy", "e131", "espnet", "ftdidmx", "gpio", "karate", "kinet", "milinst", "opendmx",
        "openpixelcontrol", "osc", "pathport", "renard", "sandnet", "shownet", "spi", "stageprofi",
        "uartdmx", "usbdmx", "usbserial",
    ];

    private readonly Process _process;
    private int _disposed;

    private OladInstance(NetworkNamespace ns, string configDir, Process process)
    {
        Namespace = ns;
        ConfigDir = configDir;
        _process = process;
        Pid = process.Id;
    }

    /// <summary>Plugin conf prefixes olad 0.10.9 knows.</summary>
    public static IReadOnlyList<string> KnownPlugins => s_knownPlugins;

    /// <summary>The namespace olad runs in.</summary>
    public NetworkNamespace Namespace { get; }

    /// <summary>The conf directory (owned by olad), deleted on dispose.</summary>
    public string ConfigDir { get; }

    /// <summary>olad's pid.</summary>
    public int Pid { get; }

    /// <summary>olad's stdout and stderr (it logs to stderr).</summary>
    public string LogPath => Path.Combine(ConfigDir, "olad.log");

    /// <summary>True once olad has exited.</summary>
    public bool HasExited => !ProcessRunner.IsRunning(_process);

    /// <summary>
    /// Writes a conf directory with every known plugin disabled except <paramref name="enabledPlugins"/>,
    /// starts <c>olad -c DIR --no-register-with-dns-sd -l 3</c> in <paramref name="ns"/> as user olad,
    /// and waits until 127.0.0.1:9010 answers there.
    /// </summary>
    /// <param name="ns">Where olad runs.</param>
    /// <param name="enabledPlugins">Conf prefixes to enable, e.g. <c>dummy</c>, <c>artnet</c>, <c>e131</c>.</param>
    /// <param name="startTimeout">Upper bound on the start; 10 s by default.</param>
    /// <param name="extraConf">
    /// File name to content, written after the defaults (e.g. <c>ola-port.conf</c>, or a full
    /// <c>ola-artnet.conf</c>). A plugin file without an <c>enabled</c> line gets one from
    /// <paramref name="enabledPlugins"/>.
    /// </param>
    /// <param name="cancellationToken">Cancels the start (olad is stopped and the directory removed).</param>
    /// <returns>The running olad.</returns>
    /// <exception cref="InvalidOperationException">olad exited early or did not answer in time; the message ends with its log.</exception>
    public static async Task<OladInstance> StartAsync(
        NetworkNamespace ns,
        IEnumerable<string> enabledPlugins,
        TimeSpan? startTimeout = null,
        IDictionary<string, string>? extraConf = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ns);
        ArgumentNullException.ThrowIfNull(enabledPlugins);
        var olad = Peers.Require("olad", "ola");
        var enabled = enabledPlugins.ToHashSet(StringComparer.Ordinal);
        var unknown = enabled.Except(s_knownPlugins).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException($"Unknown olad plugin(s) {string.Join(", ", unknown)}; known: {string.Join(' ', s_knownPlugins)}", nameof(enabledPlugins));
        }

        var user = UnixUser.Lookup(User);
        var dir = Directory.CreateTempSubdirectory("olas-olad-").FullName;
        OladInstance? instance = null;
        try
        {
            WriteConf(dir, enabled, extraConf, user);
            var logPath = Path.Combine(dir, "olad.log");
            // sh execs olad, so the pid is olad's; the log goes to a file olad itself owns.
            var process = ns.Start(
                "/bin/sh",
                ["-c", "log=$1; shift; exec \"$@\" >\"$log\" 2>&1", "sh", logPath, olad, "-c", dir, "--no-register-with-dns-sd", "-l", "3"],
                User);
            instance = new OladInstance(ns, dir, process);

            var timeout = startTimeout ?? s_defaultStartTimeout;
            var up = await ns.WaitForTcpAsync(RpcPort, timeout, keepWaiting: () => !instance.HasExited, cancellationToken).ConfigureAwait(false);
            if (!up)
            {
                var why = instance.HasExited
                    ? $"olad exited early (code {process.ExitCode})"
                    : $"olad (pid {instance.Pid}) did not answer on 127.0.0.1:{RpcPort} within {timeout.TotalSeconds:0.#} s";
                throw new InvalidOperationException($"{why} in namespace {ns.Name}. Tail of {logPath}:{Environment.NewLine}{instance.ReadLogTail(30)}");
            }

            return instance;
        }
        catch
        {
            if (instance is not null)
            {
                await instance.DisposeAsync().ConfigureAwait(false);
            }
            else
            {
                Directory.Delete(dir, recursive: true);
            }

            throw;
        }
    }

    /// <summary>Reads olad's log so far.</summary>
    /// <returns>The log text, empty if there is none yet.</returns>
    public string ReadLog()
    {
        try
        {
            using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd();
        }
        catch (FileNotFoundException)
        {
            return string.Empty;
        }
        catch (DirectoryNotFoundException)
        {
            return string.Empty;
        }
    }

    /// <summary>
    /// Stops olad the clean way (SIGTERM by pid, waiting up to <paramref name="timeout"/>) and keeps the
    /// conf directory, so a test can read what olad saved on shutdown (olad writes ola-port.conf only then).
    /// </summary>
    /// <returns>True when olad is gone (after SIGKILL if it overran the time; then it saved nothing).</returns>
    public async Task<bool> StopAsync(TimeSpan timeout)
    {
        await ProcessRunner.StopAsync([_process], timeout).ConfigureAwait(false);
        return !ProcessRunner.IsRunning(_process);
    }

    /// <summary>Stops olad (SIGTERM by pid, up to 5 s, then SIGKILL) and deletes the conf directory.</summary>
    /// <returns>A task that completes when olad is gone.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            await ProcessRunner.StopAsync([_process], s_stopGrace).ConfigureAwait(false);
        }
        finally
        {
            Namespace.Forget(_process);
            _process.Dispose();
            if (Directory.Exists(ConfigDir))
            {
                Directory.Delete(ConfigDir, recursive: true);
            }
        }
    }

    private string ReadLogTail(int lines)
    {
        var all = ReadLog().Split('\n');
        return string.Join('\n', all.Skip(Math.Max(0, all.Length - lines)));
    }

    private static void WriteConf(string dir, HashSet<string> enabled, IDictionary<string, string>? extraConf, UnixUser user)
    {
        foreach (var plugin in s_knownPlugins)
        {
            File.WriteAllText(Path.Combine(dir, $"ola-{plugin}.conf"), EnabledLine(enabled.Contains(plugin)));
        }

        foreach (var (name, content) in extraConf ?? new Dictionary<string, string>())
        {
            if (name.Length == 0 || name != Path.GetFileName(name) || name.StartsWith('.'))
            {
                throw new ArgumentException($"Conf file name '{name}' must be a plain file name.", nameof(extraConf));
            }

            var text = content;
            var plugin = PluginConfName().Match(name);
            if (plugin.Success && s_knownPlugins.Contains(plugin.Groups[1].Value) && !EnabledKey().IsMatch(text))
            {
                if (text.Length > 0 && !text.EndsWith('\n'))
                {
                    text += "\n";
                }

                text += EnabledLine(enabled.Contains(plugin.Groups[1].Value));
            }

            File.WriteAllText(Path.Combine(dir, name), text);
        }

        // olad rewrites its conf files, so it must own them and the directory.
        File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        foreach (var path in Directory.EnumerateFiles(dir).Prepend(dir))
        {
            if (Native.Chown(path, user.Uid, user.Gid) != 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                throw new InvalidOperationException($"chown {user.Name} {path} failed: {Marshal.GetPInvokeErrorMessage(errno)}");
            }
        }
    }

    private static string EnabledLine(bool enabled) => enabled ? "enabled = true\n" : "enabled = false\n";

    [GeneratedRegex(@"^ola-([a-z0-9]+)\.conf$")]
    private static partial Regex PluginConfName();

    [GeneratedRegex(@"^\s*enabled\s*=", RegexOptions.Multiline)]
    private static partial Regex EnabledKey();
}
