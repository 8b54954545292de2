// Licensed under the MIT License. See LICENSE in the repository root.
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using OlaSharp.Udp;

namespace OlaSharp.Sacn.Internal;

/// <summary>
/// The sACN node: one UDP socket on port 5568 on a <see cref="UdpTransport"/>, whose receive thread also runs
/// the timers (source loss, 0xDD wait, discovery), a second socket that only holds the multicast memberships (Linux delivers
/// a joined group to every socket bound to the port, so the receiving socket's own list stays empty;
/// Haukcode measured the cost of long lists at 600 groups), and the send path the clock thread calls
/// through <see cref="SacnOutputPort.Emit"/>. The socket is non-blocking: the clock thread never waits.
/// </summary>
internal sealed partial class SacnNode : UdpNode, IUdpHandler
{
    private readonly SacnOptions _options;
    private readonly byte[] _sourceName;
    private readonly byte[] _syncBuffer = new byte[SacnSyncPacket.Length];
    private readonly byte[] _discoveryBuffer = new byte[SacnDiscoveryPacket.MaxLength];
    private readonly ushort[] _discoveryList = new ushort[SacnDiscoveryPacket.MaxUniversesPerPage];
    private readonly object _joinLock = new();
    private readonly HashSet<int> _joined = [];
    private readonly long _discoveryTicks;
    private readonly long _sourceTimeoutTicks;
    private readonly Dictionary<(UInt128 Cid, ushort Address), SyncStream> _syncStreams = [];
    private readonly List<(UInt128, ushort)> _expiredSync = [];
    private Socket? _socket;
    private Socket? _membership;
    private SocketAddress[] _unicast = [];
    private SocketAddress? _discoveryAddress;
    private SyncGroup[] _syncGroups = [];
    private bool _syncPending;
    private SacnInputPort[] _inputs = [];
    private SacnOutputPort[] _outputs = [];
    private long _nextDiscovery;

    public SacnNode(SacnOptions options, TimeProvider time, ILogger logger, CounterTable? counters = null)
        : base(time, logger)
    {
        Counters = counters ?? SacnCounters.Create();
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _sourceName = SacnFramingLayer.EncodeSourceName(options.SourceName);
        _discoveryTicks = ToTicks(options.DiscoveryInterval);
        _sourceTimeoutTicks = ToTicks(options.SourceTimeout);
        Discovered = new SacnDiscoveryTracker(ToTicks(options.DiscoveryTimeout));
    }

    /// <summary>Other sources' universe discovery pages.</summary>
    public SacnDiscoveryTracker Discovered { get; }

    /// <summary>Sources seen through universe discovery (allocates; for APIs).</summary>
    public IReadOnlyList<SacnDiscoveredSource> GetDiscoveredSources() => Discovered.Snapshot(Time.GetTimestamp(), Time);

    public SacnOptions Options => _options;

    /// <summary>The bound local endpoint (after <see cref="Start"/>).</summary>
    public IPEndPoint? LocalEndPoint => _socket?.LocalEndPoint as IPEndPoint;

    /// <summary>The node's counters; the plugin passes one object to every node it starts, so they run on across restarts.</summary>
    public CounterTable Counters { get; }

    /// <summary>The patched input ports by universe, kept by the ports on patch and unpatch.</summary>
    public PortIndex<SacnInputPort> InputIndex { get; } = new(SacnDataPacket.MaxUniverse + 1);

    /// <summary>Multicast groups currently joined (universe numbers).</summary>
    public IReadOnlyCollection<int> Joined
    {
        get
        {
            lock (_joinLock)
            {
                return [.. _joined];
            }
        }
    }

    /// <summary>Sets the ports (before <see cref="Start"/>) and groups the outputs by sync address.</summary>
    public void SetPorts(SacnInputPort[] inputs, SacnOutputPort[] outputs)
    {
        _inputs = inputs;
        _outputs = outputs;
        var groups = new List<SyncGroup>();
        foreach (SacnOutputPort port in outputs)
        {
            int address = _options.SyncAddressOf(port.Index);
            if (address == 0)
            {
                continue;
            }

            SyncGroup? group = groups.Find(g => g.Address == address);
            if (group is null)
            {
                group = new SyncGroup((ushort)address, new IPEndPoint(SacnDataPacket.MulticastGroup(address), _options.RemotePort).Serialize());
                groups.Add(group);
            }

            // The sync packet also goes to this port's own unicast destinations.
            foreach (SocketAddress destination in port.UnicastAddresses)
            {
                if (!group.Unicast.Contains(destination))
                {
                    group.Unicast.Add(destination);
                }
            }

            port.Sync = group;
        }

        _syncGroups = [.. groups];
    }

