// Licensed under the MIT License. See LICENSE in the repository root.
using System.Net.Sockets;
using OlaSharp.Udp;

namespace OlaSharp.ArtNet.Internal;

/// <summary>The receive side: the receive loops, packet dispatch, own-echo and unpatched-address rules.</summary>
internal sealed partial class ArtNetNode
{
    // Handle and Housekeeping run on the transport's one receive thread (all of the node's sockets share it),
    // so they need no lock of their own.
    void IUdpHandler.OnDatagram(ReadOnlySpan<byte> datagram, SocketAddress from, long now) => Handle(datagram, from);

    // Larger than the buffer (MessageSize), or an ICMP error for one of our sends (ConnectionReset).
    void IUdpHandler.OnReceiveError(SocketError error) => Counters.Increment(ArtNetCounters.Malformed);

    void IUdpHandler.OnTick(long now) => Housekeeping(now);

    void IUdpHandler.OnSendError(SocketError error) => LogThrottled(error.ToString());

    void IUdpHandler.OnLoopError(Exception exception) => Log.ReceiveFailed(Logger, exception);

    /// <summary>Handles one datagram (the receive thread; tests call it directly).</summary>
    internal void Handle(ReadOnlySpan<byte> packet, SocketAddress from)
    {
        Counters.Increment(ArtNetCounters.Received);
        long now = Time.GetTimestamp();

        // Our own broadcasts come back to us. A console on this host sends from the same address and port, so
        // only a packet we actually sent (byte for byte, not yet matched) is dropped as ours.
        if (IsFromOurAddress(from) && _own.TryConsume(packet, now))
        {
            Counters.Increment(ArtNetCounters.DroppedOwn);
            return;
        }

        if (!ArtNetHeader.TryReadOpCode(packet, out ArtOpCode op))
        {
            Bad("not Art-Net");
            return;
        }

        uint fromIp = ReadIp(from);

        // A known opcode whose packet does not parse falls through to one malformed case.
        switch (op)
        {
            case ArtOpCode.Dmx when ArtDmxPacket.TryParse(packet, out ArtDmxPacket dmx):
                OnDmx(fromIp, dmx, now);
                break;
            case ArtOpCode.Poll when ArtPollPacket.TryParse(packet, out ArtPollPacket poll):
                OnPoll(poll, from, fromIp);
                break;
            case ArtOpCode.PollReply when ArtPollReplyPacket.TryParse(packet, out ArtPollReplyPacket reply):
                OnPollReply(reply, from, now);
                break;
            case ArtOpCode.Sync when ArtSyncPacket.TryParse(packet):
                if (_sync.OnSync(fromIp, now))
                {
                    Counters.Increment(ArtNetCounters.SyncReceived);
                    ReleaseHeld();
                }

                break;
            case ArtOpCode.Address when ArtAddressPacket.TryParse(packet, out ArtAddressPacket address):
                if (ProgrammingIgnored(now, out long addressIgnored))
                {
                    Log.ArtAddress(Logger, FormatIp(fromIp), address.BindIndex, address.Command, addressIgnored);
                }

                break;
            case ArtOpCode.IpProg when ArtIpProgPacket.TryParse(packet, out ArtIpProgPacket ipProg):
                if (ProgrammingIgnored(now, out long ipProgIgnored))
                {
                    Log.ArtIpProg(Logger, FormatIp(fromIp), ipProg.Command, ipProgIgnored);
                }

                break;
            case ArtOpCode.Dmx or ArtOpCode.Poll or ArtOpCode.PollReply or ArtOpCode.Sync or ArtOpCode.Address or ArtOpCode.IpProg:
                Bad(PacketName(op));
                break;
            default:
                Counters.Increment(ArtNetCounters.Unknown);
                break;
        }
    }

    private static string PacketName(ArtOpCode op) => op switch
    {
        ArtOpCode.Dmx => "ArtDmx",
        ArtOpCode.Poll => "ArtPoll",
        ArtOpCode.PollReply => "ArtPollReply",
        ArtOpCode.Sync => "ArtSync",
        ArtOpCode.Address => "ArtAddress",
        _ => "ArtIpProg",
    };

