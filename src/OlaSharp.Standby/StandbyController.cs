// Licensed under the MIT License. See LICENSE in the repository root.
using OlaSharp.Standby.Internal;
using OlaSharp.Udp;

namespace OlaSharp.Standby;

/// <summary>
/// One half of a hot-standby pair: sends this node's heartbeat every <c>heartbeat_ms</c> (unicast to the partner's
/// address, or to <see cref="StandbySettings.MulticastGroup"/> when the partner is named by CID), hears the
/// partner's through a <see cref="UdpTransport"/> (the server's one UDP receive loop), runs the rules
/// (<see cref="StandbyStateMachine"/>) and opens or closes the <see cref="OutputGate"/> the outputs read.
/// <para>
/// Threads: heartbeats and ticks arrive on the transport's thread (<c>standby-rx</c>), the manual switch-over on
/// an API thread; the machine and the send buffer are guarded by one lock. The gate is set, the role change
/// logged (one line) and <see cref="StatusChanged"/> raised after the lock is released.
/// </para>
/// </summary>
public sealed class StandbyController : UdpNode, IStandbyController, IUdpHandler
{
    private static readonly TimeSpan s_ignoredLogInterval = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long a yielding server waits for its outputs to let go of their shared lines (<see cref="OutputGate.Driving"/>)
    /// before it announces the hand-over anyway, with one warning naming the devices. A UART frame is about 23 ms;
    /// a line thread stalled by load was seen at 45 ms.
    /// </summary>
    public static readonly TimeSpan ReleaseWait = TimeSpan.FromMilliseconds(200);

    private readonly StandbySettings _settings;
    private readonly OutputGate _gate;
    private StandbyStateMachine _machine;
    private readonly object _lock = new();
    private readonly byte[] _sendBuffer = new byte[HeartbeatPacket.Length];
    private long _started;
    private readonly long _periodTicks;
    private readonly DateTimeOffset _startedAt;
    private readonly byte[]? _partnerAddressBytes;
    private Socket? _socket;
    private SocketAddress? _destination;
    private long _nextSend;
    private uint _sequence;
    private AnnouncedRole _lastPartnerRole;
    private DateTimeOffset _since;
    private long _ignored;
    private long _malformed;
    private long _sent;
    private long _sendErrors;
    private readonly LogThrottle _notPartnerLog;

    // Set when the heartbeat socket could not open: the outputs are driven without a partner, and the status says why.
    private string? _startFailure;

    /// <summary>Creates the controller and closes <paramref name="gate"/> (this node starts listening).</summary>
    public StandbyController(StandbySettings settings, OutputGate gate, TimeProvider? time = null, ILogger? logger = null)
        : base(time, logger)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(gate);
        if (!settings.Enabled)
        {
            throw new ArgumentException("The settings name no partner: use StandaloneController.", nameof(settings));
        }

