// Licensed under the MIT License. See LICENSE in the repository root.
using System.Text;

namespace OlaSharp.OlaRpc.Internal;

/// <summary>
/// Allocation-free decoding of the one hot shape: an RpcMessage carrying UpdateDmxData or
/// StreamDmxData with a plain DmxData{universe, data, priority}. Anything else (other methods,
/// unknown fields, odd wire types) returns false and takes the general Google.Protobuf path, so
/// the accepted inputs and their meaning are the same either way.
/// </summary>
internal static class FastDecoder
{
    private static readonly byte[] s_updateDmxData = Encoding.ASCII.GetBytes("UpdateDmxData");
    private static readonly byte[] s_streamDmxData = Encoding.ASCII.GetBytes("StreamDmxData");

    /// <summary>A decoded DMX call; <see cref="Data"/> points into the frame.</summary>
    public ref struct DmxCall
    {
        public bool IsStream;
        public uint Id;
        public bool Valid;
        public int Universe;
        public ReadOnlySpan<byte> Data;
        public int? Priority;
    }

    /// <summary>
    /// Decodes a REQUEST or STREAM_REQUEST for UpdateDmxData/StreamDmxData. Returns false when the
    /// frame is anything else. On true, <see cref="DmxCall.Valid"/> is false if the DmxData lacks a
    /// required field (the caller answers RESPONSE_FAILED as the general path would).
    /// </summary>
    public static bool TryDecodeDmxCall(ReadOnlySpan<byte> body, out DmxCall call)
    {
        call = default;
        int type = 0;
        bool hasName = false;
        bool isUpdate = false;
        bool isStreamName = false;
        ReadOnlySpan<byte> buffer = default;
        int pos = 0;
        while (pos < body.Length)
        {
            if (!TryReadVarint(body, ref pos, out ulong tag))
            {
                return false;
            }

            switch (tag)
            {
                case 0x08: // type
                    if (!TryReadVarint(body, ref pos, out ulong t) || t > 10)
                    {
                        return false;
                    }

                    type = (int)t;
                    break;
                case 0x10: // id
                    if (!TryReadVarint(body, ref pos, out ulong id))
                    {
                        return false;
                    }

                    call.Id = (uint)id;
                    break;
                case 0x1a: // name
                    if (!TryReadBytes(body, ref pos, out ReadOnlySpan<byte> name))
                    {
                        return false;
                    }

                    hasName = true;
                    isUpdate = name.SequenceEqual(s_updateDmxData);
                    isStreamName = name.SequenceEqual(s_streamDmxData);
                    break;
                case 0x22: // buffer
                    if (!TryReadBytes(body, ref pos, out buffer))
                    {
                        return false;
                    }

                    break;
                default:
                    return false;
            }
        }

        // REQUEST (1) or STREAM_REQUEST (10) naming one of the two DMX methods.
        if (!hasName || !(isUpdate || isStreamName) || (type != 1 && type != 10))
        {
            return false;
        }

        call.IsStream = type == 10;
        if (call.IsStream && !isStreamName)
        {
            return false; // UpdateDmxData sent as a stream: the general path decides (ignored).
        }

        bool hasUniverse = false;
        bool hasData = false;
        pos = 0;
        while (pos < buffer.Length)
        {
            if (!TryReadVarint(buffer, ref pos, out ulong tag))
            {
                return false;
            }

            switch (tag)
            {
                case 0x08:
                    if (!TryReadVarint(buffer, ref pos, out ulong u))
                    {
                        return false;
                    }

                    call.Universe = (int)u;
                    hasUniverse = true;
                    break;
                case 0x12:
                    if (!TryReadBytes(buffer, ref pos, out call.Data))
                    {
                        return false;
                    }

                    hasData = true;
                    break;
                case 0x18:
                    if (!TryReadVarint(buffer, ref pos, out ulong p))
                    {
                        return false;
                    }

                    call.Priority = (int)p;
                    break;
                default:
                    return false;
            }
        }

        call.Valid = hasUniverse && hasData;
        return true;
    }

    private static bool TryReadVarint(ReadOnlySpan<byte> span, ref int pos, out ulong value)
    {
        value = 0;
        for (int shift = 0; shift < 64 && pos < span.Length; shift += 7)
        {
            byte b = span[pos++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return true;
            }
        }

        return false;
    }

    private static bool TryReadBytes(ReadOnlySpan<byte> span, scoped ref int pos, out ReadOnlySpan<byte> bytes)
    {
        bytes = default;
        if (!TryReadVarint(span, ref pos, out ulong length) || length > (ulong)(span.Length - pos))
        {
            return false;
        }

        bytes = span.Slice(pos, (int)length);
        pos += (int)length;
        return true;
    }
}