    // Remote programming (ArtAddress, ArtIpProg) is counted and ignored; true when it is time to log it.
    private bool ProgrammingIgnored(long now, out long ignored)
    {
        ignored = Counters.Increment(ArtNetCounters.ProgrammingIgnored);
        return _programmingLog.ShouldLog(now);
    }

    private void OnPoll(in ArtPollPacket poll, SocketAddress from, uint fromIp)
    {
        Counters.Increment(ArtNetCounters.PollsReceived);

        // A poller on this host gets the broadcast reply (as olad sends every reply): a unicast to
        // 127.0.0.1:6454 or our address:6454 would reach our own sockets first, not the console's.
        SocketAddress to = IsLocal(fromIp) ? _broadcast : from;
        if (poll.IsTargeted)
        {
            SendReplies(to, poll.TargetPortAddressBottom, poll.TargetPortAddressTop);
        }
        else
        {
            SendReplies(to);
        }
    }

    private void OnDmx(uint fromIp, ArtDmxPacket dmx, long now)
    {
        Counters.Increment(ArtNetCounters.DmxReceived);
        _sync.OnDmx(fromIp);
        bool hold = _sync.IsSynchronous(now);
        ReadOnlySpan<ArtNetInputPort> ports = InputIndex.Find(dmx.PortAddress);
        foreach (ArtNetInputPort port in ports)
        {
            port.Receive(fromIp, dmx.Sequence, dmx.Data, now, hold, Counters);
        }

        if (ports.IsEmpty)
        {
            // QLC+'s universe 1 is 0:0:0, OLA's universe 1 listens on 0:0:1: say so once per (address, sender).
            Counters.Increment(ArtNetCounters.DmxNotPatched);
            if (Unpatched.Record(dmx.PortAddress, fromIp, now))
            {
                Log.Unpatched(Logger, Unpatched.Advice(dmx.PortAddress, FormatIp(fromIp)));
            }
        }
    }

    private bool IsListened(int portAddress) => !InputIndex.Find(portAddress).IsEmpty;

    private void ReleaseHeld()
    {
        foreach (ArtNetInputPort port in _inputs)
        {
            port.ReleaseHeld();
        }
    }

    /// <summary>True when <paramref name="from"/> is our address (or loopback) at our port: a packet we may have sent.</summary>
    private bool IsFromOurAddress(SocketAddress from) =>
        _localPort >= 0 && ReadPort(from) == _localPort && IsLocal(ReadIp(from));

    /// <summary>True when a packet to <paramref name="destination"/> comes back to one of our sockets.</summary>
    private bool MayEcho(SocketAddress destination)
    {
        if (ReadPort(destination) != _localPort)
        {
            return false;
        }

        uint ip = ReadIp(destination);
        return IsLocal(ip) || ip == _broadcastIp || ip == _dmxBroadcastIp || ip == uint.MaxValue;
    }

    private bool IsLocal(uint ip) => ip == _bindIp || (ip >> 24) == 127;

    private void Bad(string what)
    {
        Counters.Increment(ArtNetCounters.Malformed);
        LogThrottled(what);
    }

    private void LogThrottled(string what)
    {
        if (BadInputLog.ShouldLog())
        {
            Log.BadPacket(Logger, what, Counters.Read(ArtNetCounters.Malformed), Counters.Read(ArtNetCounters.SendErrors));
        }
    }

    private static uint ReadIp(SocketAddress address)
    {
        ReadOnlySpan<byte> b = address.Buffer.Span;
        return b.Length >= 8 ? BinaryPrimitives.ReadUInt32BigEndian(b[4..]) : 0;
    }

    private static int ReadPort(SocketAddress address)
    {
        ReadOnlySpan<byte> b = address.Buffer.Span;
        return b.Length >= 4 ? BinaryPrimitives.ReadUInt16BigEndian(b[2..]) : -1;
    }
}
