// Licensed under the MIT License. See LICENSE in the repository root.
using OlaSharp.Core;

namespace OlaSharp.OlaRpc.Internal;

/// <summary>
/// An item of a connection's outgoing queue, in a pooled array the connection's writer returns: a whole
/// encoded frame (a reply), a push (the merged slots of universe <see cref="Universe"/>, encoded by the
/// writer), or a wake-up with no buffer.
/// </summary>
internal readonly struct OutFrame
{
    public OutFrame(byte[] buffer, int length)
        : this(buffer, length, null, 0, 0)
    {
    }

    private OutFrame(byte[]? buffer, int length, Universe? universe, int priority, long update)
    {
        Buffer = buffer;
        Length = length;
        Universe = universe;
        Priority = priority;
        Update = update;
    }

    /// <summary>The pooled bytes; null for a wake-up.</summary>
    public byte[]? Buffer { get; }

    /// <summary>Bytes of the frame, or slots of the push.</summary>
    public int Length { get; }

    /// <summary>The pushed universe; null for an encoded frame.</summary>
    public Universe? Universe { get; }

    /// <summary>The pushed frame's priority.</summary>
    public int Priority { get; }

    /// <summary>The universe's stamp of the pushed copy (<see cref="Universe.CopyMerged(Span{byte}, out long)"/>).</summary>
    public long Update { get; }

    public bool IsPush => Buffer is not null && Universe is not null;

    public bool IsWake => Buffer is null;

    public ReadOnlyMemory<byte> Memory => Buffer.AsMemory(0, Length);

    /// <summary>A wake-up: makes the writer look at its pending pushes.</summary>
    public static OutFrame Wake => default;

    /// <summary>A push of <paramref name="length"/> slots in <paramref name="slots"/> (rented), encoded by the writer.</summary>
    public static OutFrame Push(byte[] slots, int length, Universe universe, int priority, long update) => new(slots, length, universe, priority, update);

    public static byte[] Rent(int size) => ArrayPool<byte>.Shared.Rent(size);

    public void Return()
    {
        if (Buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(Buffer);
        }
    }
}
