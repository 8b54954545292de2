// Licensed under the MIT License. See LICENSE in the repository root.
namespace OlaSharp.OlaRpc.Internal;

/// <summary>
/// The bytes all connections may hold in frames that have not arrived whole. OLA's clients send
/// requests of a few hundred bytes (a DMX frame is under 600), so a frame is free up to
/// <see cref="FreeFrameSize"/>; a larger one reserves its announced size here when its header
/// arrives and gives it back when it completes or the connection ends. 100 clients stalled half-way
/// through 1 MiB frames held 55-106 MB before this (issue 13); with the default 8 MiB at most 8 such
/// frames wait at once and the rest are closed.
/// </summary>
internal sealed class PartialFrameBudget(long capacity)
{
    /// <summary>The default capacity: eight frames of olad's 1 MiB limit.</summary>
    public const long DefaultCapacity = 8L * (RpcFrame.MaxBodySize + RpcFrame.HeaderSize);

    /// <summary>Frames up to this size (header included) never need a reservation.</summary>
    public const int FreeFrameSize = 64 * 1024;

    private long _held;

    /// <summary>The most all partial frames may hold.</summary>
    public long Capacity { get; } = capacity;

    /// <summary>What partial frames hold now.</summary>
    public long Held => Interlocked.Read(ref _held);

    /// <summary>Takes <paramref name="bytes"/> from the budget; false (nothing taken) when they do not fit.</summary>
    public bool TryReserve(long bytes)
    {
        long held = Interlocked.Read(ref _held);
        while (true)
        {
            if (held + bytes > Capacity)
            {
                return false;
            }

            long seen = Interlocked.CompareExchange(ref _held, held + bytes, held);
            if (seen == held)
            {
                return true;
            }

            held = seen;
        }
    }

    /// <summary>Gives back what <see cref="TryReserve"/> took.</summary>
    public void Release(long bytes) => Interlocked.Add(ref _held, -bytes);
}
