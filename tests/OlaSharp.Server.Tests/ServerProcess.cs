// Licensed under the MIT License. See LICENSE in the repository root.
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

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

    public static string ServerDll => Path.Combine(AppContext.BaseDirectory, "olasharpd.dll");

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

        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(ServerDll);
        foreach (string a in new[] { "-c", configDir, "--http-port", "0", "--rpc-port", "0", "--grpc-port", "0", "-l", "3" }.Concat(extraArgs))
        {
            psi.ArgumentList.Add(a);
        }

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
