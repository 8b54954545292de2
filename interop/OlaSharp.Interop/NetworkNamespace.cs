// Licensed under the MIT License. See LICENSE in the repository root.

using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using OlaSharp.Interop.Internal;

namespace OlaSharp.Interop;

/// <summary>
/// A named network namespace (<c>ip netns</c>) with loopback up and 224.0.0.0/4 routed to
/// <c>lo</c>, so broadcast and multicast never leave it. Disposing stops the processes it
/// started (by pid) and deletes the namespace.
/// </summary>
public sealed class NetworkNamespace : IAsyncDisposable
{
    /// <summary>How long a process gets between SIGTERM and SIGKILL on dispose.</summary>
    public static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan s_ipTimeout = TimeSpan.FromSeconds(10);
    private static int s_counter;
    private static int s_reaped;

    private readonly List<Process> _processes = [];
    private readonly object _lock = new();
    private int _disposed;

    internal NetworkNamespace(string name, IPAddress? address, string? interfaceName)
    {
        Name = name;
        Address = address;
        InterfaceName = interfaceName;
    }

    /// <summary>The namespace's name, as <c>ip netns list</c> shows it.</summary>
    public string Name { get; }

    /// <summary>The address of this host on a <see cref="VethNetwork"/>; null for a stand-alone namespace.</summary>
    public IPAddress? Address { get; }

    /// <summary>The interface carrying <see cref="Address"/> (<c>eth0</c>); null for a stand-alone namespace.</summary>
    public string? InterfaceName { get; }

    /// <summary>Creates a namespace named <c>{prefix}-{pid}-{n}</c> with only <c>lo</c>, up, and multicast routed to it.</summary>
    /// <param name="prefix">Name prefix; <c>olas</c> by default.</param>
    /// <param name="cancellationToken">Cancels the creation (the namespace is removed again).</param>
    /// <returns>The new namespace.</returns>
    public static async Task<NetworkNamespace> CreateAsync(string? prefix = null, CancellationToken cancellationToken = default)
    {
        var ns = new NetworkNamespace(NewName(prefix), address: null, interfaceName: null);
        await AddAsync(ns.Name, cancellationToken).ConfigureAwait(false);
        try
        {
            await ns.ConfigureLoopbackAsync(multicastOnLoopback: true, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await ns.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return ns;
    }

    /// <summary>
    /// Starts <paramref name="file"/> inside the namespace (<c>ip netns exec</c>), optionally as
    /// <paramref name="user"/> through <c>setpriv</c>. Both exec in place, so the returned
    /// <see cref="Process.Id"/> is the program's own pid. Output is drained asynchronously into
    /// <paramref name="output"/> (or discarded).
    /// </summary>
    /// <param name="file">Program to run.</param>
    /// <param name="args">Its arguments, passed verbatim (no shell).</param>
    /// <param name="user">Run as this user (uid, primary gid, supplementary groups and HOME of its passwd entry).</param>
    /// <param name="output">Receives stdout and stderr; null discards them.</param>
    /// <returns>The started process; the namespace stops it on dispose if still running.</returns>
    public Process Start(string file, IEnumerable<string> args, string? user = null, ProcessOutput? output = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(file);
        ArgumentNullException.ThrowIfNull(args);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);

        var ipArgs = new List<string> { "netns", "exec", Name };
        Dictionary<string, string>? environment = null;
        if (user is not null)
        {
            var entry = UnixUser.Lookup(user);
            ipArgs.AddRange(
            [
                Peers.Require("setpriv", "util-linux"),
                "--reuid=" + entry.Uid.ToString(CultureInfo.InvariantCulture),
                "--regid=" + entry.Gid.ToString(CultureInfo.InvariantCulture),
                "--init-groups",
                "--",
            ]);
            environment = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["HOME"] = entry.Home,
                ["USER"] = entry.Name,
                ["LOGNAME"] = entry.Name,
            };
        }

        ipArgs.Add(file);
        ipArgs.AddRange(args);

        var process = ProcessRunner.Start(IpPath, ipArgs, output ?? new ProcessOutput(), environment);
        lock (_lock)
        {
            _processes.Add(process);
        }

        return process;
    }

