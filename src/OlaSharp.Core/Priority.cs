// Licensed under the MIT License. See LICENSE in the repository root.
namespace OlaSharp.Core;

/// <summary>Source priority range shared by OLA and sACN.</summary>
public static class Priority
{
    /// <summary>Lowest priority.</summary>
    public const int Min = 0;

    /// <summary>Highest priority (sACN receivers drop packets above it).</summary>
    public const int Max = 200;

    /// <summary>Default priority for every source kind.</summary>
    public const int Default = 100;

    /// <summary>Clamps to 0..200, as olad does for RPC clients (250 becomes 200).</summary>
    public static int Clamp(int value) => Math.Clamp(value, Min, Max);
}
