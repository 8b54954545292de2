// Licensed under the MIT License. See LICENSE in the repository root.
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using OlaSharp.Interop;

namespace OlaSharp.Grpc.Tests;

/// <summary>
/// Runs one of the interop clients (interop/clients/python or node) and collects its JSON lines.
/// Dispose kills only this process (by its own handle) if it is still running.
/// </summary>
internal sealed class ClientProcess : IDisposable
{
    public const string DebianPython = "/usr/bin/python3";

    private readonly Process _process;
    private readonly List<JsonElement> _lines = [];
    private readonly StringBuilder _stderr = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ClientProcess(Process process)
    {
        _process = process;
    }

    public static string RepoRoot { get; } = NodeModules.RepoRoot();

    public static string PythonClient => Path.Combine(RepoRoot, "interop", "clients", "python", "olasharp_client.py");

    public static string NodeDir => Path.Combine(RepoRoot, "interop", "clients", "node");

    public IReadOnlyList<JsonElement> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    /// <summary>The JSON lines that describe frames (not the ready marker).</summary>
    public IReadOnlyList<JsonElement> Frames => [.. Lines.Where(l => l.TryGetProperty("slots", out _))];

    public string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    // The clients' gRPC deadline (their default is 20 s). A watcher's deadline runs from its own start
    // and must outlast a sender's start-up, which on a loaded 2-core machine took most of 20 s (node and
    // grpc-js loading): a CI run once timed out a watcher that had seen no frame yet. A later --timeout in
    // args wins.
    private const string DeadlineSeconds = "50";

    public static ClientProcess Python(int port, params string[] args)
    {
        Assert.True(File.Exists(DebianPython), "Debian's python3 is missing (interop/install-peers.sh installs it)");
        return Start(DebianPython, [PythonClient, "--target", $"127.0.0.1:{port}", "--timeout", DeadlineSeconds, .. args]);
    }

    public static async Task<ClientProcess> NodeAsync(int port, params string[] args)
    {
        await EnsureNodeModulesAsync();
        return Start("node", [Path.Combine(NodeDir, "client.js"), "--target", $"127.0.0.1:{port}", "--timeout", DeadlineSeconds, .. args]);
    }

    /// <summary>Waits for the watcher's {"ready":true} line (its first frame arrived, so it is subscribed).</summary>
    public Task WaitReadyAsync() => _ready.Task.WaitAsync(TimeSpan.FromSeconds(30));

    public async Task<int> WaitExitAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    public async Task AssertExitZeroAsync()
    {
        int code = await WaitExitAsync();
        Assert.True(code == 0, $"client exited {code}; stderr:\n{Stderr}\nstdout:\n{string.Join('\n', Lines)}");
    }

    /// <summary>Kills the client (SIGKILL via its own process handle): its connection drops without a goodbye.</summary>
    public void Kill()
    {
        _process.Kill();
        _process.WaitForExit(10_000);
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
    }

    private static ClientProcess Start(string file, IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        var p = new Process { StartInfo = psi, EnableRaisingEvents = true };
        var cp = new ClientProcess(p);
        p.OutputDataReceived += (_, e) => cp.OnStdout(e.Data);
        p.ErrorDataReceived += (_, e) =>
        {
            lock (cp._stderr)
            {
                cp._stderr.AppendLine(e.Data);
            }
        };
        p.Exited += (_, _) => cp._ready.TrySetException(new InvalidOperationException($"{file} exited before it was ready:\n{cp.Stderr}"));
        p.Start();
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return cp;
    }

    // node_modules is not committed: install exactly the locked versions once per test run.
    private static Task EnsureNodeModulesAsync() => NodeModules.EnsureAsync(NodeDir, Path.Combine("@grpc", "grpc-js"));

    private void OnStdout(string? line)
    {
        if (string.IsNullOrWhiteSpace(line))
        {
            return;
        }

        JsonElement json;
        try
        {
            json = JsonDocument.Parse(line).RootElement.Clone();
        }
        catch (JsonException)
        {
            lock (_stderr)
            {
                _stderr.AppendLine("stdout (not JSON): " + line);
            }

            return;
        }

        lock (_lines)
        {
            _lines.Add(json);
        }

        if (json.TryGetProperty("ready", out _))
        {
            _ready.TrySetResult();
        }
    }
}
