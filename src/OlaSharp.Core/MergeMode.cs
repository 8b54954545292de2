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

/// <summary>
/// A universe's failsafe mode: what its merged frame becomes when its data is lost (the last source goes
/// away, or <see cref="FailsafeSettings.After"/> passes after the last frame). See <see cref="Universe.Failsafe"/>.
/// </summary>
public enum LossPolicy
{
    /// <summary>Keep the last merged frame (OLA's behaviour).</summary>
    Hold = 0,

    /// <summary>Set every slot to zero, keeping the length.</summary>
    Blackout = 1,

    /// <summary>Set every slot to 255, keeping the length (512 slots when there is none).</summary>
    Full = 2,

    /// <summary>A named scene of the universe: its slots and its length (<see cref="FailsafeSettings.Scene"/>).</summary>
    Scene = 3,
}

/// <summary>Parsing helpers for the text forms used in OLA's conf files and our own.</summary>
public static class MergeModeText
{
    /// <summary>OLA's rule for <c>uni_N_merge</c>: "HTP" is HTP, any other non-empty value is LTP, absent is LTP.</summary>
    public static MergeMode FromOlaConf(string? value) =>
        string.Equals(value, "HTP", StringComparison.Ordinal) ? MergeMode.Htp : MergeMode.Ltp;

    /// <summary>The text OLA writes.</summary>
    public static string ToOlaConf(MergeMode mode) => mode == MergeMode.Htp ? "HTP" : "LTP";

    /// <summary>Parses a failsafe mode name (<c>hold</c>, <c>blackout</c>, <c>full</c> or <c>scene</c>, case-insensitive).</summary>
    public static bool TryParseFailsafeMode(string? value, out LossPolicy mode) =>
        EnumText.TryParseName(value, LossPolicy.Hold, out mode);

    /// <summary>
    /// Parses a server-wide default (<c>--loss-policy</c>, <c>universe_loss_policy</c>): <c>hold</c>,
    /// <c>blackout</c> or <c>full</c>; <c>scene</c> is refused, a scene belongs to one universe.
    /// </summary>
    public static bool TryParseLossPolicy(string? value, out LossPolicy policy)
    {
        if (EnumText.TryParseName(value, LossPolicy.Hold, out policy) && policy != LossPolicy.Scene)
        {
            return true;
        }

        policy = LossPolicy.Hold;
        return false;
    }

    /// <summary>The text used in conf files and APIs: <c>hold</c>, <c>blackout</c>, <c>full</c>, <c>scene</c>.</summary>
    public static string ToText(LossPolicy mode) => mode switch
    {
        LossPolicy.Blackout => "blackout",
        LossPolicy.Full => "full",
        LossPolicy.Scene => "scene",
        _ => "hold",
    };
}