    /// <summary>The sync addresses in use by the outputs.</summary>
    public IReadOnlyList<int> SyncAddresses => [.. _syncGroups.Select(g => (int)g.Address)];

    /// <summary>Iterations of the receive loop (each poll wake-up or 50 ms housekeeping tick); tests check it does not spin.</summary>
    internal long ReceiveWakeups => Transport?.Wakeups ?? 0;

    /// <summary>The receive buffer the kernel granted (0 before <see cref="Start"/>); see <see cref="SocketBuffers"/>.</summary>
    public int ReceiveBufferBytes { get; private set; }

    public void Start()
    {
        IPAddress bind = IPAddress.IsLoopback(_options.BindAddress) ? _options.BindAddress : IPAddress.Any;
        Socket socket = UdpSockets.Open(
            new UdpSocketOptions(new IPEndPoint(bind, _options.Port))
            {
                GrowReceiveBuffer = true,
                Dscp = _options.Dscp,
                MulticastInterface = _options.Multicast ? _options.BindAddress : null,
            },
            out int receiveBufferBytes);
        ReceiveBufferBytes = receiveBufferBytes;
        Socket? membership = null;
        try
        {
            if (_options.Multicast)
            {
                membership = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                membership.Bind(new IPEndPoint(IPAddress.Any, 0));
                _discoveryAddress = new IPEndPoint(SacnDataPacket.MulticastGroup(SacnDiscoveryPacket.Universe), _options.RemotePort).Serialize();
            }
        }
        catch
        {
            socket.Dispose();
            membership?.Dispose();
            throw;
        }

        _socket = socket;
        _membership = membership;
        _unicast = [.. _options.UnicastDestinations.Select(e => e.Serialize())];
        lock (_joinLock)
        {
            // Other sources' universe discovery (239.255.250.214), then the patched inputs.
            JoinLocked(SacnDiscoveryPacket.Universe);
            foreach (int universe in _joined)
            {
                JoinLocked(universe);
            }
        }

        _nextDiscovery = Time.GetTimestamp();

        // The largest E1.31 packet is 638 bytes; anything longer is reported as MessageSize.
        Transport = new UdpTransport(this, "sacn-rx", 2048, Time);
        Transport.Add(socket);
        Transport.Start();
        Log.Started(Logger, _options.BindAddress.ToString(), ((IPEndPoint)socket.LocalEndPoint!).Port, SacnRootLayer.FormatCid(_options.Cid));
    }

    // ---------------------------------------------------------------- multicast membership

    /// <summary>Joins 239.255.hi.lo for an input universe (on patch).</summary>
    public void Join(int universe)
    {
        lock (_joinLock)
        {
            if (_joined.Add(universe) && _membership is not null)
            {
                JoinLocked(universe);
            }
        }
    }

