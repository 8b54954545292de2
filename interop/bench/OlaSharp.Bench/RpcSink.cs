// Licensed under the MIT License. See LICENSE in the repository root.
using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace OlaSharp.Bench;

/// <summary>
/// The output side: an OLA RPC client (TCP 127.0.0.1:9010 in the server's namespace) that registers for
/// universes 1..N (RegisterForDmx, as <c>ola_recorder</c> does) and answers every UpdateDmxData push with
/// an Ack. Both olad and olasharpd push each merged update at once, so this sees every forwarded frame.
/// The protobuf is written and read by hand: only RpcMessage, RegisterDmxRequest and DmxData are needed.
/// </summary>
internal sealed class RpcSink : IDisposable
{
    private const int Request = 1;
    private const int Response = 2;
    private const int ProtocolVersion = 1;
    private static readonly byte[] s_updateDmxData = Encoding.ASCII.GetBytes("UpdateDmxData");
    private static readonly byte[] s_registerForDmx = Encoding.ASCII.GetBytes("RegisterForDmx");

    private readonly Socket _socket;
    private readonly Recorder _recorder;
    private readonly byte[] _in = new byte[1 << 20];
    private readonly byte[] _out = new byte[1 << 16];
    private int _outLength;
    private long _responses;
    private long _failures;
    private Thread? _thread;
    private volatile bool _stopping;
    private int _disposed;

    public RpcSink(Socket socket, Recorder recorder)
    {
        _socket = socket;
        _recorder = recorder;
    }

    /// <summary>RESPONSE messages received (the Acks of our registrations).</summary>
    public long Responses => Interlocked.Read(ref _responses);

    /// <summary>RESPONSE_FAILED and other non-Ack replies.</summary>
    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>Why the receive loop ended early, if it did.</summary>
    public string? Error { get; private set; }

    /// <summary>Connects to the server's RPC port and registers for universes 1..<paramref name="universes"/>.</summary>
    public void Connect(int port, int universes)
    {
        _socket.NoDelay = true;
        _socket.ReceiveBufferSize = 4 << 20;
        _socket.Connect(new IPEndPoint(IPAddress.Loopback, port));
        var batch = new byte[universes * 32];
        int n = 0;
        Span<byte> request = stackalloc byte[16];
        for (int u = 1; u <= universes; u++)
        {
            int r = 0;
            r += WriteTag(request[r..], 1, 0);
            r += WriteVarint(request[r..], (ulong)u);
            r += WriteTag(request[r..], 2, 0);
            r += WriteVarint(request[r..], 1); // REGISTER
            n += WriteMessage(batch.AsSpan(n), Request, (uint)(u - 1), s_registerForDmx, request[..r]);
        }

        _socket.Send(batch.AsSpan(0, n));
    }

    /// <summary>Starts the receive thread.</summary>
    public void Start()
    {
        _thread = new Thread(ReceiveLoop) { IsBackground = true, Name = "bench-sink", Priority = ThreadPriority.AboveNormal };
        _thread.Start();
    }

