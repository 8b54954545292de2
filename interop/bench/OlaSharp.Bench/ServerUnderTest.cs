// Licensed under the MIT License. See LICENSE in the repository root.
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using OlaSharp.Interop;

namespace OlaSharp.Bench;

/// <summary>Which server a run measures.</summary>
public enum ServerKind
{
    /// <summary>OLA's olad 0.10.9 (E1.31 plugin only), run as user olad.</summary>
    Olad,

    /// <summary>Our olasharpd (E1.31 plugin only).</summary>
    OlaSharp,
}

/// <summary>
/// The server in its namespace, configured the same way for both: the E1.31 plugin alone, bound to the
/// veth address, <c>input_ports = N</c>, <c>output_ports = 0</c>, and <c>ola-port.conf</c> patching input
/// port i to universe i + 1 (<c>11-1-I-i = i+1</c>). OLA RPC on 127.0.0.1:9010 inside the namespace.
/// </summary>
internal sealed class ServerUnderTest : IAsyncDisposable
{
    public const int RpcPort = 9010;
    public const int HttpPort = 9090;

    private readonly NetworkNamespace _ns;
    private readonly OladInstance? _olad;
    private readonly Process? _process;
    private readonly ProcessOutput? _output;
    private readonly string? _confDir;

    private ServerUnderTest(ServerKind kind, NetworkNamespace ns, int pid, OladInstance? olad, Process? process, ProcessOutput? output, string? confDir)
    {
        Kind = kind;
        _ns = ns;
        Pid = pid;
        _olad = olad;
        _process = process;
        _output = output;
        _confDir = confDir;
    }

    public ServerKind Kind { get; }

    public int Pid { get; }

    /// <summary>True while the server runs.</summary>
    public bool IsRunning => _olad is not null ? !_olad.HasExited : _process is { HasExited: false };

    /// <summary>The server's log so far (for error messages).</summary>
    public string Log => _olad?.ReadLog() ?? (_output is null ? string.Empty : _output.StandardOutput + _output.StandardError);

    public static async Task<ServerUnderTest> StartAsync(ServerKind kind, NetworkNamespace ns, int universes, string olasharpd, IReadOnlyList<string> environment, CancellationToken cancellationToken)
    {
        string address = ns.Address!.ToString();
        string e131 = $"ip = {address}\ninput_ports = {universes}\noutput_ports = 0\n";
        var ports = new StringBuilder();
        for (int i = 0; i < universes; i++)
        {
            ports.Append(CultureInfo.InvariantCulture, $"11-1-I-{i} = {i + 1}\n");
        }

        if (kind == ServerKind.Olad)
        {
            var olad = await OladInstance.StartAsync(
                ns,
                ["e131"],
                TimeSpan.FromSeconds(30),
                new Dictionary<string, string> { ["ola-e131.conf"] = e131, ["ola-port.conf"] = ports.ToString() },
                cancellationToken).ConfigureAwait(false);
            return new ServerUnderTest(kind, ns, olad.Pid, olad, null, null, null);
        }

        string dir = Directory.CreateTempSubdirectory($"olas-bench-{Environment.ProcessId}-").FullName;
        await File.WriteAllTextAsync(Path.Combine(dir, "ola-e131.conf"), "enabled = true\n" + e131, cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(Path.Combine(dir, "ola-port.conf"), ports.ToString(), cancellationToken).ConfigureAwait(false);
        foreach (string off in new[] { "artnet", "dummy", "uartdmx" })
        {
            await File.WriteAllTextAsync(Path.Combine(dir, $"ola-{off}.conf"), "enabled = false\n", cancellationToken).ConfigureAwait(false);
        }

        // A .dll (the test's copy) runs under dotnet; the apphost runs directly. Either way ip netns exec
        // execs it in place, so the pid is olasharpd's own.
        bool dll = olasharpd.EndsWith(".dll", StringComparison.OrdinalIgnoreCase);
        string file = dll ? DotnetHost() : olasharpd;
        var args = new List<string>();
        if (environment.Count > 0)
        {
            // env execs the program in place too, so the pid stays olasharpd's.
            args.AddRange(environment);
            args.Add(file);
            file = "/usr/bin/env";
        }

        if (dll)
        {
            args.Add(olasharpd);
        }

        args.AddRange(["-c", dir, "--http-port", HttpPort.ToString(CultureInfo.InvariantCulture), "--rpc-port", RpcPort.ToString(CultureInfo.InvariantCulture), "--grpc-port", "0", "-l", "2"]);
        var output = new ProcessOutput();
        Process process = ns.Start(file, args, output: output);
        var server = new ServerUnderTest(kind, ns, process.Id, null, process, output, dir);
        try
        {
            bool ready = await output.WaitForLineAsync(l => l.StartsWith("OLASHARPD_READY ", StringComparison.Ordinal), TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false);
            if (!ready || !await ns.WaitForTcpAsync(RpcPort, TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false))
            {
                throw new InvalidOperationException($"olasharpd ({file} {string.Join(' ', args)}) did not get ready:\n{server.Log}");
            }
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return server;
    }

    /// <summary>
    /// olasharpd's managed allocations so far (the <c>dotnet_gc_allocated_bytes_total</c> gauge of
    /// <c>/metrics</c>), or null for olad or when the scrape fails.
    /// </summary>
    public async Task<long?> AllocatedBytesAsync(CancellationToken cancellationToken)
    {
        if (Kind != ServerKind.OlaSharp)
        {
            return null;
        }

        try
        {
            using Socket socket = _ns.CreateSocket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            cts.CancelAfter(TimeSpan.FromSeconds(10));
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, HttpPort), cts.Token).ConfigureAwait(false);
            await socket.SendAsync("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"u8.ToArray(), cts.Token).ConfigureAwait(false);
            var response = new MemoryStream();
            var buffer = new byte[65536];
            int n;
            while ((n = await socket.ReceiveAsync(buffer, cts.Token).ConfigureAwait(false)) > 0)
            {
                response.Write(buffer, 0, n);
            }

            foreach (string line in Encoding.UTF8.GetString(response.ToArray()).Split('\n'))
            {
                const string Name = "dotnet_gc_allocated_bytes_total ";
                if (line.StartsWith(Name, StringComparison.Ordinal))
                {
                    return (long)double.Parse(line.AsSpan(Name.Length).Trim(), NumberStyles.Float, CultureInfo.InvariantCulture);
                }
            }
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or IOException)
        {
            // Reported as "n/a".
        }

        return null;
    }

    public async ValueTask DisposeAsync()
    {
        if (_olad is not null)
        {
            await _olad.DisposeAsync().ConfigureAwait(false);
        }

        // olasharpd is stopped by its namespace (SIGTERM by pid, then SIGKILL); its conf dir is ours.
        if (_process is not null && !_process.HasExited)
        {
            _process.Kill();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await _process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // The namespace's dispose tries again.
            }
        }

        if (_confDir is not null && Directory.Exists(_confDir))
        {
            Directory.Delete(_confDir, recursive: true);
        }
    }

    private static string DotnetHost() =>
        Environment.ProcessPath is { } p && Path.GetFileNameWithoutExtension(p) == "dotnet" ? p : "dotnet";
}
