// Licensed under the MIT License. See LICENSE in the repository root.
namespace OlaSharp.Core;

/// <summary>How sources at the winning priority are combined. Values match OLA's proto enum.</summary>
public enum MergeMode
{
    /// <summary>Highest takes precedence: per-slot maximum, length of the longest source.</summary>
    Htp = 1,

    /// <summary>Latest takes precedence: the newest source's whole frame (OLA's default).</summary>
    Ltp = 2,
}

/// <summary>What a universe does when its last live source goes away.</summary>
public enum LossPolicy
{
    /// <summary>Keep the last merged frame (OLA's behaviour).</summary>
    Hold = 0,

    /// <summary>Set every slot to zero, keeping the length.</summary>
    Blackout = 1,
}

/// <summary>Parsing helpers for the text forms used in OLA's conf files and our own.</summary>
public static class MergeModeText
{
    /// <summary>OLA's rule for <c>uni_N_merge</c>: "HTP" is HTP, any other non-empty value is LTP, absent is LTP.</summary>
    public static MergeMode FromOlaConf(string? value) =>
        string.Equals(value, "HTP", StringComparison.Ordinal) ? MergeMode.Htp : MergeMode.Ltp;

    /// <summary>The text OLA writes.</summary>
    public static string ToOlaConf(MergeMode mode) => mode == MergeMode.Htp ? "HTP" : "LTP";

    /// <summary>Parses a loss policy name (<c>hold</c> or <c>blackout</c>, case-insensitive).</summary>
    public static bool TryParseLossPolicy(string? value, out LossPolicy policy) =>
        EnumText.TryParseName(value, LossPolicy.Hold, out policy);
}
