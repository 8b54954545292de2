// Licensed under the MIT License. See LICENSE in the repository root.

namespace OlaSharp.Sacn.Internal;

/// <summary>
/// One sender (CID) of an sACN input port: its sequence, priority, levels that count in the merge, 0xDD
/// per-address priorities, and the data held back for the 0xDD wait or a sync packet (under the port's lock).
/// </summary>
internal sealed class SacnSender(UInt128 cid, string name, long firstSeen)
{
    public UInt128 Cid { get; } = cid;

    public string Name { get; } = name;

    public long FirstSeen { get; } = firstSeen;

    public long LastSeen { get; set; } = firstSeen;

    /// <summary>The sender's IPv4 address as text, if known (set once, when the sender is first seen).</summary>
    public string? Address { get; init; }

    /// <summary>Packets taken from this sender (levels and 0xDD).</summary>
    public long Packets { get; set; }

    public byte LastSequence { get; set; }

    public int Priority { get; set; }

    /// <summary>The levels that count in the merge; -1 until the first are released.</summary>
    public byte[] Levels { get; } = new byte[DmxFrame.MaxSlots];

    public int LevelsLength { get; set; } = -1;

    /// <summary>True while the levels wait for the first 0xDD (set at first sight, see SacnInputPort.NewSenderWaits).</summary>
    public bool WaitingForPerAddress { get; set; }

    public bool PerAddressActive { get; set; }

    public long LastPerAddress { get; set; }

    public byte[] PerAddress { get; } = new byte[DmxFrame.MaxSlots];

    public int PerAddressLength { get; set; }

    /// <summary>Levels held while waiting for the first 0xDD; -1 when none.</summary>
    public byte[] Held { get; } = new byte[DmxFrame.MaxSlots];

    public int HeldLength { get; set; } = -1;

    /// <summary>Last sync packet from this sender; starts at first sight, so early data waits for the first sync.</summary>
    public long LastSync { get; set; } = firstSeen;

    /// <summary>Levels held for a sync packet; -1 when none.</summary>
    public byte[] SyncHeld { get; } = new byte[DmxFrame.MaxSlots];

    public int SyncHeldLength { get; set; } = -1;

    public ushort SyncAddress { get; set; }

    public bool SyncForce { get; set; }

    /// <summary>Makes <paramref name="slots"/> the levels that count (dropping any held for the 0xDD wait).</summary>
    public void Store(ReadOnlySpan<byte> slots)
    {
        HeldLength = -1;
        slots.CopyTo(Levels);
        LevelsLength = slots.Length;
    }
}
