// Licensed under the MIT License. See LICENSE in the repository root.
using System.Buffers;

namespace OlaSharp.OlaRpc.Internal;

/// <summary>A whole outgoing frame in a pooled array; the connection's writer returns the array.</summary>
internal readonly struct OutFrame
{
    public OutFrame(byte[] buffer, int length)
    {
        Buffer = buffer;
        Length = length;
    }

    public byte[] Buffer { get; }

    public int Length { get; }

    public ReadOnlyMemory<byte> Memory => Buffer.AsMemory(0, Length);

    public static byte[] Rent(int size) => ArrayPool<byte>.Shared.Rent(size);

    public void Return() => ArrayPool<byte>.Shared.Return(Buffer);
}
