// Licensed under the MIT License. See LICENSE in the repository root.
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using OlaSharp.Uart.Tests;

namespace OlaSharp.Interop.Tests;

/// <summary>
/// olasharpd as the Pi user meets it when the line is dark, for the web UI's device health tests: running as an
/// unprivileged service user (<c>nobody</c>, not in dialout) inside a namespace, with three UARTs configured: one
/// missing (<see cref="MissingPath"/>, its patch to universe 1 saved), one it may not open (<see cref="DeniedPath"/>,
/// a pty made 0600 root:dialout) and one that opens but whose RS-485 driver-enable GPIO 18 cannot be driven
/// (<see cref="GpioPath"/>, a pty; this machine has no GPIO chip). Only the dummy and UART plugins are enabled.
/// Dispose stops the server by pid, closes the ptys and removes the conf dir.
/// </summary>
internal sealed partial class HealthUiServer : IAsyncDisposable
{
    public const string MissingPath = "/dev/ttyNOPE";
    public const string User = "nobody";

    private readonly Process _process;
    private readonly PtyPair _denied;
    private readonly PtyPair _gpio;
    private readonly CancellationTokenSource _stopDrain = new();
    private readonly Task _drain;

    private HealthUiServer(Process process, string configDir, ProcessOutput output, PtyPair denied, PtyPair gpio)
    {
        _process = process;
        ConfigDir = configDir;
        Output = output;
        _denied = denied;
        _gpio = gpio;

        // Read the GPIO device's line so the writer never blocks on a full pty buffer.
        _drain = Task.Run(() =>
        {
            while (!_stopDrain.IsCancellationRequested)
            {
                _gpio.Read(1 << 20, TimeSpan.FromMilliseconds(50));
            }
        });
    }

    public string ConfigDir { get; }

    public ProcessOutput Output { get; }

    public string DeniedPath => _denied.SlavePath;

    public string GpioPath => _gpio.SlavePath;

    public string ConfPath => Path.Combine(ConfigDir, "ola-uartdmx.conf");

    public string BaseUrl => $"http://127.0.0.1:{int.Parse(HttpPortInReadyLine().Match(Output.StandardOutput).Groups[1].Value, CultureInfo.InvariantCulture)}";

    /// <summary>Starts it in <paramref name="ns"/> (needs root: the ptys' owners and the service user are set).</summary>
    public static async Task<HealthUiServer> StartAsync(NetworkNamespace ns, TimeSpan timeout)
    {
        string dir = Directory.CreateTempSubdirectory("olas-health-ui-").FullName;
        var denied = new PtyPair();
        var gpio = new PtyPair();
        try
        {
            await RunAsync("chown", "root:dialout", denied.SlavePath);
            await RunAsync("chmod", "600", denied.SlavePath);
            await RunAsync("chmod", "666", gpio.SlavePath);
            foreach (string plugin in OladInstance.KnownPlugins)
            {
                await File.WriteAllTextAsync(Path.Combine(dir, $"ola-{plugin}.conf"), plugin == "dummy" ? "enabled = true\n" : "enabled = false\n");
            }

            await File.WriteAllTextAsync(
                Path.Combine(dir, "ola-uartdmx.conf"),
                $"{gpio.SlavePath}-de_gpio = 18\n{gpio.SlavePath}-malf = 1000\ndevice = {MissingPath}\ndevice = {denied.SlavePath}\ndevice = {gpio.SlavePath}\nenabled = true\n");
            await File.WriteAllTextAsync(Path.Combine(dir, "ola-port.conf"), $"20-{MissingPath}-O-0 = 1\n");
            await RunAsync("chown", "-R", $"{User}:nogroup", dir);
        }
        catch
        {
            denied.Dispose();
            gpio.Dispose();
            Directory.Delete(dir, true);
            throw;
        }

        var output = new ProcessOutput();
        Process process = ns.Start(
            "env",
            [$"HOME={dir}", "DOTNET_CLI_TELEMETRY_OPTOUT=1", .. OlasharpdCommand.CommandLine("-c", dir, "--rpc-port", "9010", "--http-port", "0", "--bind", "127.0.0.1", "-l", "3")],
            user: User,
            output: output);
        var server = new HealthUiServer(process, dir, output, denied, gpio);
        if (!await output.WaitForLineAsync(l => l.StartsWith("OLASHARPD_READY ", StringComparison.Ordinal), timeout))
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
            await Host.RunAsync("/bin/kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]);
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

        await _stopDrain.CancelAsync();
        await _drain;
        _stopDrain.Dispose();
        _denied.Dispose();
        _gpio.Dispose();
        if (Directory.Exists(ConfigDir))
        {
            Directory.Delete(ConfigDir, recursive: true);
        }
    }

    private static async Task RunAsync(string file, params string[] args)
    {
        CommandResult r = await Host.RunAsync(file, args);
        r.EnsureSuccess($"{file} {string.Join(' ', args)}");
    }

    [GeneratedRegex("\"http\":(\\d+)")]
    private static partial Regex HttpPortInReadyLine();
}