    /// <summary>Leaves an input universe's group (on unpatch).</summary>
    public void Leave(int universe)
    {
        lock (_joinLock)
        {
            if (_joined.Remove(universe) && _membership is not null)
            {
                try
                {
                    _membership.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.DropMembership, new MulticastOption(SacnDataPacket.MulticastGroup(universe), _options.BindAddress));
                }
                catch (SocketException ex)
                {
                    Log.MembershipFailed(Logger, "leave", universe, ex.SocketErrorCode.ToString());
                }
            }
        }
    }

    private void JoinLocked(int universe)
    {
        if (_membership is null)
        {
            return;
        }

        try
        {
            _membership.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.AddMembership, new MulticastOption(SacnDataPacket.MulticastGroup(universe), _options.BindAddress));
        }
        catch (SocketException ex)
        {
            Log.MembershipFailed(Logger, "join", universe, ex.SocketErrorCode.ToString());
        }
    }

    // ---------------------------------------------------------------- send path (clock thread)

    /// <summary>
    /// Sends one data packet for <paramref name="port"/> (levels, or 0xDD per-address priorities) to its
    /// group and the unicast destinations. A port with a sync address carries it, and its group's sync
    /// packet goes out at <see cref="EndBurst"/>.
    /// </summary>
    internal void SendData(SacnOutputPort port, ReadOnlySpan<byte> slots, byte priority, SacnFramingOptions options, byte startCode = 0)
    {
        Socket? socket = _socket;
        int universe = port.UniverseId;
        if (socket is null || universe < 0)
        {
            return;
        }

        bool terminate = (options & SacnFramingOptions.StreamTerminated) != 0;
        SyncGroup? group = port.Sync;
        ushort sync = group?.Address ?? 0;
        byte[] buffer = terminate ? port.TerminateBuffer : port.SendBuffer;
        int length = SacnDataPacket.Write(buffer, _options.Cid, _sourceName, priority, sync, port.NextSequence(), options, (ushort)universe, startCode, slots);
        ReadOnlySpan<byte> packet = buffer.AsSpan(0, length);
        ref long counter = ref terminate ? ref Counters[SacnCounters.TerminateSent]
            : ref startCode == SacnOutputPort.PerAddressStartCode ? ref Counters[SacnCounters.PerAddressSent] : ref Counters[SacnCounters.DataSent];
        SendToAll(socket, packet, port.MulticastAddress, port.UnicastAddresses, ref counter);
        if (group is not null && !terminate)
        {
            group.Pending = true;
            _syncPending = true;
        }
    }

    /// <summary>
    /// The end of a clock burst (E1.31-2018 §11.1): one sync packet per sync address that had data in it,
    /// each with its own sequence, after every data packet of the burst (all sent on the clock thread).
    /// </summary>
    internal void EndBurst()
    {
        Socket? socket = _socket;
        if (!_syncPending || socket is null)
        {
            return;
        }

        _syncPending = false;
        foreach (SyncGroup group in _syncGroups)
        {
            if (!group.Pending)
            {
                continue;
            }

            group.Pending = false;
            SacnSyncPacket.Write(_syncBuffer, _options.Cid, unchecked(++group.Sequence), group.Address);
            SendToAll(socket, _syncBuffer, group.Multicast, group.UnicastArray, ref Counters[SacnCounters.SyncSent]);
        }
    }

    private void SendToAll(Socket socket, ReadOnlySpan<byte> packet, SocketAddress? multicast, SocketAddress[] portUnicast, ref long counter)
    {
        if (_options.Multicast && multicast is not null)
        {
            Send(socket, packet, multicast, ref counter);
        }

        foreach (SocketAddress destination in _unicast)
        {
            Send(socket, packet, destination, ref counter);
        }

        foreach (SocketAddress destination in portUnicast)
        {
            Send(socket, packet, destination, ref counter);
        }
    }

    private void Send(Socket socket, ReadOnlySpan<byte> packet, SocketAddress destination, ref long counter) =>
        Transport?.Send(socket, packet, destination, ref counter, ref Counters[SacnCounters.SendErrors]);

    // ---------------------------------------------------------------- receive thread

    void IUdpHandler.OnDatagram(ReadOnlySpan<byte> datagram, SocketAddress from, long now) => Handle(datagram, now, from);

    void IUdpHandler.OnReceiveError(SocketError error)
    {
        if (error == SocketError.MessageSize)
        {
            // Larger than the buffer (any E1.31 packet fits): the kernel dropped the rest of it.
            Counters.Increment(SacnCounters.Received);
            Bad("oversized datagram");
        }
        else
        {
            // An ICMP error for one of our sends, reported on the next read.
            Counters.Increment(SacnCounters.Malformed);
        }
    }

    void IUdpHandler.OnTick(long now) => Housekeeping(now);

    void IUdpHandler.OnSendError(SocketError error) => LogThrottled(error.ToString());

    void IUdpHandler.OnLoopError(Exception exception) => Log.ReceiveFailed(Logger, exception);

    /// <summary>Handles one datagram (the receive thread; tests call it directly).</summary>
    internal void Handle(ReadOnlySpan<byte> datagram, long now, SocketAddress? from = null)
    {
        Counters.Increment(SacnCounters.Received);
        if (!SacnRootLayer.TryParse(datagram, out uint vector, out UInt128 cid))
        {
            Bad("root layer");
            return;
        }

        if (cid == _options.Cid)
        {
            Counters.Increment(SacnCounters.OwnPackets);
            return;
        }

        if (vector == SacnRootLayer.VectorData)
        {
            if (!SacnDataPacket.TryParse(datagram, out SacnDataPacket data))
            {
                Bad("data");
                return;
            }

            Counters.Increment(SacnCounters.DataReceived);
            ReadOnlySpan<SacnInputPort> ports = InputIndex.Find(data.Universe);
            if (!ports.IsEmpty)
            {
                ports[0].Receive(data, now, Counters, from);
                return;
            }

            Counters.Increment(SacnCounters.NotPatched);
        }
        else if (vector == SacnRootLayer.VectorExtended)
        {
            if (SacnSyncPacket.TryParse(datagram, out SacnSyncPacket sync))
            {
                Counters.Increment(SacnCounters.SyncReceived);
                if (!AcceptSyncSequence(sync, now))
                {
                    Counters.Increment(SacnCounters.SyncOutOfSequence);
                    return;
                }

                foreach (SacnInputPort port in _inputs)
                {
                    port.OnSync(sync.Cid, sync.SyncAddress, now);
                }
            }
            else if (SacnDiscoveryPacket.TryParse(datagram, out SacnDiscoveryPacket discovery))
            {
                Counters.Increment(SacnCounters.DiscoveryReceived);
                Discovered.Receive(discovery, now);
            }
            else
            {
                Bad("extended");
            }
        }
        else
        {
            Bad("root vector");
        }
    }

    // E1.31-2018 §6.7: sync packets carry their own sequence per sender and sync address, checked like
    // data (drop -19..0). The first packet of a stream, or one after 2.5 s of silence, starts it afresh.
    private bool AcceptSyncSequence(in SacnSyncPacket sync, long now)
    {
        ref SyncStream stream = ref CollectionsMarshal.GetValueRefOrAddDefault(_syncStreams, (sync.Cid, sync.SyncAddress), out bool exists);
        bool accepted = !exists || now - stream.LastSeen >= _sourceTimeoutTicks || SacnInputPort.SequenceAccepted(stream.Sequence, sync.Sequence);
        if (accepted)
        {
            stream.Sequence = sync.Sequence;
            stream.LastSeen = now;
        }

        return accepted;
    }

    /// <summary>Timers: sources, then discovery (the receive thread; tests call it with a fake clock).</summary>
    internal void Housekeeping(long now)
    {
        foreach (SacnInputPort port in _inputs)
        {
            port.Housekeeping(now, Counters);
        }

        if (_syncStreams.Count > 0)
        {
            _expiredSync.Clear();
            foreach (KeyValuePair<(UInt128, ushort), SyncStream> kv in _syncStreams)
            {
                if (now - kv.Value.LastSeen >= _sourceTimeoutTicks)
                {
                    _expiredSync.Add(kv.Key);
                }
            }

            foreach ((UInt128, ushort) key in _expiredSync)
            {
                _syncStreams.Remove(key);
            }
        }

        Discovered.Expire(now);

        if (_discoveryAddress is not null && now >= _nextDiscovery)
        {
            _nextDiscovery = now + _discoveryTicks;
            SendDiscovery();
        }
    }

    /// <summary>Universe discovery (E1.31-2018 §8): the universes we transmit, sorted, 512 per page.</summary>
    private void SendDiscovery()
    {
        Socket? socket = _socket;
        if (socket is null || _discoveryAddress is null)
        {
            return;
        }

        var universes = new List<ushort>();
        foreach (SacnOutputPort port in _outputs)
        {
            if (port.UniverseId > 0)
            {
                universes.Add((ushort)port.UniverseId);
            }
        }

        if (universes.Count == 0)
        {
            return;
        }

        universes.Sort();
        int pages = (universes.Count + SacnDiscoveryPacket.MaxUniversesPerPage - 1) / SacnDiscoveryPacket.MaxUniversesPerPage;
        for (int page = 0; page < pages; page++)
        {
            int start = page * SacnDiscoveryPacket.MaxUniversesPerPage;
            int count = Math.Min(SacnDiscoveryPacket.MaxUniversesPerPage, universes.Count - start);
            universes.CopyTo(start, _discoveryList, 0, count);
            int length = SacnDiscoveryPacket.Write(_discoveryBuffer, _options.Cid, _sourceName, (byte)page, (byte)(pages - 1), _discoveryList.AsSpan(0, count));
            Send(socket, _discoveryBuffer.AsSpan(0, length), _discoveryAddress, ref Counters[SacnCounters.DiscoverySent]);
        }
    }

    private void Bad(string what)
    {
        Counters.Increment(SacnCounters.Malformed);
        LogThrottled(what);
    }

    private void LogThrottled(string what)
    {
        if (!BadInputLog.ShouldLog())
        {
            return;
        }

        Log.BadPacket(Logger, what, Counters.Read(SacnCounters.Malformed), Counters.Read(SacnCounters.SendErrors));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing); // closes _socket and joins the receive thread
        _socket = null;
        _membership?.Dispose();
        _membership = null;
    }

    /// <summary>Outputs sharing a sync address: its sequence, and whether this burst sent data for it (clock thread).</summary>
    internal sealed class SyncGroup(ushort address, SocketAddress multicast)
    {
        private SocketAddress[]? _unicastArray;

        public ushort Address { get; } = address;

        public SocketAddress Multicast { get; } = multicast;

        /// <summary>Unicast destinations of the group's ports (besides the plugin-wide ones); filled before start.</summary>
        public List<SocketAddress> Unicast { get; } = [];

        public SocketAddress[] UnicastArray => _unicastArray ??= [.. Unicast];

        public byte Sequence { get; set; }

        public bool Pending { get; set; }
    }

    private struct SyncStream
    {
        public byte Sequence;
        public long LastSeen;
    }
}