    /// <summary>Stops the receive thread (closing the socket unblocks it) and waits for it.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _stopping = true;
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // Already closed by the server.
        }

        _socket.Dispose();
        _thread?.Join(5_000);
    }

    private void ReceiveLoop()
    {
        int filled = 0;
        try
        {
            while (!_stopping)
            {
                int n = _socket.Receive(_in.AsSpan(filled));
                if (n == 0)
                {
                    if (!_stopping)
                    {
                        Error ??= "the server closed the RPC connection";
                    }

                    return;
                }

                long now = Stopwatch.GetTimestamp();
                filled += n;
                int consumed = Parse(_in.AsSpan(0, filled), now);
                if (_outLength > 0)
                {
                    _socket.Send(_out.AsSpan(0, _outLength));
                    _outLength = 0;
                }

                _in.AsSpan(consumed, filled - consumed).CopyTo(_in);
                filled -= consumed;
            }
        }
        catch (SocketException ex) when (!_stopping)
        {
            Error = ex.Message;
        }
        catch (SocketException)
        {
            // Stopping.
        }
        catch (ObjectDisposedException)
        {
            // Stopping.
        }
    }

    /// <summary>Handles every complete message in <paramref name="data"/>; returns the bytes consumed.</summary>
    private int Parse(ReadOnlySpan<byte> data, long now)
    {
        int offset = 0;
        while (data.Length - offset >= 4)
        {
            uint header = BinaryPrimitives.ReadUInt32LittleEndian(data[offset..]);
            int size = (int)(header & 0x0FFFFFFF);
            if (data.Length - offset - 4 < size)
            {
                break;
            }

            HandleMessage(data.Slice(offset + 4, size), now);
            offset += 4 + size;
        }

        return offset;
    }

    private void HandleMessage(ReadOnlySpan<byte> message, long now)
    {
        int type = 0;
        ulong id = 0;
        ReadOnlySpan<byte> name = default;
        ReadOnlySpan<byte> buffer = default;
        int i = 0;
        while (i < message.Length)
        {
            ulong key = ReadVarint(message, ref i);
            int field = (int)(key >> 3);
            int wire = (int)(key & 7);
            if (wire == 0)
            {
                ulong v = ReadVarint(message, ref i);
                if (field == 1)
                {
                    type = (int)v;
                }
                else if (field == 2)
                {
                    id = v;
                }
            }
            else if (wire == 2)
            {
                int length = (int)ReadVarint(message, ref i);
                ReadOnlySpan<byte> value = message.Slice(i, length);
                i += length;
                if (field == 3)
                {
                    name = value;
                }
                else if (field == 4)
                {
                    buffer = value;
                }
            }
            else
            {
                return; // not something olad or olasharpd send
            }
        }

        if (type == Response)
        {
            Interlocked.Increment(ref _responses);
            return;
        }

        if (type != Request)
        {
            Interlocked.Increment(ref _failures);
            return;
        }

        if (name.SequenceEqual(s_updateDmxData))
        {
            HandleDmx(buffer, now);
        }

        // Ack (an empty message) echoing the request id.
        if (_outLength + 32 > _out.Length)
        {
            _socket.Send(_out.AsSpan(0, _outLength));
            _outLength = 0;
        }

        _outLength += WriteMessage(_out.AsSpan(_outLength), Response, (uint)id, default, default);
    }

    private void HandleDmx(ReadOnlySpan<byte> dmx, long now)
    {
        int universe = -1;
        ReadOnlySpan<byte> slots = default;
        int i = 0;
        while (i < dmx.Length)
        {
            ulong key = ReadVarint(dmx, ref i);
            int field = (int)(key >> 3);
            int wire = (int)(key & 7);
            if (wire == 0)
            {
                ulong v = ReadVarint(dmx, ref i);
                if (field == 1)
                {
                    universe = (int)v;
                }
            }
            else if (wire == 2)
            {
                int length = (int)ReadVarint(dmx, ref i);
                if (field == 2)
                {
                    slots = dmx.Slice(i, length);
                }

                i += length;
            }
            else
            {
                return;
            }
        }

        _recorder.Record(universe, slots, now);
    }

    /// <summary>Writes header + RpcMessage{type, id, name?, buffer}; returns the bytes written.</summary>
    private static int WriteMessage(Span<byte> to, int type, uint id, ReadOnlySpan<byte> name, ReadOnlySpan<byte> buffer)
    {
        int n = 4;
        n += WriteTag(to[n..], 1, 0);
        n += WriteVarint(to[n..], (ulong)type);
        n += WriteTag(to[n..], 2, 0);
        n += WriteVarint(to[n..], id);
        if (!name.IsEmpty)
        {
            n += WriteTag(to[n..], 3, 2);
            n += WriteVarint(to[n..], (ulong)name.Length);
            name.CopyTo(to[n..]);
            n += name.Length;
        }

        n += WriteTag(to[n..], 4, 2);
        n += WriteVarint(to[n..], (ulong)buffer.Length);
        buffer.CopyTo(to[n..]);
        n += buffer.Length;
        BinaryPrimitives.WriteUInt32LittleEndian(to, (uint)(ProtocolVersion << 28) | (uint)(n - 4));
        return n;
    }

    private static int WriteTag(Span<byte> to, int field, int wire) => WriteVarint(to, (ulong)((field << 3) | wire));

    private static int WriteVarint(Span<byte> to, ulong value)
    {
        int n = 0;
        while (value >= 0x80)
        {
            to[n++] = (byte)(value | 0x80);
            value >>= 7;
        }

        to[n++] = (byte)value;
        return n;
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> from, ref int i)
    {
        ulong value = 0;
        for (int shift = 0; shift < 64 && i < from.Length; shift += 7)
        {
            byte b = from[i++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                break;
            }
        }

        return value;
    }
}
