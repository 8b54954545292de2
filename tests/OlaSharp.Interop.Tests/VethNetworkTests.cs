// Licensed under the MIT License. See LICENSE in the repository root.

using System.Net;

namespace OlaSharp.Interop.Tests;

[Collection(InteropCollection.Name)]
public sealed class VethNetworkTests
{
    private const string Python = "/usr/bin/python3";
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(15);

    // Prints "ready" once bound, then one datagram and its source; recv bounded by settimeout.
    private const string ReceiveScript = """
        import socket, sys
        r = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        r.bind(("", 6454))
        print("ready", flush=True)
        r.settimeout(5)
        data, addr = r.recvfrom(100)
        print(data.decode(), addr[0], flush=True)
        """;

    private const string BroadcastScript = """
        import socket
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
        s.sendto(b"olas-broadcast", ("198.18.0.255", 6454))
        """;

    [Fact]
    public async Task CreateAsync_TwoHosts_AddressedInBenchmarkSubnet()
    {
        await using var network = await VethNetwork.CreateAsync(2);

        Assert.Equal(2, network.Hosts.Count);
        Assert.Equal(IPAddress.Parse("198.18.0.1"), network.Hosts[0].Address);
        Assert.Equal(IPAddress.Parse("198.18.0.2"), network.Hosts[1].Address);
        var names = await Host.ListNamespacesAsync();
        Assert.Contains(network.SwitchName, names);
        Assert.All(network.Hosts, h => Assert.Contains(h.Name, names));

        var addr = (await network.Hosts[1].RunAsync("ip", ["-o", "-4", "addr", "show", "dev", "eth0"], s_timeout)).EnsureSuccess("ip addr");
        Assert.Contains("198.18.0.2/24 brd 198.18.0.255", addr.StandardOutput, StringComparison.Ordinal);
        var routes = (await network.Hosts[1].RunAsync("ip", ["route", "show"], s_timeout)).EnsureSuccess("ip route");
        Assert.Contains("224.0.0.0/4 dev eth0", routes.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Broadcast_FromHost1_ReceivedOnHost2()
    {
        Peers.Require(Python, "python3");
        string[] names;
        await using (var network = await VethNetwork.CreateAsync(2))
        {
            names = [network.SwitchName, .. network.Hosts.Select(h => h.Name)];
            var output = new ProcessOutput();
            var receiver = network.Hosts[1].Start(Python, ["-c", ReceiveScript], output: output);
            Assert.True(await output.WaitForLineAsync(l => l == "ready", s_timeout), "receiver never bound: " + output.StandardError);

            (await network.Hosts[0].RunAsync(Python, ["-c", BroadcastScript], s_timeout)).EnsureSuccess("broadcast sender");

            using var cts = new CancellationTokenSource(s_timeout);
            await receiver.WaitForExitAsync(cts.Token);
            Assert.True(receiver.ExitCode == 0, "receiver failed: " + output.StandardError);
            Assert.Contains("olas-broadcast 198.18.0.1", output.StandardOutput, StringComparison.Ordinal);
        }

        var remaining = await Host.ListNamespacesAsync();
        Assert.All(names, n => Assert.DoesNotContain(n, remaining));
    }

    [Fact]
    public async Task Multicast_FromHost1_ReceivedOnHosts2And3()
    {
        Peers.Require(Python, "python3");
        const string receive = """
            import socket, struct
            r = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            r.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            r.bind(("", 5568))
            r.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, struct.pack("4s4s", socket.inet_aton("239.255.0.1"), socket.inet_aton("0.0.0.0")))
            print("ready", flush=True)
            r.settimeout(5)
            data, addr = r.recvfrom(100)
            print(data.decode(), addr[0], flush=True)
            """;
        const string send = """
            import socket
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 1)
            s.sendto(b"olas-multicast", ("239.255.0.1", 5568))
            """;

        await using var network = await VethNetwork.CreateAsync(3);
        var receivers = network.Hosts.Skip(1).Select(h =>
        {
            var output = new ProcessOutput();
            return (Process: h.Start(Python, ["-c", receive], output: output), Output: output);
        }).ToList();
        foreach (var (_, output) in receivers)
        {
            Assert.True(await output.WaitForLineAsync(l => l == "ready", s_timeout), "receiver never joined: " + output.StandardError);
        }

        (await network.Hosts[0].RunAsync(Python, ["-c", send], s_timeout)).EnsureSuccess("multicast sender");

        foreach (var (process, output) in receivers)
        {
            using var cts = new CancellationTokenSource(s_timeout);
            await process.WaitForExitAsync(cts.Token);
            Assert.Contains("olas-multicast 198.18.0.1", output.StandardOutput, StringComparison.Ordinal);
        }
    }
}
