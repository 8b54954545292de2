// Licensed under the MIT License. See LICENSE in the repository root.

namespace OlaSharp.OlaRpc.Internal;

/// <summary>
/// An item of a connection's outgoing queue, in a pooled array the connection's writer returns: a whole
/// encoded frame (a reply), a push (the merged slots of universe <see cref="Universe"/>, encoded by the
/// writer), or a wake-up with no buffer.
/// </summary>
internal readonly struct OutFrame
{
    public OutFrame(byte[] buffer, int length)
        : this(buffer, length, -1, 0)
    {
    }

    private OutFrame(byte[]? buffer, int length, int universe, int priority)
    {
        Buffer = buffer;
        Length = length;
        Universe = universe;
        Priority = priority;
    }

    /// <summary>The pooled bytes; null for a wake-up.</summary>
    public byte[]? Buffer { get; }

    /// <summary>Bytes of the frame, or slots of the push.</summary>
    public int Length { get; }

    /// <summary>The pushed universe; -1 for an encoded frame.</summary>
    public int Universe { get; }

    /// <summary>The pushed frame's priority.</summary>
    public int Priority { get; }

    public bool IsPush => Buffer is not null && Universe >= 0;

    public bool IsWake => Buffer is null;

    public ReadOnlyMemory<byte> Memory => Buffer.AsMemory(0, Length);

    /// <summary>A wake-up: makes the writer look at its pending pushes.</summary>
    public static OutFrame Wake => default;

    /// <summary>A push of <paramref name="length"/> slots in <paramref name="slots"/> (rented), encoded by the writer.</summary>
    public static OutFrame Push(byte[] slots, int length, int universe, int priority) => new(slots, length, universe, priority);

    public static byte[] Rent(int size) => ArrayPool<byte>.Shared.Rent(size);

    public void Return()
    {
        if (Buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(Buffer);
        }
    }
}
