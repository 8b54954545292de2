// Licensed under the MIT License. See LICENSE in the repository root.
namespace OlaSharp.ArtNet.Packets;

/// <summary>ArtSync (OpCode 0x5200): header, ProtVer 14 (big-endian), Aux1, Aux2 (both 0). 14 bytes.</summary>
public static class ArtSyncPacket
{
    /// <summary>Packet length.</summary>
    public const int Length = 14;

    /// <summary>True for a valid ArtSync (at least 14 bytes, ProtVer ≥ 14); never throws.</summary>
    public static bool TryParse(ReadOnlySpan<byte> packet) => ArtNetHeader.Check(packet, ArtOpCode.Sync, Length);

    /// <summary>Writes an ArtSync; returns 14.</summary>
    public static int Write(Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, Length);
        int n = ArtNetHeader.Write(destination, ArtOpCode.Sync);
        destination[n++] = 0; // Aux1
        destination[n++] = 0; // Aux2
        return n;
    }
}
