// Licensed under the MIT License. See LICENSE in the repository root.
using System.Diagnostics;

namespace OlaSharp.Interop;

/// <summary>
/// Installs a node client's locked dependencies (<c>npm ci</c>) once per test run: node_modules is not
/// committed. Test assemblies run in parallel processes and <c>npm ci</c> first deletes node_modules, so one
/// process at a time installs (a lock file), and a folder that already has its marker package is left alone.
/// </summary>
public static class NodeModules
{
    private static readonly SemaphoreSlim s_inProcess = new(1, 1);

    /// <summary>Runs <c>npm ci</c> in <paramref name="folder"/> unless <c>node_modules/<paramref name="marker"/></c> exists.</summary>
    /// <param name="folder">The client's folder, with its package-lock.json.</param>
    /// <param name="marker">A package path under node_modules that shows the install is done, e.g. <c>@grpc/grpc-js</c>.</param>
    /// <returns>A task that completes when the modules are in place.</returns>
    /// <exception cref="InvalidOperationException">npm failed.</exception>
    public static async Task EnsureAsync(string folder, string marker)
    {
        await s_inProcess.WaitAsync();
        FileStream? crossProcess = null;
        try
        {
            for (var sw = Stopwatch.StartNew(); crossProcess is null; await Task.Delay(200))
            {
                try
                {
                    crossProcess = new FileStream(Path.Combine(Path.GetTempPath(), "olasharp-npm.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                }
                catch (IOException) when (sw.Elapsed < TimeSpan.FromMinutes(6))
                {
                }
            }

            if (Directory.Exists(Path.Combine(folder, "node_modules", marker)))
            {
                return;
            }

            // A first download can take minutes.
            var psi = new ProcessStartInfo(Peers.Require("npm", "npm")) { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (string a in new[] { "ci", "--no-audit", "--no-fund" })
            {
                psi.ArgumentList.Add(a);
            }

            using Process npm = Process.Start(psi)!;
            Task<string> err = npm.StandardError.ReadToEndAsync();
            await npm.StandardOutput.ReadToEndAsync();
            using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(5));
            await npm.WaitForExitAsync(cts.Token);
            if (npm.ExitCode != 0)
            {
                throw new InvalidOperationException($"npm ci failed in {folder}:\n" + await err);
            }
        }
        finally
        {
            crossProcess?.Dispose();
            s_inProcess.Release();
        }
    }

    /// <summary>The repository's root (the folder holding OlaSharp.sln) above the test's binaries.</summary>
    /// <returns>Its full path.</returns>
    public static string RepoRoot()
    {
        for (DirectoryInfo? d = new(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "OlaSharp.sln")))
            {
                return d.FullName;
            }
        }

        throw new InvalidOperationException("OlaSharp.sln not found above " + AppContext.BaseDirectory);
    }
}
