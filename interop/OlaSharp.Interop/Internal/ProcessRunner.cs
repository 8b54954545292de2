// Licensed under the MIT License. See LICENSE in the repository root.

using System.Diagnostics;

namespace OlaSharp.Interop.Internal;

/// <summary>Starts, runs and stops child processes with bounded waits.</summary>
internal static class ProcessRunner
{
    private static readonly TimeSpan s_killWait = TimeSpan.FromSeconds(5);

    /// <summary>Starts <paramref name="file"/> with both pipes drained into <paramref name="output"/> and stdin closed.</summary>
    public static Process Start(string file, IEnumerable<string> args, ProcessOutput output, IReadOnlyDictionary<string, string>? environment = null)
    {
        var startInfo = new ProcessStartInfo(file)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in args)
        {
            startInfo.ArgumentList.Add(arg);
        }

        if (environment is not null)
        {
            foreach (var (key, value) in environment)
            {
                startInfo.Environment[key] = value;
            }
        }

        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                output.AppendOutput(e.Data);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                output.AppendError(e.Data);
            }
        };

        try
        {
            process.Start();
        }
        catch
        {
            process.Dispose();
            throw;
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        // Nothing we run reads stdin; closing it keeps peers from ever waiting on the test runner's terminal.
        process.StandardInput.Close();
        return process;
    }

    /// <summary>Waits for exit within <paramref name="timeout"/>, killing the process tree when it runs over.</summary>
    public static async Task<CommandResult> WaitAsync(Process process, ProcessOutput output, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            // Also waits for both pipes to reach EOF, so the output is complete.
            await process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
            return new CommandResult(process.ExitCode, output.StandardOutput, output.StandardError, TimedOut: false);
        }
        catch (OperationCanceledException)
        {
            await KillAsync(process).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            return new CommandResult(-1, output.StandardOutput, output.StandardError, TimedOut: true);
        }
    }

    /// <summary>Runs a command in the current (root) namespace: configuration only, never traffic.</summary>
    public static async Task<CommandResult> RunAsync(string file, IEnumerable<string> args, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var output = new ProcessOutput();
        using var process = Start(file, args, output);
        return await WaitAsync(process, output, timeout, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Synchronous <see cref="RunAsync"/> for lookups done from constructors and caches.</summary>
    public static CommandResult Run(string file, IEnumerable<string> args, TimeSpan timeout)
    {
        return RunAsync(file, args, timeout).GetAwaiter().GetResult();
    }

    /// <summary>
    /// Stops processes we started: SIGTERM by pid, up to <paramref name="grace"/> to exit,
    /// then SIGKILL to the process and its descendants.
    /// </summary>
    public static async Task StopAsync(IReadOnlyCollection<Process> processes, TimeSpan grace)
    {
        var running = processes.Where(IsRunning).ToList();
        foreach (var process in running)
        {
            _ = Native.Kill(process.Id, Native.SigTerm);
        }

        using var cts = new CancellationTokenSource(grace);
        foreach (var process in running)
        {
            try
            {
                await process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Past the grace period: the rest get SIGKILL below.
            }
        }

        foreach (var process in running.Where(IsRunning))
        {
            await KillAsync(process).ConfigureAwait(false);
        }
    }

    /// <summary>SIGKILL to the process tree, then a bounded wait for it to be reaped.</summary>
    public static async Task KillAsync(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }

        using var cts = new CancellationTokenSource(s_killWait);
        try
        {
            await process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // A grandchild may still hold a pipe open; the process itself is gone or unkillable.
        }
    }

    public static bool IsRunning(Process process)
    {
        try
        {
            return !process.HasExited;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
