// Licensed under the MIT License. See LICENSE in the repository root.
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using OlaSharp.Udp;

namespace OlaSharp.ArtNet.Internal;

/// <summary>
/// The Art-Net node: its sockets (the wildcard one, plus <c>127.0.0.1</c> and its own address, see
/// <see cref="OpenUnicastSocket"/>) on one <see cref="UdpTransport"/>, whose single receive thread also runs the
/// timers (ArtPoll, node table, merge timeout, ArtSync revert, unsolicited replies), and the send path the clock
/// thread calls through <see cref="ArtNetOutputPort.Emit"/>. The sockets are non-blocking: the clock thread never
/// waits on them (a full send buffer drops the packet and counts it).
/// </summary>
internal sealed partial class ArtNetNode : UdpNode, IUdpHandler
{
    private readonly ArtNetOptions _options;
    private readonly object _nodesLock = new();
    private readonly object _replyLock = new();
    private readonly Dictionary<(uint Ip, byte BindIndex), RemoteNode> _nodes = [];
    private readonly byte[] _replyBuffer = new byte[ArtPollReplyPacket.Length];
    private readonly byte[] _pollBuffer = new byte[ArtPollPacket.ShortLength];
    private readonly byte[] _syncBuffer = new byte[ArtSyncPacket.Length];
    private readonly ArtPollReplyFields _reply = new();
    private readonly ArtSyncState _sync;
    private readonly OwnEchoFilter _own;
    private readonly Func<int, bool> _isListened;
    private bool _dmxInBurst; // clock thread only
    private readonly long _pollTicks;
    private readonly long _nodeTimeoutTicks;
    private Socket? _socket;
    private uint _bindIp;
    private int _localPort = -1;
    private uint _broadcastIp;
    private uint _dmxBroadcastIp;
    private SocketAddress? _localAddress;
    private SocketAddress _broadcast = null!;
    private SocketAddress _dmxBroadcast = null!;
    private volatile bool _replyDirty;
    private volatile bool _pollNow;
    private Dictionary<int, SocketAddress[]> _subscribers = [];
    private ArtNetInputPort[] _inputs = [];
    private ArtNetOutputPort[] _outputs = [];
    private long _nextPoll;
    private long _nextNodeScan;
    private long _nextUnpatchedScan;
    private readonly LogThrottle _programmingLog;
    private long _unsolicited;

    public ArtNetNode(ArtNetOptions options, TimeProvider time, ILogger logger, CounterTable? counters = null)
        : base(time, logger)
    {
        Counters = counters ?? ArtNetCounters.Create();
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _programmingLog = new LogThrottle(Time);
        _sync = new ArtSyncState(Time.TimestampFrequency);
        _own = new OwnEchoFilter(Time.TimestampFrequency);
        _isListened = IsListened;
        _pollTicks = ToTicks(options.PollInterval);
        _nodeTimeoutTicks = ToTicks(options.NodeTimeout);
        Unpatched = new UnpatchedTraffic(options, Time.TimestampFrequency);
        ArtPollPacket.Write(_pollBuffer);
        ArtSyncPacket.Write(_syncBuffer);
    }

    public ArtNetOptions Options => _options;

    /// <summary>The bound local endpoint (after <see cref="Start"/>).</summary>
    public IPEndPoint? LocalEndPoint => _socket?.LocalEndPoint as IPEndPoint;

    /// <summary>The node's counters; the plugin passes one object to every node it starts, so they run on across restarts.</summary>
    public CounterTable Counters { get; }

    /// <summary>The patched input ports by Port-Address (15 bits), kept by the ports on patch and unpatch.</summary>
    public PortIndex<ArtNetInputPort> InputIndex { get; } = new(0x8000);

    internal ArtSyncState Sync => _sync;

    /// <summary>ArtDmx arriving for Port-Addresses no input port listens to.</summary>
    internal UnpatchedTraffic Unpatched { get; }

    /// <summary>The reply <see cref="BuildReply"/> wrote last (tests).</summary>
    internal ReadOnlySpan<byte> ReplyBytes => _replyBuffer;

    /// <summary>Sets the ports (before <see cref="Start"/>).</summary>
    public void SetPorts(ArtNetInputPort[] inputs, ArtNetOutputPort[] outputs)
    {
        _inputs = inputs;
        _outputs = outputs;
    }

