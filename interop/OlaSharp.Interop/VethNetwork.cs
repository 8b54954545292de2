// Licensed under the MIT License. See LICENSE in the repository root.

using System.Globalization;
using System.Net;

namespace OlaSharp.Interop;

/// <summary>
/// Hosts that can talk to each other over a shared Ethernet segment, for tests where two
/// programs each need UDP 6454 or 5568 to themselves. Topology (the same as <c>netns.sh hosts</c>):
/// a switch namespace <c>{prefix}-sw</c> holds bridge <c>br0</c> with ports <c>p1..pN</c>; each is a
/// veth whose peer is <c>eth0</c> in host namespace <c>{prefix}-{i}</c>, addressed 198.18.0.i/24
/// (RFC 2544 benchmarking space) with 224.0.0.0/4 routed via <c>eth0</c>. No interface is ever
/// created in the root namespace.
/// </summary>
public sealed class VethNetwork : IAsyncDisposable
{
    /// <summary>The hosts' /24, inside 198.18.0.0/15.</summary>
    public const string SubnetPrefix = "198.18.0";

    /// <summary>The most hosts one network may have.</summary>
    public const int MaxHosts = 16;

    private const string HostInterface = "eth0";
    private const string Bridge = "br0";

    private readonly List<NetworkNamespace> _hosts = [];
    private int _disposed;
    private bool _switchCreated;

    private VethNetwork(string prefix)
    {
        Prefix = prefix;
    }

    /// <summary>The directed broadcast address of the hosts' subnet, 198.18.0.255.</summary>
    public static IPAddress BroadcastAddress { get; } = IPAddress.Parse(SubnetPrefix + ".255");

    /// <summary>The common name prefix of the namespaces.</summary>
    public string Prefix { get; }

    /// <summary>The namespace holding the bridge; runs nothing.</summary>
    public string SwitchName => Prefix + "-sw";

    /// <summary>The hosts; host i (from 0) has address 198.18.0.(i+1).</summary>
    public IReadOnlyList<NetworkNamespace> Hosts => _hosts;

    /// <summary>Creates <paramref name="hosts"/> hosts on one bridge.</summary>
    /// <param name="hosts">Number of hosts, 2 to <see cref="MaxHosts"/>.</param>
    /// <param name="prefix">Name prefix; <c>olasv</c> by default.</param>
    /// <param name="cancellationToken">Cancels the creation (everything made so far is removed).</param>
    /// <returns>The network.</returns>
    public static async Task<VethNetwork> CreateAsync(int hosts, string? prefix = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(hosts, 2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(hosts, MaxHosts);
        var network = new VethNetwork(NetworkNamespace.NewName(prefix ?? "olasv"));
        try
        {
            await network.BuildAsync(hosts, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await network.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return network;
    }

    /// <summary>Stops every process started in the hosts and deletes all namespaces (and with them the veths and bridge).</summary>
    /// <returns>A task that completes when everything is gone.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        List<Exception>? errors = null;
        foreach (var host in _hosts)
        {
            try
            {
                await host.DisposeAsync().ConfigureAwait(false);
            }
#pragma warning disable CA1031 // Keep tearing down the rest; the errors are rethrown together below.
            catch (Exception e)
#pragma warning restore CA1031
            {
                (errors ??= []).Add(e);
            }
        }

        if (_switchCreated)
        {
            try
            {
                await NetworkNamespace.DeleteAsync(SwitchName).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // As above.
            catch (Exception e)
#pragma warning restore CA1031
            {
                (errors ??= []).Add(e);
            }
        }

        if (errors is not null)
        {
            throw new AggregateException($"Tearing down veth network {Prefix} failed.", errors);
        }
    }

    private async Task BuildAsync(int hosts, CancellationToken cancellationToken)
    {
        await NetworkNamespace.AddAsync(SwitchName, cancellationToken).ConfigureAwait(false);
        _switchCreated = true;
        await NetworkNamespace.IpAsync(["-n", SwitchName, "link", "set", "lo", "up"], cancellationToken).ConfigureAwait(false);
        // No STP (ports forward at once) and no IGMP snooping (multicast floods to every port, as on a dumb switch).
        await NetworkNamespace.IpAsync(["-n", SwitchName, "link", "add", Bridge, "type", "bridge", "stp_state", "0", "mcast_snooping", "0"], cancellationToken).ConfigureAwait(false);
        await NetworkNamespace.IpAsync(["-n", SwitchName, "link", "set", Bridge, "up"], cancellationToken).ConfigureAwait(false);

        for (var i = 1; i <= hosts; i++)
        {
            var address = IPAddress.Parse(string.Create(CultureInfo.InvariantCulture, $"{SubnetPrefix}.{i}"));
            var host = new NetworkNamespace(string.Create(CultureInfo.InvariantCulture, $"{Prefix}-{i}"), address, HostInterface);
            await NetworkNamespace.AddAsync(host.Name, cancellationToken).ConfigureAwait(false);
            _hosts.Add(host);

            var port = string.Create(CultureInfo.InvariantCulture, $"p{i}");
            await host.ConfigureLoopbackAsync(multicastOnLoopback: false, cancellationToken).ConfigureAwait(false);
            // Made inside the switch namespace, its peer moved straight into the host: never visible in the root namespace.
            await NetworkNamespace.IpAsync(["-n", SwitchName, "link", "add", port, "type", "veth", "peer", "name", HostInterface, "netns", host.Name], cancellationToken).ConfigureAwait(false);
            await NetworkNamespace.IpAsync(["-n", SwitchName, "link", "set", port, "master", Bridge, "up"], cancellationToken).ConfigureAwait(false);
            await NetworkNamespace.IpAsync(["-n", host.Name, "addr", "add", address + "/24", "brd", "+", "dev", HostInterface], cancellationToken).ConfigureAwait(false);
            await NetworkNamespace.IpAsync(["-n", host.Name, "link", "set", HostInterface, "up"], cancellationToken).ConfigureAwait(false);
            await NetworkNamespace.IpAsync(["-n", host.Name, "route", "add", "224.0.0.0/4", "dev", HostInterface], cancellationToken).ConfigureAwait(false);
        }
    }
}
