// Licensed under the MIT License. See LICENSE in the repository root.

namespace OlaSharp.Sacn;

/// <summary>Settings of the sACN node (from <c>ola-e131.conf</c>, or set directly by tests).</summary>
public sealed class SacnOptions
{
    /// <summary>Address of the chosen interface: multicast is joined and sent there.</summary>
    public IPAddress BindAddress { get; set; } = IPAddress.Loopback;

    /// <summary>Local UDP port (5568; tests use 0).</summary>
    public int Port { get; set; } = Packets.SacnRootLayer.Port;

    /// <summary>UDP port packets are sent to (5568).</summary>
    public int RemotePort { get; set; } = Packets.SacnRootLayer.Port;

    /// <summary>Our CID.</summary>
    public UInt128 Cid { get; set; }

    /// <summary>Source name sent in every packet (olad: <c>&lt;hostname&gt;-&lt;instance name&gt;</c>).</summary>
    public string SourceName { get; set; } = "OLA Server";

    /// <summary>Number of input ports (0-4096; olad 0-512).</summary>
    public int InputPorts { get; set; } = 5;

    /// <summary>Number of output ports (0-4096; olad 0-512).</summary>
    public int OutputPorts { get; set; } = 5;

    /// <summary>Drop incoming packets with the preview bit.</summary>
    public bool IgnorePreview { get; set; } = true;

    /// <summary>DSCP (0-63) of outgoing packets.</summary>
    public int Dscp { get; set; }

    /// <summary>
    /// Join 239.255.hi.lo for patched inputs and send outputs to it. Off only in loopback tests, which
    /// use <see cref="UnicastDestinations"/> instead.
    /// </summary>
    public bool Multicast { get; set; } = true;

    /// <summary>Unicast destinations every output port also sends to (olad has none, ola#883).</summary>
    public IReadOnlyList<IPEndPoint> UnicastDestinations { get; set; } = [];

    /// <summary>Unicast destinations of single output ports, by port index (conf: <c>output_&lt;n&gt;_unicast</c>).</summary>
    public IReadOnlyDictionary<int, IReadOnlyList<IPEndPoint>> PortUnicastDestinations { get; set; } = new Dictionary<int, IReadOnlyList<IPEndPoint>>();

    /// <summary>Refresh rate of output ports in change mode, Hz.</summary>
    public double OutputHz { get; set; } = 44;

    /// <summary>Keep-alive of unchanged data (E1.31 §6.6.1: 800-1000 ms recommended).</summary>
    public TimeSpan KeepAlive { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Extra copies after a change (E1.31 §6.6.1: 3).</summary>
    public int RepeatsAfterChange { get; set; } = 3;

    /// <summary>Source loss: E1.31 network data loss timeout, 2.5 s.</summary>
    public TimeSpan SourceTimeout { get; set; } = TimeSpan.FromMilliseconds(2500);

    /// <summary>How long a new source's levels wait for its first 0xDD packet, when they wait (ETC: 1.5 s; 0 = never wait).</summary>
    public TimeSpan PerAddressPriorityWait { get; set; } = TimeSpan.FromMilliseconds(1500);

    /// <summary>Which new sources wait for their first 0xDD packet (conf: <c>per_address_priority_wait</c>).</summary>
    public PerAddressPriorityWaitMode PerAddressPriorityWaitMode { get; set; } = PerAddressPriorityWaitMode.Auto;

    /// <summary>
    /// In <see cref="PerAddressPriorityWaitMode.Auto"/>: how long after the last 0xDD packet on an input
    /// universe new senders there still wait (so a 0xDD console that restarts is still protected).
    /// </summary>
    public TimeSpan PerAddressPriorityMemory { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Synchronisation universe of the outputs (1..63999), or 0 for none; <see cref="PortSyncAddresses"/>
    /// overrides it per port. Ports with a sync address run on a fixed clock, their data packets carry it,
    /// and one sync packet per address follows each tick's burst of data packets.
    /// </summary>
    public int SyncAddress { get; set; }

    /// <summary>Another source's discovery list is forgotten after this long without a page (two missed 10 s announcements, plus slack).</summary>
    public TimeSpan DiscoveryTimeout { get; set; } = TimeSpan.FromSeconds(25);

    /// <summary>
    /// Synchronisation universes of single output ports, by port index (conf: <c>output_&lt;n&gt;_sync_address</c>);
    /// they override <see cref="SyncAddress"/>, and 0 takes that port out of sync.
    /// </summary>
    public IReadOnlyDictionary<int, int> PortSyncAddresses { get; set; } = new Dictionary<int, int>();

    /// <summary>
    /// Send per-address priority packets (start code 0xDD) when a patched universe's merge has per-slot
    /// priorities: after each change of them, 3 repeats, then at least every 800 ms (ETC, E1.31 keep-alive).
    /// </summary>
    public bool SendPerAddressPriority { get; set; } = true;

    /// <summary>The sync address of output port <paramref name="index"/> (0 = none).</summary>
    public int SyncAddressOf(int index) => PortSyncAddresses.TryGetValue(index, out int address) ? address : SyncAddress;

    /// <summary>Universe discovery period (E1.31: 10 s).</summary>
    public TimeSpan DiscoveryInterval { get; set; } = TimeSpan.FromSeconds(10);
}
