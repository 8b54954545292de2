// Licensed under the MIT License. See LICENSE in the repository root.
using System.Net;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using OlaSharp.Core;
using OlaSharp.Core.Clock;
using OlaSharp.Core.Conf;
using OlaSharp.Core.Plugins;
using OlaSharp.Sacn;
using OlaSharp.Sacn.Internal;
using OlaSharp.Sacn.Packets;

namespace OlaSharp.Benchmarks;

/// <summary>
/// The sACN receive path for one universe: two senders at priority 100, one 512-slot packet each per
/// operation, through the node (root check, parse, sequence check) and the input port's merge (HTP among
/// equals, or per slot with 0xDD) into the universe, with 1 or 4,096 input ports on the device (the port is
/// found by universe). No sockets: packets go to the node's handler. --job short on the shared 2-core box,
/// PerAddress=false: 4,096 ports 10.5 us with the old scan of every port per packet, 0.64 us with the
/// PortIndex lookup (1 port: 0.63 us); 0 B either way.
/// </summary>
[MemoryDiagnoser]
public class SacnReceiveBenchmarks : IDisposable
{
    private static readonly UInt128 s_a = new(0xA, 1);
    private static readonly UInt128 s_b = new(0xB, 2);
    private readonly byte[] _a = new byte[SacnDataPacket.MaxLength];
    private readonly byte[] _b = new byte[SacnDataPacket.MaxLength];
    private string _dir = null!;
    private FakeTimeProvider _time = null!;
    private RefreshScheduler _clock = null!;
    private SacnNode _node = null!;
    private Universe _universe = null!;
    private byte _sequence;

    /// <summary>Whether sender A also sends 0xDD per-address priorities (the per-slot merge).</summary>
    [Params(false, true)]
    public bool PerAddress { get; set; }

    /// <summary>Input ports of the device; the last one is patched (a linear scan per packet would pass all the others).</summary>
    [Params(1, 4096)]
    public int InputPorts { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _dir = Directory.CreateTempSubdirectory("olas-bench-sacn-").FullName;
        _time = new FakeTimeProvider();
        var universes = new UniverseRegistry(_time);
        _clock = new RefreshScheduler(_time);
        var devices = new DeviceRegistry(universes, _clock, new ConfStore(_dir));
        var options = new SacnOptions { BindAddress = IPAddress.Loopback, Port = 0, Cid = new UInt128(1, 1), Multicast = false, PerAddressPriorityWait = TimeSpan.Zero, InputPorts = InputPorts };
        _node = new SacnNode(options, _time, NullLogger.Instance);
        var device = new SacnDevice(new SacnPlugin(), options, _node, _time.TimestampFrequency);
        devices.Register(device);
        if (!devices.TryPatch(device.Inputs[InputPorts - 1], 1, out string? error))
        {
            throw new InvalidOperationException(error);
        }

        _universe = universes.GetOrCreate(1);
        var random = new Random(42);
        byte[] slots = new byte[512];
        random.NextBytes(slots);
        SacnDataPacket.Write(_a, s_a, "a"u8, 100, 0, 0, SacnFramingOptions.None, 1, 0, slots);
        random.NextBytes(slots);
        SacnDataPacket.Write(_b, s_b, "b"u8, 100, 0, 0, SacnFramingOptions.None, 1, 0, slots);
        if (PerAddress)
        {
            byte[] dd = new byte[SacnDataPacket.MaxLength];
            random.NextBytes(slots);
            int n = SacnDataPacket.Write(dd, s_a, "a"u8, 100, 0, 200, SacnFramingOptions.None, 1, 0xDD, slots);
            _node.Handle(dd.AsSpan(0, n), _time.GetTimestamp());
        }
    }

    [Benchmark]
    [ZeroAllocation]
    public int ReceiveTwoSenders512()
    {
        // Byte 111 is the sequence number: each packet is the sender's next.
        byte sequence = unchecked(++_sequence);
        _a[111] = sequence;
        _b[111] = sequence;
        long now = _time.GetTimestamp();
        _node.Handle(_a, now);
        _node.Handle(_b, now);
        return _universe.Length;
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _clock.Dispose();
        _node.Dispose();
        Directory.Delete(_dir, true);
        GC.SuppressFinalize(this);
    }
}