    /// <summary>
    /// The longest wait between two housekeeping passes when nothing arrives. Everything housekeeping does is
    /// timed in seconds (polls every 2.75 s, nodes 8.25 s, the merge 10 s, ArtSync's 4 s fallback, the
    /// unpatched-universe scan every 1 s), or is a re-announcement after a patch, for which a quarter second
    /// is prompt; at the transport's default 50 ms the idle Pi line woke this thread 20 times a second for
    /// nothing (interop/bench/run.sh pi, docs/benchmarks.md).
    /// </summary>
    internal static readonly TimeSpan HousekeepingInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>The receive buffer the kernel granted (0 before <see cref="Start"/>); see <see cref="SocketBuffers"/>.</summary>
    public int ReceiveBufferBytes { get; private set; }

    public void Start(string? interfaceName = null)
    {
        // Directed broadcasts reach only a socket bound to the wildcard address on Linux; tie it to the chosen
        // interface instead (SO_BINDTODEVICE), so the conf's ip still decides where we listen.
        bool loopback = IPAddress.IsLoopback(_options.BindAddress);
        Socket socket = UdpSockets.Open(
            new UdpSocketOptions(new IPEndPoint(loopback ? _options.BindAddress : IPAddress.Any, _options.Port))
            {
                GrowReceiveBuffer = true,
                Broadcast = true,
                Device = loopback ? null : interfaceName,
            },
            out int receiveBufferBytes);
        ReceiveBufferBytes = receiveBufferBytes;
        var transport = new UdpTransport(this, "artnet-rx", ArtNetHeader.MaxPacketLength, Time, HousekeepingInterval);
        transport.Add(socket);
        _socket = socket;
        int localPort = ((IPEndPoint)socket.LocalEndPoint!).Port;
        _localAddress = new IPEndPoint(_options.BindAddress, localPort).Serialize();
        _localPort = localPort;
        _bindIp = ReadIp(_localAddress);
        _broadcast = new IPEndPoint(_options.BroadcastAddress, _options.RemotePort).Serialize();
        _dmxBroadcast = _options.UseLimitedBroadcast && !IPAddress.IsLoopback(_options.BindAddress)
            ? new IPEndPoint(IPAddress.Broadcast, _options.RemotePort).Serialize()
            : _broadcast;
        _broadcastIp = ReadIp(_broadcast);
        _dmxBroadcastIp = ReadIp(_dmxBroadcast);
        if (!loopback)
        {
            OpenUnicastSocket(transport, IPAddress.Loopback, localPort);
            OpenUnicastSocket(transport, _options.BindAddress, localPort);
        }

        // No unsolicited announcement until a port is patched (restored patches count): an idle plugin sends nothing.
        Transport = transport;
        transport.Start();
        Log.Started(Logger, _options.BindAddress.ToString(), localPort, _options.BroadcastAddress.ToString());
    }

    /// <summary>
    /// A console on this host (QLC+ on the Pi) binds 0.0.0.0:6454 too. Unicast to 127.0.0.1 or to our address then
    /// goes to one wildcard socket only, the console's if it set SO_REUSEPORT or came first, so we also listen on
    /// <paramref name="address"/>:<paramref name="port"/>: the kernel prefers an exact-address socket. Broadcasts
    /// still reach both wildcard sockets. Our own sends reach these sockets only when addressed to a subscriber on
    /// this host, and those echoes are recognised by <see cref="OwnEchoFilter"/>.
    /// </summary>
    private void OpenUnicastSocket(UdpTransport transport, IPAddress address, int port)
    {
        try
        {
            transport.Add(UdpSockets.Open(new UdpSocketOptions(new IPEndPoint(address, port)), out _));
        }
        catch (SocketException ex)
        {
            Log.NoUnicastSocket(Logger, address.ToString(), port, ex.SocketErrorCode.ToString());
        }
    }

    /// <summary>Ports were patched or unpatched: re-announce, and poll soon if an output is patched.</summary>
    public void OnPortsChanged()
    {
        _replyDirty = true;
        _pollNow = true;
    }

    // ---------------------------------------------------------------- send path (clock thread)

