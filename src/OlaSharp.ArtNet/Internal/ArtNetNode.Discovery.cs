// Licensed under the MIT License. See LICENSE in the repository root.
using System.Net.Sockets;

namespace OlaSharp.ArtNet.Internal;

/// <summary>Discovery: the node table built from ArtPollReplies, and our own ArtPollReplies.</summary>
internal sealed partial class ArtNetNode
{
    private void OnPollReply(ArtPollReplyPacket reply, SocketAddress from, long now)
    {
        Counters.Increment(ArtNetCounters.RepliesReceived);
        uint ip = reply.Ip;
        var key = (ip, reply.BindIndex);
        lock (_nodesLock)
        {
            if (!_nodes.TryGetValue(key, out RemoteNode? node))
            {
                // Unicast goes to the announced IP at the port the reply came from (6454 for real nodes).
                int port = BinaryPrimitives.ReadUInt16BigEndian(from.Buffer.Span[2..]);
                node = new RemoteNode(new IPEndPoint(new IPAddress(reply.IpBytes), port).Serialize());
                _nodes[key] = node;
            }

            node.LastSeen = now;
            node.UpdateNames(reply.ShortName, reply.LongName);
            Span<int> addresses = stackalloc int[4];
            int count = 0;
            for (int i = 0; i < 4; i++)
            {
                if ((reply.PortTypes[i] & ArtPollReplyPacket.PortTypeOutput) != 0)
                {
                    addresses[count++] = reply.OutputPortAddress(i);
                }
            }

            if (!node.SameAddresses(addresses[..count]))
            {
                node.SetAddresses(addresses[..count]);
                RebuildSubscribersLocked();
            }
        }
    }

    /// <summary>
    /// The short and long name of the node at <paramref name="ip"/> from its last ArtPollReply (any bind index),
    /// or false when no reply from it is known (nodes that only send ArtDmx, or not polled yet).
    /// </summary>
    public bool TryGetNodeNames(uint ip, out string shortName, out string longName)
    {
        lock (_nodesLock)
        {
            foreach (var kv in _nodes)
            {
                if (kv.Key.Ip == ip)
                {
                    shortName = kv.Value.ShortName;
                    longName = kv.Value.LongName;
                    return true;
                }
            }
        }

        shortName = longName = string.Empty;
        return false;
    }