    /// <summary>Runs a command inside the namespace to completion, killing it if it takes longer than <paramref name="timeout"/>.</summary>
    /// <param name="file">Program to run.</param>
    /// <param name="args">Its arguments, passed verbatim (no shell).</param>
    /// <param name="timeout">Upper bound on the run.</param>
    /// <param name="user">Run as this user; see <see cref="Start"/>.</param>
    /// <param name="cancellationToken">Cancels the run (the process is killed).</param>
    /// <returns>Exit code and output.</returns>
    public async Task<CommandResult> RunAsync(string file, IEnumerable<string> args, TimeSpan timeout, string? user = null, CancellationToken cancellationToken = default)
    {
        var output = new ProcessOutput();
        var process = Start(file, args, user, output);
        try
        {
            return await ProcessRunner.WaitAsync(process, output, timeout, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Forget(process);
            process.Dispose();
        }
    }

    /// <summary>
    /// Creates a socket that belongs to this namespace: it is made on a short-lived thread that
    /// has joined the namespace with setns(2), and sockets keep the namespace they were made in.
    /// </summary>
    /// <param name="addressFamily">Address family.</param>
    /// <param name="socketType">Socket type.</param>
    /// <param name="protocolType">Protocol.</param>
    /// <returns>A socket whose traffic stays inside this namespace.</returns>
    public Socket CreateSocket(AddressFamily addressFamily, SocketType socketType, ProtocolType protocolType)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        Socket? socket = null;
        Exception? error = null;
        var nsPath = "/run/netns/" + Name;
        var thread = new Thread(() =>
        {
            try
            {
                using (var handle = File.OpenHandle(nsPath, FileMode.Open, FileAccess.Read))
                {
                    if (Native.SetNs((int)handle.DangerousGetHandle(), Native.CloneNewNet) != 0)
                    {
                        var errno = Marshal.GetLastPInvokeError();
                        throw new Win32Exception(errno, $"setns({nsPath}) failed: {Marshal.GetPInvokeErrorMessage(errno)}");
                    }
                }

                // Belt and braces: this thread must now be in a different namespace than the process.
                var own = ReadNamespaceLink("/proc/thread-self/ns/net");
                var process = ReadNamespaceLink("/proc/self/ns/net");
                if (own == process)
                {
                    throw new InvalidOperationException($"setns({nsPath}) returned success but the thread is still in {process}.");
                }

                socket = new Socket(addressFamily, socketType, protocolType);
            }
#pragma warning disable CA1031 // The exception is handed back to the calling thread and rethrown there.
            catch (Exception e)
#pragma warning restore CA1031
            {
                error = e;
            }
        })
        {
            IsBackground = true,
            Name = "netns-socket " + Name,
        };

        // The thread ends right after, so no other work ever runs in the joined namespace.
        thread.Start();
        thread.Join();
        if (error is not null)
        {
            throw new InvalidOperationException($"Cannot create a socket in namespace {Name}: {error.Message}", error);
        }

        return socket!;
    }

    /// <summary>Waits until a TCP connect to 127.0.0.1:<paramref name="port"/> inside the namespace succeeds.</summary>
    /// <param name="port">TCP port.</param>
    /// <param name="timeout">Upper bound on the wait.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>True if the port answered in time.</returns>
    public Task<bool> WaitForTcpAsync(int port, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        return WaitForTcpAsync(port, timeout, keepWaiting: null, cancellationToken);
    }

    /// <summary>Stops the processes this namespace started (SIGTERM, then SIGKILL after <see cref="StopGrace"/>) and deletes it.</summary>
    /// <returns>A task that completes when the namespace is gone.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        Process[] processes;
        lock (_lock)
        {
            processes = [.. _processes];
            _processes.Clear();
        }

