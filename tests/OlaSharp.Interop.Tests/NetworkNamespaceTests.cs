// Licensed under the MIT License. See LICENSE in the repository root.

using System.Net;
using System.Net.Sockets;
using System.Text;

namespace OlaSharp.Interop.Tests;

[Collection(InteropCollection.Name)]
public sealed class NetworkNamespaceTests
{
    private const string Python = "/usr/bin/python3";
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(15);

    // Receiver joins 239.255.0.1 and binds 5568 before the sender sends; recv is bounded by settimeout.
    private const string MulticastScript = """
        import socket, struct
        r = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        r.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        r.bind(("", 5568))
        r.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, struct.pack("4s4s", socket.inet_aton("239.255.0.1"), socket.inet_aton("0.0.0.0")))
        r.settimeout(5)
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.sendto(b"olas-multicast", ("239.255.0.1", 5568))
        data, addr = r.recvfrom(100)
        print(data.decode(), addr[0])
        """;

    [Fact]
    public async Task CreateAsync_FreshNamespace_OnlyLoopbackAndMulticastRoute()
    {
        await using var ns = await NetworkNamespace.CreateAsync();
        Assert.Matches(@"^olas-\d+-\d+$", ns.Name);
        Assert.Contains(ns.Name, await Host.ListNamespacesAsync());

        var links = (await ns.RunAsync("ip", ["-o", "link", "show"], s_timeout)).EnsureSuccess("ip link");
        var names = links.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(':')[1].Trim()).ToList();
        Assert.Equal(["lo"], names);
        Assert.Contains("UP", links.StandardOutput, StringComparison.Ordinal);

        var routes = (await ns.RunAsync("ip", ["route", "show"], s_timeout)).EnsureSuccess("ip route");
        Assert.Contains("224.0.0.0/4 dev lo", routes.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_MulticastInsideNamespace_ReceivedBySecondSocket()
    {
        Peers.Require(Python, "python3");
        await using var ns = await NetworkNamespace.CreateAsync();

        var result = (await ns.RunAsync(Python, ["-c", MulticastScript], s_timeout)).EnsureSuccess("multicast probe");

        Assert.Equal("olas-multicast 127.0.0.1", result.StandardOutput.Trim());
    }

    [Fact]
    public async Task CreateSocket_MulticastBetweenTwoSocketsInNamespace_Received()
    {
        await using var ns = await NetworkNamespace.CreateAsync();
        var group = IPAddress.Parse("239.255.0.1");

        using var receiver = ns.CreateSocket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        receiver.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        receiver.Bind(new IPEndPoint(IPAddress.Any, 5568));
        receiver.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.AddMembership, new MulticastOption(group, IPAddress.Any));

        // Same port in the root namespace is untouched: binding it there would not conflict.
        using var sender = ns.CreateSocket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        await sender.SendToAsync(Encoding.ASCII.GetBytes("from-csharp"), new IPEndPoint(group, 5568));

        var buffer = new byte[64];
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var received = await receiver.ReceiveFromAsync(buffer, new IPEndPoint(IPAddress.Any, 0), cts.Token);

        Assert.Equal("from-csharp", Encoding.ASCII.GetString(buffer, 0, received.ReceivedBytes));
    }

    [Fact]
    public async Task WaitForTcpAsync_NothingListening_FalseWithinBound()
    {
        await using var ns = await NetworkNamespace.CreateAsync();
        var started = DateTime.UtcNow;

        Assert.False(await ns.WaitForTcpAsync(9010, TimeSpan.FromMilliseconds(500)));
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task RunAsync_AsUser_RunsWithThatUid()
    {
        await using var ns = await NetworkNamespace.CreateAsync();

        var result = (await ns.RunAsync("id", ["-un"], s_timeout, user: "olad")).EnsureSuccess("id");

        Assert.Equal("olad", result.StandardOutput.Trim());
    }

    [Fact]
    public async Task RunAsync_Overrun_KilledAndReportedAsTimedOut()
    {
        await using var ns = await NetworkNamespace.CreateAsync();

        var result = await ns.RunAsync("sleep", ["30"], TimeSpan.FromMilliseconds(300));

        Assert.True(result.TimedOut);
        Assert.False(result.Succeeded);
    }

    [Fact]
    public async Task DisposeAsync_AfterExceptionInsideAwaitUsing_RemovesNamespaceAndStopsProcesses()
    {
        string? name = null;
        var pid = 0;

        await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await using var ns = await NetworkNamespace.CreateAsync();
            name = ns.Name;
            var process = ns.Start("sleep", ["60"]);
            pid = process.Id;
            // ip and setpriv exec in place: the pid becomes sleep's once the exec chain is done.
            Assert.True(await Host.WaitForCommAsync(pid, "sleep", TimeSpan.FromSeconds(5)), $"pid {pid} never became sleep");
            throw new InvalidOperationException("test failure inside await using");
        });

        Assert.NotNull(name);
        Assert.DoesNotContain(name, await Host.ListNamespacesAsync());
        Assert.False(Host.ProcessExists(pid), $"sleep pid {pid} still exists");
    }

    [Fact]
    public async Task DisposeAsync_OladAndNetworkAfterException_LeaveNothingBehind()
    {
        string? nsName = null;
        string? configDir = null;
        IReadOnlyList<string> hostNames = [];
        var pid = 0;

        await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await using var network = await VethNetwork.CreateAsync(2);
            hostNames = [network.SwitchName, .. network.Hosts.Select(h => h.Name)];
            await using var ns = await NetworkNamespace.CreateAsync();
            nsName = ns.Name;
            await using var olad = await OladInstance.StartAsync(ns, ["dummy"]);
            pid = olad.Pid;
            configDir = olad.ConfigDir;
            throw new InvalidOperationException("test failure with olad running");
        });

        var remaining = await Host.ListNamespacesAsync();
        Assert.DoesNotContain(nsName, remaining);
        Assert.All(hostNames, n => Assert.DoesNotContain(n, remaining));
        Assert.False(Host.ProcessExists(pid), $"olad pid {pid} still exists");
        Assert.False(Directory.Exists(configDir));
    }

    [Fact]
    public void CreatorOf_ReadsThePidOfHarnessNamesOnly()
    {
        Assert.Equal(1234, NetworkNamespace.CreatorOf("olas-1234-7"));
        Assert.Equal(99, NetworkNamespace.CreatorOf("olasb-99-1-sw"));
        Assert.Null(NetworkNamespace.CreatorOf("docker-1234-1"));
        Assert.Null(NetworkNamespace.CreatorOf("olas-x-1"));
        Assert.Null(NetworkNamespace.CreatorOf("olas"));
    }

    [Fact]
    public async Task ReapStale_DeletesNamespacesOfDeadRuns_KeepsLiveOnes()
    {
        // A pid that has just exited stands for a test run killed with SIGKILL.
        using var gone = System.Diagnostics.Process.Start("true")!;
        await gone.WaitForExitAsync();
        string stale = $"olas-{gone.Id}-1";
        string ip = Peers.Require("ip", "iproute2");
        Assert.Equal(0, (await Host.RunAsync(ip, ["netns", "add", stale])).ExitCode);
        try
        {
            await using var live = await NetworkNamespace.CreateAsync();
            await NetworkNamespace.ReapStaleAsync();
            IReadOnlyList<string> names = await Host.ListNamespacesAsync();
            Assert.DoesNotContain(stale, names);
            Assert.Contains(live.Name, names);
        }
        finally
        {
            if (File.Exists("/run/netns/" + stale))
            {
                await Host.RunAsync(ip, ["netns", "del", stale]);
            }
        }
    }
}
