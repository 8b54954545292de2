// Licensed under the MIT License. See LICENSE in the repository root.
using System.Buffers.Binary;

namespace OlaSharp.OlaRpc.Internal;

/// <summary>What <see cref="RpcFrame.TryRead"/> found at the start of the buffer.</summary>
internal enum FrameStatus
{
    /// <summary>A whole frame was taken off the buffer.</summary>
    Complete,

    /// <summary>More bytes are needed; nothing was consumed.</summary>
    Incomplete,

    /// <summary>The announced size is over <see cref="RpcFrame.MaxBodySize"/>.</summary>
    TooLarge,

    /// <summary>The header's version is not 1.</summary>
    BadVersion,
}

/// <summary>
/// OLA's RPC framing (common/rpc/RpcHeader.h): a uint32 in host order (little-endian on every real
/// platform) = <c>(version &lt;&lt; 28) | size</c>, version 1, then <c>size</c> bytes of <see cref="RpcMessage"/>.
/// </summary>
internal static class RpcFrame
{
    /// <summary>The only protocol version OLA speaks.</summary>
    public const uint Version = 1;

    /// <summary>Header length in bytes.</summary>
    public const int HeaderSize = 4;

    /// <summary>olad's receive buffer limit (1 MiB); a larger announced size closes the connection.</summary>
    public const int MaxBodySize = 1 << 20;

    private const uint SizeMask = 0x0FFFFFFF;

    /// <summary>The header for a body of <paramref name="size"/> bytes.</summary>
    public static uint Header(int size) => (Version << 28) | ((uint)size & SizeMask);

    /// <summary>
    /// Takes one frame off the front of <paramref name="buffer"/>. On <see cref="FrameStatus.Complete"/>
    /// <paramref name="body"/> is the frame's body (possibly empty: olad ignores size-0 frames) and
    /// <paramref name="buffer"/> starts after it; otherwise <paramref name="buffer"/> is unchanged.
    /// Never throws.
    /// </summary>
    public static FrameStatus TryRead(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> body, out uint header)
    {
        body = default;
        header = 0;
        if (buffer.Length < HeaderSize)
        {
            return FrameStatus.Incomplete;
        }

        Span<byte> raw = stackalloc byte[HeaderSize];
        buffer.Slice(0, HeaderSize).CopyTo(raw);
        header = BinaryPrimitives.ReadUInt32LittleEndian(raw);
        if (header >> 28 != Version)
        {
            return FrameStatus.BadVersion;
        }

        uint size = header & SizeMask;
        if (size > MaxBodySize)
        {
            return FrameStatus.TooLarge;
        }

        if (buffer.Length - HeaderSize < size)
        {
            return FrameStatus.Incomplete;
        }

        body = buffer.Slice(HeaderSize, size);
        buffer = buffer.Slice(body.End);
        return FrameStatus.Complete;
    }

    /// <summary>Parses an envelope; false when the bytes are not a valid RpcMessage or lack its required type. Never throws.</summary>
    public static bool TryParseEnvelope(in ReadOnlySequence<byte> body, out RpcMessage message)
    {
        message = new RpcMessage();
        try
        {
            message.MergeFrom(body);
        }
        catch (InvalidProtocolBufferException)
        {
            return false;
        }

        // C# enums are open: an unknown type number parses, where OLA's C++ proto2 sees the required field missing.
        return message.HasType && message.Type >= Protocol.Type.Request && message.Type <= Protocol.Type.StreamRequest;
    }
}
