// Licensed under the MIT License. See LICENSE in the repository root.
using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace OlaSharp.Bench;

/// <summary>
/// Sends universes 1..N of E1.31 data (512 slots, priority 100) by unicast to the server, paced evenly
/// over each period: packet k is universe k mod N, frame k / N, and is due at k / (N × rate) seconds.
/// Slots 0-3 carry the frame counter and slots 4-11 the send time (Stopwatch ticks), both big-endian;
/// the sink reads them back.
/// </summary>
internal sealed class SacnSender
{
    /// <summary>sACN's UDP port.</summary>
    public const int Port = 5568;

    /// <summary>Slots per packet: a full universe.</summary>
    public const int Slots = 512;

    private const int HeaderLength = 126;
    private const int PacketLength = HeaderLength + Slots;
    private const int SequenceOffset = 111;
    private const int SlotsOffset = HeaderLength;

    private readonly Socket _socket;
    private readonly SocketAddress _destination;
    private readonly byte[][] _packets;
    private readonly int _universes;
    private readonly double _rate;
    private long _sent;
    private long _errors;

    public SacnSender(Socket socket, IPAddress server, int universes, double rate)
    {
        _socket = socket;
        _destination = new IPEndPoint(server, Port).Serialize();
        _universes = universes;
        _rate = rate;
        _packets = new byte[universes][];
        for (int i = 0; i < universes; i++)
        {
            _packets[i] = Build(i + 1);
        }
    }

    /// <summary>Packets sent so far.</summary>
    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>Sends that failed (the socket buffer was full, or the route went away).</summary>
    public long Errors => Interlocked.Read(ref _errors);

    /// <summary>Packets that should have been sent by <paramref name="now"/> (to tell a slow generator from a slow server).</summary>
    public long Due(long start, long now) => (long)((now - start) * (double)_universes * _rate / Stopwatch.Frequency);

    /// <summary>Sends until <paramref name="stop"/> (a Stopwatch timestamp) or cancellation; frame numbers count from <paramref name="start"/>.</summary>
    public void Run(long start, long stop, CancellationToken cancellationToken)
    {
        long k = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            long now = Stopwatch.GetTimestamp();
            if (now >= stop)
            {
                break;
            }

            long due = Due(start, now);
            while (k < due)
            {
                int universe = (int)(k % _universes);
                uint frame = (uint)(k / _universes);
                byte[] p = _packets[universe];
                p[SequenceOffset] = unchecked((byte)frame);
                BinaryPrimitives.WriteUInt32BigEndian(p.AsSpan(SlotsOffset), frame);
                BinaryPrimitives.WriteInt64BigEndian(p.AsSpan(SlotsOffset + 4), Stopwatch.GetTimestamp());
                try
                {
                    _socket.SendTo(p, SocketFlags.None, _destination);
                }
                catch (SocketException)
                {
                    Interlocked.Increment(ref _errors);
                }

                k++;
                Volatile.Write(ref _sent, k);
            }

            // Thread.Sleep(1) wakes after ~1.1 ms on Linux: packets go out in small bursts of N × rate / 900.
            Thread.Sleep(1);
        }
    }

    /// <summary>An E1.31-2018 data packet (root, framing and DMP layers) for one universe.</summary>
    internal static byte[] Build(int universe)
    {
        var p = new byte[PacketLength];
        Span<byte> s = p;
        BinaryPrimitives.WriteUInt16BigEndian(s, 0x0010); // preamble size
        Encoding.ASCII.GetBytes("ASC-E1.17").CopyTo(s[4..]);
        BinaryPrimitives.WriteUInt16BigEndian(s[16..], (ushort)(0x7000 | (PacketLength - 16)));
        BinaryPrimitives.WriteUInt32BigEndian(s[18..], 4); // VECTOR_ROOT_E131_DATA
        for (int i = 0; i < 16; i++)
        {
            s[22 + i] = (byte)(0xB0 + i); // CID
        }

        BinaryPrimitives.WriteUInt16BigEndian(s[38..], (ushort)(0x7000 | (PacketLength - 38)));
        BinaryPrimitives.WriteUInt32BigEndian(s[40..], 2); // VECTOR_E131_DATA_PACKET
        Encoding.ASCII.GetBytes("olasharp-bench").CopyTo(s[44..]);
        s[108] = 100; // priority
        BinaryPrimitives.WriteUInt16BigEndian(s[113..], (ushort)universe);
        BinaryPrimitives.WriteUInt16BigEndian(s[115..], (ushort)(0x7000 | (PacketLength - 115)));
        s[117] = 0x02; // VECTOR_DMP_SET_PROPERTY
        s[118] = 0xa1; // address and data type
        BinaryPrimitives.WriteUInt16BigEndian(s[121..], 1); // address increment
        BinaryPrimitives.WriteUInt16BigEndian(s[123..], Slots + 1); // start code + slots
        s[125] = 0; // start code
        // Slots 12.. carry the universe so every universe's data differs.
        for (int i = 12; i < Slots; i++)
        {
            s[SlotsOffset + i] = (byte)(universe + i);
        }

        return p;
    }
}
