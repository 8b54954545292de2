// Licensed under the MIT License. See LICENSE in the repository root.
namespace OlaSharp.Core;

/// <summary>
/// One DMX512 packet: a start code and 0..512 slots. The length is kept as received:
/// OLA never pads to 512 (a 3-slot frame stays 3 slots on every output).
/// The buffer is allocated once; every mutator copies into it, so a frame can be reused per tick.
/// </summary>
public sealed class DmxFrame
{
    /// <summary>The most slots a DMX512 packet carries after its start code.</summary>
    public const int MaxSlots = 512;

    /// <summary>The NULL start code: slot data are dimmer levels.</summary>
    public const byte NullStartCode = 0x00;

    private readonly byte[] _slots = new byte[MaxSlots];

    /// <summary>The start code (0 for level data).</summary>
    public byte StartCode { get; set; }

    /// <summary>Number of valid slots, 0..512.</summary>
    public int Length { get; private set; }

    /// <summary>The valid slots.</summary>
    public ReadOnlySpan<byte> Slots => _slots.AsSpan(0, Length);

    /// <summary>The valid slots as memory (for APIs that need it); no copy.</summary>
    public ReadOnlyMemory<byte> Memory => _slots.AsMemory(0, Length);

    /// <summary>The whole 512-slot backing buffer, for writers that fill in place before <see cref="SetLength"/>.</summary>
    public Span<byte> Buffer => _slots;

    /// <summary>Copies <paramref name="slots"/> (cut to 512) and sets the length to match.</summary>
    public void Set(ReadOnlySpan<byte> slots, byte startCode = NullStartCode)
    {
        if (slots.Length > MaxSlots)
        {
            slots = slots[..MaxSlots];
        }

        slots.CopyTo(_slots);
        Length = slots.Length;
        StartCode = startCode;
    }

    /// <summary>Copies another frame into this one.</summary>
    public void CopyFrom(DmxFrame other)
    {
        ArgumentNullException.ThrowIfNull(other);
        Set(other.Slots, other.StartCode);
    }

    /// <summary>Sets the length after writing through <see cref="Buffer"/>.</summary>
    public void SetLength(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, MaxSlots);
        Length = length;
    }

    /// <summary>Empties the frame (length 0, start code 0).</summary>
    public void Clear()
    {
        Length = 0;
        StartCode = NullStartCode;
    }

    /// <summary>True when both frames hold the same start code, length and slots.</summary>
    public bool ContentEquals(DmxFrame other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return StartCode == other.StartCode && Slots.SequenceEqual(other.Slots);
    }

    /// <inheritdoc />
    public override string ToString() => $"DmxFrame(sc={StartCode:X2}, {Length} slots)";
}
