// Licensed under the MIT License. See LICENSE in the repository root.
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using OlaSharp.Interop;

namespace OlaSharp.Server.Tests;

/// <summary>
/// Runs the built olasharpd as a child process with its own temp config dir; reads its ready line;
/// stops it by pid with SIGTERM or SIGKILL. Dispose ends only this process and removes the dir
/// (unless the caller owns the dir).
/// </summary>
internal sealed partial class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<JsonElement> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly bool _ownsDir;

    private ServerProcess(Process process, string configDir, bool ownsDir)
    {
        _process = process;
        ConfigDir = configDir;
        _ownsDir = ownsDir;
    }

    public string ConfigDir { get; }

    public int Pid => _process.Id;

    public int? HttpPort { get; private set; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>How these tests run olasharpd: the interop tests' command (the JIT build, or <c>OLASHARPD_NATIVE</c>).</summary>
    public static IReadOnlyList<string> ServerCommand { get; } = OlasharpdCommand.CommandLine();

    /// <summary>A start info for <see cref="ServerCommand"/> (the arguments after it are the caller's).</summary>
    public static ProcessStartInfo ServerStartInfo()
    {
        var psi = new ProcessStartInfo(ServerCommand[0]);
        foreach (string a in ServerCommand.Skip(1))
        {
            psi.ArgumentList.Add(a);
        }

        return psi;
    }

    public static ServerProcess Start(string? configDir = null, params string[] extraArgs)
    {
        bool owns = configDir is null;
        configDir ??= Directory.CreateTempSubdirectory("olas-srv-").FullName;

        // Network safety: these tests run in the root namespace, where Art-Net and E1.31 (enabled by default,
        // as in olad) would bind 6454 / 5568 on a real interface and E1.31 would join multicast groups.
        // They run only inside interop namespaces.
        foreach (string name in new[] { "ola-artnet.conf", "ola-e131.conf" })
        {
            string conf = Path.Combine(configDir, name);
            if (!File.Exists(conf))
            {
                File.WriteAllText(conf, "enabled = false\n");
            }
        }

        ProcessStartInfo psi = ServerStartInfo();
        foreach (string a in ServerArgs(configDir, extraArgs))
        {
            psi.ArgumentList.Add(a);
        }

        return Launch(psi, configDir, owns);
    }

    /// <summary>
    /// Starts olasharpd as an unprivileged user (<c>setpriv --reuid=USER --regid=GROUP --clear-groups</c>, as a
    /// service user without dialout would run it); needs root. The caller owns <paramref name="configDir"/>, which is
    /// given to that user; Art-Net and E1.31 are disabled in it as in <see cref="Start"/>.
    /// </summary>
    public static ServerProcess StartAs(string user, string group, string configDir, params string[] extraArgs)
    {
        foreach (string name in new[] { "ola-artnet.conf", "ola-e131.conf" })
        {
            string conf = Path.Combine(configDir, name);
            if (!File.Exists(conf))
            {
                File.WriteAllText(conf, "enabled = false\n");
            }
        }

        var chown = Process.Start("chown", ["-R", $"{user}:{group}", configDir]) ?? throw new InvalidOperationException("chown did not start");
        chown.WaitForExit();
        if (chown.ExitCode != 0)
        {
            throw new InvalidOperationException($"chown -R {user}:{group} {configDir} failed");
        }

        var psi = new ProcessStartInfo("setpriv");
        foreach (string a in new[] { $"--reuid={user}", $"--regid={group}", "--clear-groups", "env", $"HOME={configDir}", "DOTNET_CLI_TELEMETRY_OPTOUT=1" }.Concat(ServerCommand))
        {
            psi.ArgumentList.Add(a);
        }

        foreach (string a in ServerArgs(configDir, extraArgs))
        {
            psi.ArgumentList.Add(a);
        }

        return Launch(psi, configDir, owns: false);
    }

    /// <summary>
    /// Starts olasharpd inside a private network namespace (<c>unshare -n</c>, only <c>lo</c>, up) and a
    /// private mount namespace, so every plugin may run with its defaults (nothing can leave the namespace)
    /// and <paramref name="readOnlyDir"/> can bind-mount the config dir read-only for this process only
    /// (root ignores mode bits). The caller owns <paramref name="configDir"/>, which may be anything (a file,
    /// a missing path). Reach the listeners with <see cref="CurlAsync"/>.
    /// </summary>
    public static ServerProcess StartInNamespace(string configDir, bool readOnlyDir = false, params string[] extraArgs)
    {
        string mount = readOnlyDir ? "mount --bind \"$1\" \"$1\" && mount -o remount,bind,ro \"$1\" && " : string.Empty;
        var psi = new ProcessStartInfo("unshare");
        foreach (string a in new[] { "-n", "-m", "--", "sh", "-c", $"ip link set lo up && {mount}shift && exec \"$@\"", "sh", configDir }.Concat(ServerCommand))
        {
            psi.ArgumentList.Add(a);
        }

        foreach (string a in ServerArgs(configDir, extraArgs))
        {
            psi.ArgumentList.Add(a);
        }

        return Launch(psi, configDir, owns: false);
    }

    /// <summary>Requests <paramref name="pathAndQuery"/> (GET, or what <paramref name="curlArgs"/> say) from inside the server's network namespace; returns the HTTP status.</summary>
    public async Task<int> CurlAsync(string pathAndQuery, params string[] curlArgs)
    {
        var psi = new ProcessStartInfo("nsenter") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string a in new[] { "-t", Pid.ToString(System.Globalization.CultureInfo.InvariantCulture), "-n", "--", "curl", "-s", "-m", "10", "-o", "/dev/null", "-w", "%{http_code}" }.Concat(curlArgs))
        {
            psi.ArgumentList.Add(a);
        }

        psi.ArgumentList.Add($"http://127.0.0.1:{HttpPort}{pathAndQuery}");

        using Process curl = Process.Start(psi)!;
        string code = await curl.StandardOutput.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await curl.WaitForExitAsync(cts.Token);
        return int.TryParse(code, out int status) ? status : -1;
    }

    private static string[] ServerArgs(string configDir, string[] extraArgs) =>
        [.. new[] { "-c", configDir, "--http-port", "0", "--rpc-port", "0", "--grpc-port", "0", "-l", "3" }.Concat(extraArgs)];

    private static ServerProcess Launch(ProcessStartInfo psi, string configDir, bool owns)
    {
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        psi.RedirectStandardInput = true;
        psi.UseShellExecute = false;
        var p = new Process { StartInfo = psi, EnableRaisingEvents = true };
        var sp = new ServerProcess(p, configDir, owns);
        p.OutputDataReceived += (_, e) => sp.OnLine(e.Data);
        p.ErrorDataReceived += (_, e) => sp.OnLine(e.Data);
        p.Exited += (_, _) => sp._ready.TrySetException(new InvalidOperationException("olasharpd exited before it was ready:\n" + sp.Output));
        p.Start();
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return sp;
    }

    public async Task<JsonElement> WaitReadyAsync(TimeSpan? timeout = null)
    {
        JsonElement ready = await _ready.Task.WaitAsync(timeout ?? TimeSpan.FromSeconds(30));
        return ready;
    }

    public void Signal(int signal)
    {
        if (kill(_process.Id, signal) != 0)
        {
            throw new InvalidOperationException($"kill({_process.Id}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    public async Task<int> WaitExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    public HttpClient Http() => new() { BaseAddress = new Uri($"http://127.0.0.1:{HttpPort}"), Timeout = TimeSpan.FromSeconds(10) };

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                await _process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
        if (_ownsDir && Directory.Exists(ConfigDir))
        {
            Directory.Delete(ConfigDir, true);
        }
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        const string prefix = "OLASHARPD_READY ";
        if (line.StartsWith(prefix, StringComparison.Ordinal))
        {
            JsonElement json = JsonDocument.Parse(line[prefix.Length..]).RootElement.Clone();
            if (json.GetProperty("http").ValueKind == JsonValueKind.Number)
            {
                HttpPort = json.GetProperty("http").GetInt32();
            }

            _ready.TrySetResult(json);
        }
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int sig);
}