    private void RebuildSubscribersLocked()
    {
        var map = new Dictionary<int, List<SocketAddress>>();
        foreach (RemoteNode node in _nodes.Values)
        {
            foreach (int address in node.Addresses)
            {
                if (!map.TryGetValue(address, out List<SocketAddress>? list))
                {
                    map[address] = list = [];
                }

                if (!list.Contains(node.Address))
                {
                    list.Add(node.Address);
                }
            }
        }

        Volatile.Write(ref _subscribers, map.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray()));
    }

    /// <summary>
    /// One ArtPollReply per port (Art-Net 4: one BindIndex per port, numbered from 1). With a targeted
    /// range (Art-Net 4 targeted mode) only patched ports whose Port-Address lies in
    /// <paramref name="bottom"/>..<paramref name="top"/> reply.
    /// </summary>
    internal void SendReplies(SocketAddress destination, int bottom = -1, int top = -1)
    {
        Socket? socket = _socket;
        if (socket is null)
        {
            return;
        }

        lock (_replyLock)
        {
            int total = _inputs.Length + _outputs.Length;
            for (int bind = 1; bind <= Math.Max(1, total); bind++)
            {
                if (bottom >= 0)
                {
                    int address = AddressOfBind(bind);
                    if (address < 0 || address < bottom || address > top)
                    {
                        continue;
                    }
                }

                int length = BuildReply(bind);
                Send(socket, _replyBuffer.AsSpan(0, length), destination, ref Counters[ArtNetCounters.RepliesSent]);
            }
        }
    }

    private int AddressOfBind(int bind)
    {
        int index = bind - 1;
        if (index < _inputs.Length)
        {
            return _inputs[index].PortAddress;
        }

        index -= _inputs.Length;
        return index < _outputs.Length ? _outputs[index].PortAddress : -1;
    }

    /// <summary>Writes the reply for BindIndex <paramref name="bind"/> into the reply buffer.</summary>
    internal int BuildReply(int bind)
    {
        ArtPollReplyFields f = _reply;
        f.Ip = _options.BindAddress;
        f.BindIp = _options.BindAddress;
        f.UdpPort = ArtNetHeader.Port;
        f.ShortName = _options.ShortName;
        f.LongName = _options.LongName;
        f.NodeReport = $"#0001 [{Interlocked.Read(ref _unsolicited)}] OlaSharp";
        _options.Mac.AsSpan(0, Math.Min(6, _options.Mac.Length)).CopyTo(f.Mac);
        f.BindIndex = (byte)Math.Min(bind, 255);
        f.NumPorts = 0;
        f.NetSwitch = _options.Net;
        f.SubSwitch = _options.Subnet;
        f.RefreshRate = (ushort)_options.OutputHz;
        Array.Clear(f.PortTypes);
        Array.Clear(f.GoodInput);
        Array.Clear(f.GoodOutputA);
        Array.Clear(f.GoodOutputB);
        Array.Clear(f.SwIn);
        Array.Clear(f.SwOut);
        int index = bind - 1;
        if (index < _inputs.Length)
        {
            // An OLA input port receives ArtDmx: Art-Net calls that an output port (SwOut, GoodOutput). Its
            // PortTypes says so patched or not (olad 0.10.9 sets 0x80 on every slot; GoodOutput 0x00 while unpatched).
            ArtNetInputPort port = _inputs[index];
            int sw = DescribePort(f, ArtPollReplyPacket.PortTypeOutput, port.PortAddress);
            if (sw >= 0)
            {
                f.SwOut[0] = (byte)sw;
                f.GoodOutputA[0] = (byte)(0x80 | (port.IsMerging ? 0x08 : 0) | (_options.MergeMode == ArtNetMergeMode.Ltp ? 0x02 : 0));
                f.GoodOutputB[0] = 0xC0; // RDM disabled, continuous output
            }
        }
        else if (index - _inputs.Length < _outputs.Length)
        {
            // An OLA output port sends ArtDmx: an Art-Net input port (olad: 0x40 whenever the port exists,
            // GoodInput 0x08 "disabled" while unpatched).
            ArtNetOutputPort port = _outputs[index - _inputs.Length];
            int sw = DescribePort(f, ArtPollReplyPacket.PortTypeInput, port.PortAddress);
            if (sw >= 0)
            {
                f.SwIn[0] = (byte)sw;
                f.GoodInput[0] = 0x80; // data received (from the universe)
            }
            else
            {
                f.GoodInput[0] = 0x08; // disabled
            }
        }

        return ArtPollReplyPacket.Write(_replyBuffer, f);
    }

    // A reply's one port: its type and, when patched, the Net and Sub-Net switches of its Port-Address.
    // Returns the address's low byte (the port's switch), or -1 while unpatched.
    private static int DescribePort(ArtPollReplyFields f, byte portType, int address)
    {
        f.NumPorts = 1;
        f.PortTypes[0] = portType;
        if (address < 0)
        {
            return -1;
        }

        f.NetSwitch = address >> 8;
        f.SubSwitch = (address >> 4) & 0x0F;
        return address & 0xFF;
    }

    private sealed class RemoteNode(SocketAddress address)
    {
        public SocketAddress Address { get; } = address;

        public long LastSeen { get; set; }

        public int[] Addresses { get; private set; } = [];

        public bool SameAddresses(ReadOnlySpan<int> addresses) => addresses.SequenceEqual(Addresses);

        public void SetAddresses(ReadOnlySpan<int> addresses) => Addresses = addresses.ToArray();

        public string ShortName { get; private set; } = string.Empty;

        public string LongName { get; private set; } = string.Empty;

        // Decoded only when the bytes change: a node repeats the same names every few seconds.
        public void UpdateNames(ReadOnlySpan<byte> shortName, ReadOnlySpan<byte> longName)
        {
            if (!SameText(ShortName, shortName))
            {
                ShortName = ArtPollReplyPacket.Decode(shortName);
            }

            if (!SameText(LongName, longName))
            {
                LongName = ArtPollReplyPacket.Decode(longName);
            }
        }

        private static bool SameText(string text, ReadOnlySpan<byte> bytes)
        {
            if (text.Length != bytes.Length)
            {
                return false;
            }

            for (int i = 0; i < bytes.Length; i++)
            {
                // Decode is ASCII: other bytes read as '?'.
                if (text[i] != (bytes[i] < 0x80 ? (char)bytes[i] : '?'))
                {
                    return false;
                }
            }

            return true;
        }
    }
}
