// Licensed under the MIT License. See LICENSE in the repository root.
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using OlaSharp.Core;
using OlaSharp.Core.Clock;
using OlaSharp.Core.Conf;
using OlaSharp.Core.Plugins;
using OlaSharp.Sacn.Internal;
using OlaSharp.Sacn.Packets;

namespace OlaSharp.Sacn.Tests;

/// <summary>
/// A sACN device on a fake clock. Input packets go straight to <see cref="SacnNode.Handle"/>; outputs are
/// unicast to a peer socket on 127.0.0.1 (multicast off). Nothing leaves loopback.
/// </summary>
internal sealed class SacnTestHarness : IDisposable
{
    public static readonly UInt128 OurCid = new(0x1111, 0x2222);

    private readonly string _dir = Directory.CreateTempSubdirectory("olas-sacn-").FullName;
    private readonly byte[] _buffer = new byte[SacnDataPacket.MaxLength];
    private readonly Dictionary<UInt128, byte> _sequences = [];
    private readonly Dictionary<(UInt128, ushort), byte> _syncSequences = [];

    public SacnTestHarness(TimeSpan? ddWait = null, bool start = false, int syncAddress = 0, int unicastOnlyPort = -1, Dictionary<int, int>? portSync = null, bool perAddress = true, PerAddressPriorityWaitMode waitMode = PerAddressPriorityWaitMode.Auto, int inputPorts = 5)
    {
        Peer.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        Peer.ReceiveTimeout = 2000;
        Universes = new UniverseRegistry(Time);
        Clock = new RefreshScheduler(Time);
        Devices = new DeviceRegistry(Universes, Clock, new ConfStore(_dir));
        Options = new SacnOptions
        {
            BindAddress = IPAddress.Loopback,
            Port = 0,
            Cid = OurCid,
            SourceName = "test",
            Multicast = false,
            UnicastDestinations = unicastOnlyPort < 0 ? [(IPEndPoint)Peer.LocalEndPoint!] : [],
            PortUnicastDestinations = unicastOnlyPort < 0
                ? new Dictionary<int, IReadOnlyList<IPEndPoint>>()
                : new Dictionary<int, IReadOnlyList<IPEndPoint>> { [unicastOnlyPort] = [(IPEndPoint)Peer.LocalEndPoint!] },
            PerAddressPriorityWait = ddWait ?? TimeSpan.Zero,
            PerAddressPriorityWaitMode = waitMode,
            SyncAddress = syncAddress,
            PortSyncAddresses = portSync ?? [],
            SendPerAddressPriority = perAddress,
            InputPorts = inputPorts,
        };
        Node = new SacnNode(Options, Time, NullLogger.Instance);
        Device = new SacnDevice(new SacnPlugin(), Options, Node, Time.TimestampFrequency);
        if (start)
        {
            Node.Start();
        }

        Devices.Register(Device);
    }

    public FakeTimeProvider Time { get; } = new();

    public Socket Peer { get; } = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);

    public UniverseRegistry Universes { get; }

    public RefreshScheduler Clock { get; }

    public DeviceRegistry Devices { get; }

    public SacnOptions Options { get; }

    public SacnNode Node { get; }

    public SacnDevice Device { get; }

    public Universe PatchInput(int index, int universe, MergeMode mode = MergeMode.Htp)
    {
        Assert.True(Devices.TryPatch(Device.Inputs[index], universe, out string? error), error);
        Universe u = Universes.GetOrCreate(universe);
        u.MergeMode = mode;
        return u;
    }

    /// <summary>Sends a data packet from <paramref name="cid"/> (next sequence unless given).</summary>
    public void Send(UInt128 cid, int universe, byte priority, byte[] slots, byte startCode = 0, SacnFramingOptions options = SacnFramingOptions.None, byte? sequence = null, ushort syncAddress = 0, IPEndPoint? from = null)
    {
        byte seq = sequence ?? (byte)(_sequences.GetValueOrDefault(cid) + 1);
        _sequences[cid] = seq;
        int n = SacnDataPacket.Write(_buffer, cid, "sender"u8, priority, syncAddress, seq, options, (ushort)universe, startCode, slots);
        Node.Handle(_buffer.AsSpan(0, n), Time.GetTimestamp(), from?.Serialize());
    }

    /// <summary>Sends a universe sync packet from <paramref name="cid"/> (next sequence of that sender and address unless given).</summary>
    public void SendSync(UInt128 cid, ushort syncAddress, byte? sequence = null)
    {
        byte seq = sequence ?? (byte)(_syncSequences.GetValueOrDefault((cid, syncAddress)) + 1);
        _syncSequences[(cid, syncAddress)] = seq;
        int n = SacnSyncPacket.Write(_buffer, cid, seq, syncAddress);
        Node.Handle(_buffer.AsSpan(0, n), Time.GetTimestamp());
    }

    public void Advance(TimeSpan by)
    {
        Time.Advance(by);
        Node.Housekeeping(Time.GetTimestamp());
    }

    /// <summary>Receives one packet on the peer socket (or null on timeout).</summary>
    public byte[]? ReceiveFromNode()
    {
        var buffer = new byte[1500];
        try
        {
            int n = Peer.Receive(buffer);
            return buffer[..n];
        }
        catch (SocketException)
        {
            return null;
        }
    }

    public void Dispose()
    {
        Clock.Dispose();
        Node.Dispose();
        Peer.Dispose();
        Directory.Delete(_dir, true);
    }
}
