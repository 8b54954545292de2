// Licensed under the MIT License. See LICENSE in the repository root.

using System.Diagnostics;

namespace OlaSharp.Interop.Tests;

/// <summary>Read-only looks at the root namespace and helpers shared by the tests.</summary>
internal static class Host
{
    public static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(15);

    /// <summary>The names <c>ip netns list</c> shows.</summary>
    public static async Task<IReadOnlyList<string>> ListNamespacesAsync()
    {
        var result = await RunAsync(Peers.Require("ip", "iproute2"), ["netns", "list"]);
        result.EnsureSuccess("ip netns list");
        // Lines look like "name" or "name (id: 3)".
        return result.StandardOutput
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split(' ')[0])
            .ToList();
    }

    /// <summary>True while a process with this pid exists (zombies included).</summary>
    public static bool ProcessExists(int pid) => Directory.Exists($"/proc/{pid}");

    /// <summary>Polls /proc/PID/comm until it reads <paramref name="comm"/>, bounded by <paramref name="timeout"/>.</summary>
    public static async Task<bool> WaitForCommAsync(int pid, string comm, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if ((await File.ReadAllTextAsync($"/proc/{pid}/comm")).Trim() == comm)
                {
                    return true;
                }
            }
            catch (IOException)
            {
                // Gone or not readable yet.
            }

            await Task.Delay(20);
        }

        return false;
    }

    /// <summary>Runs a command in the root namespace, bounded by <see cref="CommandTimeout"/>.</summary>
    public static async Task<CommandResult> RunAsync(string file, IEnumerable<string> args)
    {
        var startInfo = new ProcessStartInfo(file)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var arg in args)
        {
            startInfo.ArgumentList.Add(arg);
        }

        using var process = Process.Start(startInfo)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(CommandTimeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5));
            return new CommandResult(-1, await stdout, await stderr, TimedOut: true);
        }

        return new CommandResult(process.ExitCode, await stdout, await stderr, TimedOut: false);
    }

    /// <summary>Finds <c>interop/netns.sh</c> by walking up from the test assembly.</summary>
    public static string NetnsScript
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "interop", "netns.sh");
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }

            throw new FileNotFoundException("interop/netns.sh not found above " + AppContext.BaseDirectory);
        }
    }
}