        _settings = settings;
        _gate = gate;
        _notPartnerLog = new LogThrottle(Time, s_ignoredLogInterval);
        _started = Time.GetTimestamp();
        _startedAt = Time.GetUtcNow();
        _since = _startedAt;
        _periodTicks = ToTicks(settings.Heartbeat);
        _machine = new StandbyStateMachine(settings, _started, Time.TimestampFrequency);
        _partnerAddressBytes = settings.PartnerAddress?.GetAddressBytes();
        gate.StandbyPriority = settings.SacnStandbyPriority;
        gate.Set(false);
    }

    /// <inheritdoc />
    public event Action<StandbyStatus>? StatusChanged;

    /// <summary>The rules' settings.</summary>
    public StandbySettings Settings => _settings;

    /// <summary>The local port the heartbeats are received on (after <see cref="Start"/>).</summary>
    public int LocalPort { get; private set; }

    /// <summary>Heartbeats ignored because they were not the partner's.</summary>
    public long Ignored => Interlocked.Read(ref _ignored);

    /// <summary>Datagrams that were not heartbeats.</summary>
    public long Malformed => Interlocked.Read(ref _malformed);

    /// <summary>Heartbeats sent.</summary>
    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>The role this node announces (with the hand-over's Yielding).</summary>
    public AnnouncedRole Announced
    {
        get
        {
            lock (_lock)
            {
                return _machine.Role;
            }
        }
    }

    /// <summary>The current term.</summary>
    public uint Term
    {
        get
        {
            lock (_lock)
            {
                return _machine.Term;
            }
        }
    }

    /// <inheritdoc />
    public StandbyStatus Status
    {
        get
        {
            lock (_lock)
            {
                if (_startFailure is not null)
                {
                    return new StandbyStatus(StandbyRole.Active, _settings.Partner, StandbyRole.Starting, null, _since, _startFailure, 0);
                }

                long heard = _machine.PartnerLastHeard;
                return new StandbyStatus(
                    ToStandbyRole(_machine.Role),
                    _settings.Partner,
                    _machine.Partner is { } p ? ToStandbyRole(p.Role) : StandbyRole.Starting,
                    heard == long.MinValue ? null : Time.GetElapsedTime(heard),
                    _since,
                    _machine.Reason,
                    _machine.Transitions);
            }
        }
    }

    /// <summary>Opens the heartbeat socket and starts the receive loop; false (outputs opened, logged) when the socket cannot be opened.</summary>
    public bool Start()
    {
        // Linux hands multicast only to sockets bound to the wildcard (or the group), never to one bound to a
        // unicast address: with the partner named by CID the interface only picks where the group is joined.
        IPAddress bindAddress = _settings.PartnerCid is null ? _settings.Interface ?? IPAddress.Any : IPAddress.Any;
        IPEndPoint destination = _settings.PartnerAddress is { } partner
            ? new IPEndPoint(partner, _settings.PartnerPort ?? _settings.Port)
            : new IPEndPoint(StandbySettings.MulticastGroup, _settings.Port);
        Socket socket;
        try
        {
            socket = UdpSockets.Open(new UdpSocketOptions(new IPEndPoint(bindAddress, _settings.Port)) { MulticastInterface = _settings.Interface }, out _);
            if (_settings.PartnerCid is not null)
            {
                socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastTimeToLive, 1);
                socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.AddMembership,
                    new MulticastOption(StandbySettings.MulticastGroup, _settings.Interface ?? IPAddress.Any));
            }
        }
        catch (SocketException ex)
        {
            Log.SocketFailed(Logger, _settings.Port, ex.SocketErrorCode.ToString());
            lock (_lock)
            {
                _startFailure = $"the heartbeat socket on UDP port {_settings.Port} could not open ({ex.SocketErrorCode}): driving the outputs without a partner";
                _since = Time.GetUtcNow();
            }

            _gate.Set(true);
            return false;
        }

        _socket = socket;
        LocalPort = ((IPEndPoint)socket.LocalEndPoint!).Port;
        _destination = destination.Serialize();
        var tick = TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerMillisecond * 5, _settings.Heartbeat.Ticks / 2));
        Transport = new UdpTransport(this, "standby-rx", 256, Time, tick);
        Transport.Add(socket);

        // The start-up wait (takeover_ms of listening) counts from now, not from construction: the plugins
        // started in between, which takes seconds under JIT on a Pi, and a server must not go active before it
        // had the chance to hear an active partner.
        lock (_lock)
        {
            _started = Time.GetTimestamp();
            _machine = new StandbyStateMachine(_settings, _started, Time.TimestampFrequency);
        }

        Log.Started(Logger, "starting", _settings.ConfRole.ToString().ToLowerInvariant(), StandbySettings.FormatCid(_settings.Cid),
            _settings.Partner, _settings.Heartbeat.TotalMilliseconds, LocalPort, destination.ToString(), _settings.Takeover.TotalMilliseconds);
        lock (_lock)
        {
            SendLocked(Time.GetTimestamp());
        }

        Transport.Start();
        return true;
    }

    /// <inheritdoc />
    public bool TrySwitchOver(out string? error)
    {
        RoleChange? change;
        bool ok;
        lock (_lock)
        {
            long now = Time.GetTimestamp();
            ok = _machine.TrySwitchOver(now, out change, out error);
            if (change is not null)
            {
                SendLocked(now);
            }
        }

        if (!ok)
        {
            Log.SwitchOverRefused(Logger, error ?? "?");
        }

        Apply(change, partnerChanged: false);
        AnnounceRelease();
        return ok;
    }

    /// <summary>
    /// Before a graceful stop: an active server with a heard standby partner announces that it yields and closes
    /// its outputs, so the partner takes over at once rather than after <c>takeover_ms</c>. True when it yielded.
    /// </summary>
    public bool YieldForShutdown()
    {
        RoleChange? change;
        lock (_lock)
        {
            long now = Time.GetTimestamp();
            change = _machine.YieldForShutdown(now);
            if (change is not null)
            {
                SendLocked(now);
            }
        }

        Apply(change, partnerChanged: false);
        AnnounceRelease();
        return change is not null;
    }

    /// <summary>
    /// After <see cref="YieldForShutdown"/>, once the outputs stopped: waits (at most <paramref name="timeout"/>) until
    /// the released yield has been announced, so the partner opens at once rather than on silence. True when it was.
    /// </summary>
    public bool WaitForRelease(TimeSpan timeout)
    {
        long start = Time.GetTimestamp();
        while (true)
        {
            AnnounceRelease();
            lock (_lock)
            {
                if (_machine.Role != AnnouncedRole.Yielding || _machine.Released)
                {
                    return _machine.Role != AnnouncedRole.Active;
                }
            }

            if (Time.GetElapsedTime(start) >= timeout)
            {
                return false;
            }

            Thread.Sleep(5);
        }
    }

    /// <inheritdoc />
    void IUdpHandler.OnDatagram(ReadOnlySpan<byte> datagram, SocketAddress from, long now)
    {
        if (!HeartbeatPacket.TryParse(datagram, out HeartbeatPacket packet))
        {
            Interlocked.Increment(ref _malformed);
            return;
        }

        if (packet.Cid == _settings.Cid)
        {
            // Our own multicast, looped back.
            return;
        }

        if (!IsPartner(packet, from))
        {
            long count = Interlocked.Increment(ref _ignored);
            if (_notPartnerLog.ShouldLog(now))
            {
                Log.NotPartner(Logger, FromText(from), StandbySettings.FormatCid(packet.Cid), _settings.Partner, count);
            }

            return;
        }

        RoleChange? change;
        bool partnerChanged;
        lock (_lock)
        {
            change = _machine.OnHeartbeat(packet, now);
            partnerChanged = packet.Role != _lastPartnerRole;
            _lastPartnerRole = packet.Role;
            if (change is not null)
            {
                SendLocked(now);
            }
        }

        Apply(change, partnerChanged);
    }

    /// <inheritdoc />
    void IUdpHandler.OnTick(long now)
    {
        RoleChange? change;
        lock (_lock)
        {
            change = _machine.OnTick(now);
            if (change is not null || now >= _nextSend)
            {
                SendLocked(now);
            }
        }

        Apply(change, partnerChanged: false);
        AnnounceRelease();
    }

    /// <inheritdoc />
    void IUdpHandler.OnReceiveError(SocketError error) => Log.SocketError(Logger, error.ToString());

    /// <inheritdoc />
    void IUdpHandler.OnSendError(SocketError error) => Log.SocketError(Logger, error.ToString());

    /// <inheritdoc />
    void IUdpHandler.OnLoopError(Exception exception) => Log.LoopFailed(Logger, exception);

    private static StandbyRole ToStandbyRole(AnnouncedRole role) => role switch
    {
        AnnouncedRole.Active => StandbyRole.Active,
        AnnouncedRole.Starting => StandbyRole.Starting,
        _ => StandbyRole.Standby,
    };

    private static string FromText(SocketAddress from)
    {
        try
        {
            return new IPEndPoint(IPAddress.Any, 0).Create(from).ToString() ?? "?";
        }
        catch (ArgumentException)
        {
            return "?";
        }
    }

    private bool IsPartner(in HeartbeatPacket packet, SocketAddress from)
    {
        if (_settings.PartnerCid is { } cid)
        {
            return packet.Cid == cid;
        }

        // AF_INET sockaddr: family (2 bytes), port (2), address (4).
        return _partnerAddressBytes is not null && from.Family == AddressFamily.InterNetwork && from.Size >= 8
            && from.Buffer.Span.Slice(4, 4).SequenceEqual(_partnerAddressBytes);
    }

    private void SendLocked(long now)
    {
        _nextSend = now + _periodTicks;
        if (_socket is null || Transport is null || _destination is null)
        {
            return;
        }

        var packet = new HeartbeatPacket(_machine.Role, _settings.ConfRole, _machine.Term, unchecked(++_sequence), _settings.Cid,
            (ulong)Math.Max(0, (now - _started) * 1000 / Time.TimestampFrequency))
        {
            Flags = _machine.Role == AnnouncedRole.Yielding && _machine.Released ? HeartbeatPacket.ReleasedFlag : (byte)0,
        };
        int n = packet.Write(_sendBuffer);
        Transport.Send(_socket, _sendBuffer.AsSpan(0, n), _destination, ref _sent, ref _sendErrors);
    }

    // While yielding with the gate closed: once no output drives a shared line any more (or after ReleaseWait, with
    // one warning naming the devices), the heartbeat carries the released flag and the partner opens on it.
    private void AnnounceRelease()
    {
        string? slow = null;
        lock (_lock)
        {
            if (_machine.Role != AnnouncedRole.Yielding || _machine.Released || _gate.IsOpen)
            {
                return;
            }

            long now = Time.GetTimestamp();
            if (_gate.Driving > 0)
            {
                if (Time.GetElapsedTime(_machine.Since, now) < ReleaseWait)
                {
                    return;
                }

                slow = _gate.DrivingNames();
            }

            _machine.MarkReleased(now);
            SendLocked(now);
        }

        if (slow is not null)
        {
            Log.ReleaseTimedOut(Logger, slow.Length > 0 ? slow : "an output", ReleaseWait.TotalMilliseconds);
        }
    }

    private void Apply(RoleChange? change, bool partnerChanged)
    {
        if (change is { } c)
        {
            bool open;
            uint term;
            lock (_lock)
            {
                open = _machine.OutputsOpen;
                term = _machine.Term;
                _since = Time.GetUtcNow();
            }

            _gate.Set(open);
            Log.RoleChanged(Logger, c.From.ToString().ToLowerInvariant(), c.To.ToString().ToLowerInvariant(), term, c.Reason);
        }

        if (change is not null || partnerChanged)
        {
            StatusChanged?.Invoke(Status);
        }
    }
}