        try
        {
            await ProcessRunner.StopAsync(processes, StopGrace).ConfigureAwait(false);
        }
        finally
        {
            foreach (var process in processes)
            {
                process.Dispose();
            }

            await DeleteAsync(Name).ConfigureAwait(false);
        }
    }

    internal static string IpPath => Peers.Require("ip", "iproute2");

    internal static string NewName(string? prefix)
    {
        prefix ??= "olas";
        if (prefix.Length == 0 || prefix.Length > 40 || !prefix.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            throw new ArgumentException($"Bad namespace prefix '{prefix}'.", nameof(prefix));
        }

        var n = Interlocked.Increment(ref s_counter);
        return string.Create(CultureInfo.InvariantCulture, $"{prefix}-{Environment.ProcessId}-{n}");
    }

    /// <summary>Runs <c>ip</c> in the root namespace to configure namespaces; these commands send no traffic.</summary>
    internal static async Task IpAsync(IEnumerable<string> args, CancellationToken cancellationToken)
    {
        var list = args.ToList();
        var result = await ProcessRunner.RunAsync(IpPath, list, s_ipTimeout, cancellationToken).ConfigureAwait(false);
        result.EnsureSuccess("ip " + string.Join(' ', list));
    }

    internal static async Task AddAsync(string name, CancellationToken cancellationToken)
    {
        Peers.RequireRoot();
        if (Interlocked.Exchange(ref s_reaped, 1) == 0)
        {
            await ReapStaleAsync().ConfigureAwait(false);
        }

        await IpAsync(["netns", "add", name], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A test run killed with SIGKILL cannot delete its namespaces. Their names carry the creating
    /// process id (<c>olas…-&lt;pid&gt;-&lt;n&gt;</c>), so the first harness call of a later run removes
    /// those whose creator is gone. Only names of this harness's shape are touched; no process is signalled.
    /// </summary>
    public static async Task ReapStaleAsync()
    {
        if (!Directory.Exists("/run/netns"))
        {
            return;
        }

        foreach (string path in Directory.EnumerateFiles("/run/netns"))
        {
            string name = Path.GetFileName(path);
            if (CreatorOf(name) is int pid && pid != Environment.ProcessId && !Directory.Exists("/proc/" + pid.ToString(CultureInfo.InvariantCulture)))
            {
                try
                {
                    await IpAsync(["netns", "del", name], CancellationToken.None).ConfigureAwait(false);
                }
                catch (InvalidOperationException)
                {
                    // Another run reaped it first, or it is busy: not this run's business.
                }
            }
        }
    }

    /// <summary>The creating process id of a namespace named by <see cref="NewName"/>, or null for other names.</summary>
    public static int? CreatorOf(string name)
    {
        string[] parts = name.Split('-');
        return parts.Length >= 3 && parts[0].StartsWith("olas", StringComparison.Ordinal)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int pid)
            && int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out _)
            ? pid
            : null;
    }

    internal static async Task DeleteAsync(string name)
    {
        if (!File.Exists("/run/netns/" + name))
        {
            return;
        }

        await IpAsync(["netns", "del", name], CancellationToken.None).ConfigureAwait(false);
    }

    internal async Task ConfigureLoopbackAsync(bool multicastOnLoopback, CancellationToken cancellationToken)
    {
        await IpAsync(["-n", Name, "link", "set", "lo", "up"], cancellationToken).ConfigureAwait(false);
        if (multicastOnLoopback)
        {
            // src 127.0.0.1: without it multicast sent over lo carries source 0.0.0.0.
            await IpAsync(["-n", Name, "route", "add", "224.0.0.0/4", "dev", "lo", "src", "127.0.0.1"], cancellationToken).ConfigureAwait(false);
        }
    }

    internal async Task<bool> WaitForTcpAsync(int port, TimeSpan timeout, Func<bool>? keepWaiting, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        var deadline = DateTime.UtcNow + timeout;
        var endpoint = new IPEndPoint(IPAddress.Loopback, port);
        while (true)
        {
            using (var socket = CreateSocket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
            using (var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                attempt.CancelAfter(TimeSpan.FromSeconds(1));
                try
                {
                    await socket.ConnectAsync(endpoint, attempt.Token).ConfigureAwait(false);
                    return true;
                }
                catch (SocketException)
                {
                    // Not listening yet.
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    // This attempt took too long; try again until the deadline.
                }
            }

            if (DateTime.UtcNow >= deadline || (keepWaiting is not null && !keepWaiting()))
            {
                return false;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken).ConfigureAwait(false);
        }
    }

    internal void Forget(Process process)
    {
        lock (_lock)
        {
            _processes.Remove(process);
        }
    }

    private static string ReadNamespaceLink(string path)
    {
        // readlink gives "net:[inode]"; equal strings mean the same namespace.
        return new FileInfo(path).LinkTarget
            ?? throw new InvalidOperationException($"{path} is not a link.");
    }
}
