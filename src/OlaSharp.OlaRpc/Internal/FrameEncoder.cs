// Licensed under the MIT License. See LICENSE in the repository root.
using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;

namespace OlaSharp.OlaRpc.Internal;

/// <summary>
/// Writes whole outgoing frames (header + RpcMessage) into one buffer, field by field in field-number
/// order as olad does, so a reply costs no intermediate ByteString and a push no message objects.
/// </summary>
internal static class FrameEncoder
{
    // A protobuf tag is (field number << 3) | wire type: 0 varint, 2 length-delimited bytes.
    private const byte Varint = 0;
    private const byte Bytes = 2;

    // RpcMessage: type = 1, id = 2, name = 3, buffer = 4 (0x08, 0x10, 0x1a, 0x22).
    private const byte TypeTag = (1 << 3) | Varint;
    private const byte IdTag = (2 << 3) | Varint;
    private const byte NameTag = (3 << 3) | Bytes;
    private const byte BufferTag = (4 << 3) | Bytes;

    // DmxData: universe = 1, data = 2, priority = 3 (0x08, 0x12, 0x18).
    private const byte UniverseTag = (1 << 3) | Varint;
    private const byte DataTag = (2 << 3) | Bytes;
    private const byte PriorityTag = (3 << 3) | Varint;

    private static readonly byte[] s_updateDmxData = Encoding.ASCII.GetBytes("UpdateDmxData");

    /// <summary>The most bytes a RESPONSE frame around <paramref name="innerSize"/> bytes needs.</summary>
    public static int ResponseSize(int innerSize) => RpcFrame.HeaderSize + 2 + 1 + 5 + 1 + 5 + innerSize;

    /// <summary>Writes RESPONSE (2) with <paramref name="id"/> and <paramref name="reply"/> as buffer; returns the bytes written.</summary>
    public static int WriteResponse(Span<byte> destination, uint id, IMessage reply, int replySize)
    {
        int n = WriteTypeAndId(destination, 2, id);
        n += WriteBufferLength(destination[n..], replySize);
        reply.WriteTo(destination.Slice(n, replySize));
        return Finish(destination, n + replySize);
    }

    /// <summary>The most bytes a RESPONSE_FAILED frame with <paramref name="textBytes"/> of text needs.</summary>
    public static int FailedSize(int textBytes) => RpcFrame.HeaderSize + 2 + 1 + 5 + 1 + 5 + textBytes;

    /// <summary>Writes RESPONSE_FAILED (4) with the error text as the raw buffer bytes; returns the bytes written.</summary>
    public static int WriteFailed(Span<byte> destination, uint id, string error)
    {
        int n = WriteTypeAndId(destination, 4, id);
        n += WriteBufferLength(destination[n..], Encoding.UTF8.GetByteCount(error));
        n += Encoding.UTF8.GetBytes(error, destination[n..]);
        return Finish(destination, n);
    }

    /// <summary>Bytes a RESPONSE_NOT_IMPLEMENTED frame needs at most.</summary>
    public const int NotImplementedSize = RpcFrame.HeaderSize + 2 + 1 + 5;

    /// <summary>Writes RESPONSE_NOT_IMPLEMENTED (5) with only type and id (olad: <c>08 05 10 id</c>).</summary>
    public static int WriteNotImplemented(Span<byte> destination, uint id)
    {
        return Finish(destination, WriteTypeAndId(destination, 5, id));
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
        int n = WriteTypeAndId(destination, 1, id);
        destination[n++] = NameTag;
        destination[n++] = (byte)s_updateDmxData.Length;
        s_updateDmxData.CopyTo(destination[n..]);
        n += s_updateDmxData.Length;
        n += WriteBufferLength(destination[n..], inner);
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
        return Finish(destination, n);
    }

    // The frame's first RpcMessage fields, after the 4-byte header: type and id. Returns the end offset.
    private static int WriteTypeAndId(Span<byte> destination, byte type, uint id)
    {
        int n = RpcFrame.HeaderSize;
        destination[n++] = TypeTag;
        destination[n++] = type;
        destination[n++] = IdTag;
        return n + WriteVarint(destination[n..], id);
    }

    // The buffer field's tag and length; its bytes follow.
    private static int WriteBufferLength(Span<byte> destination, int length)
    {
        destination[0] = BufferTag;
        return 1 + WriteVarint(destination[1..], (uint)length);
    }

    // Writes the header (the size of what follows it) once the frame is complete; returns the frame's length.
    private static int Finish(Span<byte> destination, int length)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(destination, RpcFrame.Header(length - RpcFrame.HeaderSize));
        return length;
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