    /// <summary>Sends one ArtDmx for <paramref name="port"/>; called on the clock thread.</summary>
    internal void SendDmx(ArtNetOutputPort port, ReadOnlySpan<byte> slots)
    {
        Socket? socket = _socket;
        int address = port.PortAddress;
        if (socket is null || address < 0 || slots.IsEmpty)
        {
            return;
        }

        SocketAddress[]? subscribers = null;
        bool broadcast = _options.AlwaysBroadcast;
        if (!broadcast)
        {
            Volatile.Read(ref _subscribers).TryGetValue(address, out subscribers);
            if (subscribers is null || subscribers.Length == 0)
            {
                // olad's rule: nobody subscribed, nothing sent, the sequence does not advance.
                Counters.Increment(ArtNetCounters.DmxSuppressed);
                return;
            }

            broadcast = subscribers.Length > _options.BroadcastThreshold;
        }

        int length = ArtDmxPacket.Write(port.SendBuffer, port.NextSequence(), (byte)(port.Index & 0xFF), address, slots);
        ReadOnlySpan<byte> packet = port.SendBuffer.AsSpan(0, length);
        if (broadcast)
        {
            Send(socket, packet, _dmxBroadcast, ref Counters[ArtNetCounters.DmxSent]);
        }
        else
        {
            foreach (SocketAddress destination in subscribers!)
            {
                Send(socket, packet, destination, ref Counters[ArtNetCounters.DmxSent]);
            }
        }

        _dmxInBurst = true;
    }

    /// <summary>
    /// The clock has emitted everything due at this wake-up: with <c>send_artsync</c>, one ArtSync follows
    /// the burst's ArtDmx packets (every port's EndBurst calls this; only the first after some ArtDmx sends).
    /// </summary>
    internal void EndBurst()
    {
        if (!_dmxInBurst)
        {
            return;
        }

        _dmxInBurst = false;
        if (_options.SendArtSync && _socket is { } socket)
        {
            Send(socket, _syncBuffer, _broadcast, ref Counters[ArtNetCounters.SyncSent]);
        }
    }

    private void Send(Socket socket, ReadOnlySpan<byte> packet, SocketAddress destination, ref long counter)
    {
        if (MayEcho(destination))
        {
            // Before the send: the echo can be back on the receive thread before SendTo returns.
            _own.Record(packet, Time.GetTimestamp());
        }

        Transport?.Send(socket, packet, destination, ref counter, ref Counters[ArtNetCounters.SendErrors]);
    }

    internal void Housekeeping(long now)
    {
        if (now >= _nextUnpatchedScan)
        {
            _nextUnpatchedScan = now + Time.TimestampFrequency;
            Unpatched.Expire(now, _isListened);
        }

        Socket? socket = _socket;
        if (socket is null)
        {
            return;
        }

        bool anyOutput = false;
        foreach (ArtNetOutputPort port in _outputs)
        {
            anyOutput |= port.PortAddress >= 0;
        }

        if (anyOutput && (_pollNow || now >= _nextPoll))
        {
            _pollNow = false;
            _nextPoll = now + _pollTicks;
            Send(socket, _pollBuffer, _broadcast, ref Counters[ArtNetCounters.PollsSent]);
        }

        if (_replyDirty)
        {
            _replyDirty = false;
            Interlocked.Increment(ref _unsolicited);
            SendReplies(_broadcast);
        }

        if (now >= _nextNodeScan)
        {
            _nextNodeScan = now + Time.TimestampFrequency;
            lock (_nodesLock)
            {
                int before = _nodes.Count;
                foreach (var kv in _nodes.Where(kv => now - kv.Value.LastSeen >= _nodeTimeoutTicks).ToList())
                {
                    _nodes.Remove(kv.Key);
                }

                if (_nodes.Count != before)
                {
                    RebuildSubscribersLocked();
                }
            }
        }

        foreach (ArtNetInputPort port in _inputs)
        {
            port.Expire(now);
        }

        if (_sync.CheckRevert(now))
        {
            ReleaseHeld();
        }
    }

    internal static string FormatIp(uint ip) => $"{ip >> 24}.{(ip >> 16) & 0xFF}.{(ip >> 8) & 0xFF}.{ip & 0xFF}";

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing); // closes the sockets and joins the receive thread
        _socket = null;
    }
}
