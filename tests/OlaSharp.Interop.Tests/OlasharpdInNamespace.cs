// Licensed under the MIT License. See LICENSE in the repository root.
using System.Diagnostics;

namespace OlaSharp.Interop.Tests;

/// <summary>
/// The built olasharpd started inside a namespace on 127.0.0.1:9010 (where OLA's tools always
/// connect), with a throw-away conf dir. The namespace stops the process by pid on dispose; this
/// removes the conf dir afterwards.
/// </summary>
internal sealed class OlasharpdInNamespace : IAsyncDisposable
{
    private readonly Process _process;

    private OlasharpdInNamespace(Process process, string configDir, ProcessOutput output)
    {
        _process = process;
        ConfigDir = configDir;
        Output = output;
    }

    public string ConfigDir { get; }

    public ProcessOutput Output { get; }

    public int Pid => _process.Id;

    /// <summary>Starts it; <paramref name="confFiles"/> adds conf files (name → text), e.g. <c>ola-grpc.conf</c>.</summary>
    public static async Task<OlasharpdInNamespace> StartAsync(NetworkNamespace ns, TimeSpan timeout, IEnumerable<string>? enabledPlugins = null, IReadOnlyDictionary<string, string>? confFiles = null)
    {
        string dir = Directory.CreateTempSubdirectory("olas-rpcd-").FullName;

        // The same setup OladInstance gives olad: every plugin disabled except the listed ones, so
        // transcripts compare like with like (ola_plugin_state -p 2 says "Enabled: False" on both).
        var enabled = new HashSet<string>(enabledPlugins ?? ["dummy"], StringComparer.Ordinal);
        foreach (string plugin in OladInstance.KnownPlugins)
        {
            await File.WriteAllTextAsync(Path.Combine(dir, $"ola-{plugin}.conf"), enabled.Contains(plugin) ? "enabled = true\n" : "enabled = false\n");
        }

        foreach ((string name, string text) in confFiles ?? new Dictionary<string, string>())
        {
            await File.WriteAllTextAsync(Path.Combine(dir, name), text);
        }

        var output = new ProcessOutput();
        Process process = ns.Start(OlasharpdCommand.FileName, OlasharpdCommand.Arguments("-c", dir, "--rpc-port", "9010", "--http-port", "0", "--bind", "127.0.0.1", "-l", "3"), output: output);
        var server = new OlasharpdInNamespace(process, dir, output);
        bool ready = await output.WaitForLineAsync(l => l.StartsWith("OLASHARPD_READY ", StringComparison.Ordinal), timeout)
            && await ns.WaitForTcpAsync(9010, TimeSpan.FromSeconds(10));
        if (!ready)
        {
            await server.DisposeAsync();
            throw new InvalidOperationException($"olasharpd did not get ready in {ns.Name}:\n{output.StandardOutput}\n{output.StandardError}");
        }

        return server;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // SIGTERM by pid (a clean stop), SIGKILL if it overruns.
            await Host.RunAsync("/bin/kill", ["-TERM", Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            try
            {
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            }
            catch (TimeoutException)
            {
                _process.Kill();
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(5));
            }
        }

        if (Directory.Exists(ConfigDir))
        {
            Directory.Delete(ConfigDir, recursive: true);
        }
    }
}
