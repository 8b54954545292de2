// Licensed under the MIT License. See LICENSE in the repository root.
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using OlaSharp.Core;
using OlaSharp.Grpc.V1;
using Universe = OlaSharp.Core.Universe;

namespace OlaSharp.Grpc.Internal;

/// <summary>Argument checks that end a call with INVALID_ARGUMENT or NOT_FOUND and a clear message.</summary>
internal static class Validate
{
    /// <summary>Per-slot priority start code (sACN, E1.31-2016 draft "0xDD").</summary>
    public const uint SlotPriorityStartCode = 0xDD;

    /// <summary>Checks a universe id is 1..63999 and returns it.</summary>
    public static int UniverseId(uint id, string field = "universe")
    {
        if (id < Universe.MinSacnId || id > Universe.MaxSacnId)
        {
            ThrowInvalid($"{field} must be {Universe.MinSacnId}..{Universe.MaxSacnId}, got {id}");
        }

        return (int)id;
    }

    /// <summary>Checks a client frame (universe, slot count, priority, start code).</summary>
    public static int Frame([NotNull] Frame? frame)
    {
        if (frame is null)
        {
            ThrowInvalid("frame is required");
        }

        int universe = UniverseId(frame.Universe, "frame.universe");
        if (frame.Slots.Length > DmxFrame.MaxSlots)
        {
            ThrowInvalid($"frame.slots must hold at most {DmxFrame.MaxSlots} slots, got {frame.Slots.Length}");
        }

        if (frame.Priority is uint p && p > Priority.Max)
        {
            ThrowInvalid($"frame.priority must be {Priority.Min}..{Priority.Max}, got {p}");
        }

        if (frame.StartCode != DmxFrame.NullStartCode && frame.StartCode != SlotPriorityStartCode)
        {
            ThrowInvalid($"frame.start_code must be 0 (levels) or 0xDD (slot priorities), got 0x{frame.StartCode.ToString("X2", CultureInfo.InvariantCulture)}");
        }

        return universe;
    }

    /// <summary>Finds an existing universe or ends the call with NOT_FOUND.</summary>
    public static Universe ExistingUniverse(UniverseRegistry registry, uint id)
    {
        int uid = UniverseId(id);
        if (!registry.TryGet(uid, out Universe? universe))
        {
            throw new RpcException(new Status(StatusCode.NotFound, $"universe {uid} does not exist"));
        }

        return universe;
    }

    [DoesNotReturn]
    public static void ThrowInvalid(string message) =>
        throw new RpcException(new Status(StatusCode.InvalidArgument, message));
}
