// Licensed under the MIT License. See LICENSE in the repository root.
using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using Google.Protobuf;

namespace OlaSharp.OlaRpc.Internal;

/// <summary>
/// Writes whole outgoing frames (header + RpcMessage) into one buffer, field by field in field-number
/// order as olad does, so a reply costs no intermediate ByteString and a push no message objects.
/// </summary>
internal static class FrameEncoder
{
    // RpcMessage tags: type = 1 (varint), id = 2 (varint), name = 3 (bytes), buffer = 4 (bytes).
    private const byte TypeTag = 0x08;
    private const byte IdTag = 0x10;
    private const byte NameTag = 0x1a;
    private const byte BufferTag = 0x22;

    // DmxData tags: universe = 1, data = 2, priority = 3.
    private const byte UniverseTag = 0x08;
    private const byte DataTag = 0x12;
    private const byte PriorityTag = 0x18;

    private static readonly byte[] s_updateDmxData = Encoding.ASCII.GetBytes("UpdateDmxData");

    /// <summary>The most bytes a RESPONSE frame around <paramref name="innerSize"/> bytes needs.</summary>
    public static int ResponseSize(int innerSize) => RpcFrame.HeaderSize + 2 + 1 + 5 + 1 + 5 + innerSize;

    /// <summary>Writes RESPONSE (2) with <paramref name="id"/> and <paramref name="reply"/> as buffer; returns the bytes written.</summary>
    public static int WriteResponse(Span<byte> destination, uint id, IMessage reply, int replySize)
    {
        int n = RpcFrame.HeaderSize;
        destination[n++] = TypeTag;
        destination[n++] = 2;
        destination[n++] = IdTag;
        n += WriteVarint(destination[n..], id);
        destination[n++] = BufferTag;
        n += WriteVarint(destination[n..], (uint)replySize);
        reply.WriteTo(destination.Slice(n, replySize));
        n += replySize;
        BinaryPrimitives.WriteUInt32LittleEndian(destination, RpcFrame.Header(n - RpcFrame.HeaderSize));
        return n;
    }

    /// <summary>The most bytes a RESPONSE_FAILED frame with <paramref name="textBytes"/> of text needs.</summary>
    public static int FailedSize(int textBytes) => RpcFrame.HeaderSize + 2 + 1 + 5 + 1 + 5 + textBytes;

    /// <summary>Writes RESPONSE_FAILED (4) with the error text as the raw buffer bytes; returns the bytes written.</summary>
    public static int WriteFailed(Span<byte> destination, uint id, string error)
    {
        int textBytes = Encoding.UTF8.GetByteCount(error);
        int n = RpcFrame.HeaderSize;
        destination[n++] = TypeTag;
        destination[n++] = 4;
        destination[n++] = IdTag;
        n += WriteVarint(destination[n..], id);
        destination[n++] = BufferTag;
        n += WriteVarint(destination[n..], (uint)textBytes);
        n += Encoding.UTF8.GetBytes(error, destination[n..]);
        BinaryPrimitives.WriteUInt32LittleEndian(destination, RpcFrame.Header(n - RpcFrame.HeaderSize));
        return n;
    }

    /// <summary>Bytes a RESPONSE_NOT_IMPLEMENTED frame needs at most.</summary>
    public const int NotImplementedSize = RpcFrame.HeaderSize + 2 + 1 + 5;

    /// <summary>Writes RESPONSE_NOT_IMPLEMENTED (5) with only type and id (olad: <c>08 05 10 id</c>).</summary>
    public static int WriteNotImplemented(Span<byte> destination, uint id)
    {
        int n = RpcFrame.HeaderSize;
        destination[n++] = TypeTag;
        destination[n++] = 5;
        destination[n++] = IdTag;
        n += WriteVarint(destination[n..], id);
        BinaryPrimitives.WriteUInt32LittleEndian(destination, RpcFrame.Header(n - RpcFrame.HeaderSize));
        return n;
    }

    /// <summary>Bytes a push of up to 512 slots needs at most.</summary>
    public const int MaxPushSize = RpcFrame.HeaderSize + 2 + 1 + 5 + 2 + 13 + 1 + 5 + (1 + 10 + 1 + 2 + 512 + 1 + 10);

    /// <summary>
    /// Writes the server's call to a registered client: REQUEST (1) <c>UpdateDmxData</c> with
    /// <c>DmxData{universe, data, priority}</c> (ola-rpc.md section 3); returns the bytes written.
    /// </summary>
    public static int WritePush(Span<byte> destination, uint id, int universe, ReadOnlySpan<byte> data, int priority)
    {
        Debug.Assert(data.Length <= 512, "DMX data is at most 512 slots");
        int inner = 1 + VarintSize(universe) + 1 + VarintSize((uint)data.Length) + data.Length + 1 + VarintSize(priority);
        int n = RpcFrame.HeaderSize;
        destination[n++] = TypeTag;
        destination[n++] = 1;
        destination[n++] = IdTag;
        n += WriteVarint(destination[n..], id);
        destination[n++] = NameTag;
        destination[n++] = (byte)s_updateDmxData.Length;
        s_updateDmxData.CopyTo(destination[n..]);
        n += s_updateDmxData.Length;
        destination[n++] = BufferTag;
        n += WriteVarint(destination[n..], (uint)inner);
        int start = n;
        destination[n++] = UniverseTag;
        n += WriteInt32(destination[n..], universe);
        destination[n++] = DataTag;
        n += WriteVarint(destination[n..], (uint)data.Length);
        data.CopyTo(destination[n..]);
        n += data.Length;
        destination[n++] = PriorityTag;
        n += WriteInt32(destination[n..], priority);
        Debug.Assert(n - start == inner, "inner size matches");
        BinaryPrimitives.WriteUInt32LittleEndian(destination, RpcFrame.Header(n - RpcFrame.HeaderSize));
        return n;
    }

    // int32 fields are varints of the sign-extended 64-bit value (negatives take 10 bytes).
    private static int WriteInt32(Span<byte> destination, int value) => WriteVarint(destination, (ulong)(long)value);

    private static int VarintSize(int value) => VarintSize((ulong)(long)value);

    private static int VarintSize(ulong value)
    {
        int n = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            n++;
        }

        return n;
    }

    private static int WriteVarint(Span<byte> destination, ulong value)
    {
        int n = 0;
        while (value >= 0x80)
        {
            destination[n++] = (byte)(value | 0x80);
            value >>= 7;
        }

        destination[n++] = (byte)value;
        return n;
    }
}
