// Licensed under the MIT License. See LICENSE in the repository root.
using System.Diagnostics;

namespace OlaSharp.Interop;

/// <summary>
/// The playwright-core scripts in <c>interop/clients/browser</c>, which drive Debian's Chromium. Their
/// node_modules is not committed: <see cref="EnsureNodeModulesAsync"/> installs exactly the locked versions
/// once per test run.
/// </summary>
public static class BrowserScripts
{
    private static readonly SemaphoreSlim s_npmLock = new(1, 1);

    /// <summary>The scripts' folder.</summary>
    public static string Directory => Path.Combine(RepoRoot(), "interop", "clients", "browser");

    /// <summary>The full path of a script in <see cref="Directory"/>.</summary>
    /// <param name="name">File name, e.g. <c>wait-for.js</c>.</param>
    /// <returns>Its absolute path.</returns>
    public static string Script(string name) => Path.Combine(Directory, name);

    /// <summary>Runs <c>npm ci</c> in the scripts' folder unless playwright-core is already there.</summary>
    /// <returns>A task that completes when the modules are in place.</returns>
    /// <exception cref="InvalidOperationException">npm failed.</exception>
    public static async Task EnsureNodeModulesAsync()
    {
        await s_npmLock.WaitAsync();
        // Test assemblies run in parallel processes, and `npm ci` first deletes node_modules: one process at a time.
        FileStream? crossProcess = null;
        try
        {
            for (var sw = Stopwatch.StartNew(); crossProcess is null; await Task.Delay(200))
            {
                try
                {
                    crossProcess = new FileStream(Path.Combine(Path.GetTempPath(), "olasharp-browser-npm.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                }
                catch (IOException) when (sw.Elapsed < TimeSpan.FromMinutes(6))
                {
                }
            }

            if (System.IO.Directory.Exists(Path.Combine(Directory, "node_modules", "playwright-core")))
            {
                return;
            }

            // A first download of playwright-core can take minutes.
            var psi = new ProcessStartInfo(Peers.Require("npm", "npm")) { WorkingDirectory = Directory, RedirectStandardOutput = true, RedirectStandardError = true };
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
                throw new InvalidOperationException("npm ci failed in interop/clients/browser:\n" + await err);
            }
        }
        finally
        {
            crossProcess?.Dispose();
            s_npmLock.Release();
        }
    }

    private static string RepoRoot()
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
