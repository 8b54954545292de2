// Licensed under the MIT License. See LICENSE in the repository root.
namespace OlaSharp.Core;

/// <summary>
/// A universe's failsafe: what its merged frame becomes when its data is lost.
/// </summary>
/// <param name="Mode">Hold, blackout, full or a scene.</param>
/// <param name="After">
/// Null: the failsafe acts when the last source goes away (expires on its own timeout or is removed).
/// Set: it acts at the last frame from any source plus this, whether or not the sources' own timeouts have
/// passed (a client without a timeout that stopped sending; "hold the look for a minute, then blackout").
/// </param>
/// <param name="Scene">The scene's name for <see cref="LossPolicy.Scene"/>; null otherwise.</param>
public readonly record struct FailsafeSettings(LossPolicy Mode, TimeSpan? After = null, string? Scene = null)
{
    /// <summary>Longest <see cref="After"/> accepted: one day.</summary>
    public static readonly TimeSpan MaxAfter = TimeSpan.FromDays(1);
}

/// <summary>What a universe's failsafe is doing now.</summary>
/// <param name="Active">True while the failsafe's frame is the merged frame (no source has sent since it acted).</param>
/// <param name="Mode">The mode that acted (meaningful while <paramref name="Active"/>).</param>
/// <param name="Since">When it acted (wall clock), null when not active.</param>
/// <param name="StartupSceneShown">True while the startup scene is the merged frame (no source has sent yet).</param>
/// <param name="Activations">How many times the failsafe has acted since the universe was created.</param>
public readonly record struct FailsafeStatus(bool Active, LossPolicy Mode, DateTimeOffset? Since, bool StartupSceneShown, long Activations);

/// <summary>A named scene of a universe: captured slots.</summary>
/// <param name="Name">1-32 characters of [A-Za-z0-9_-].</param>
/// <param name="Slots">The slot values (a copy).</param>
public sealed record SceneInfo(string Name, byte[] Slots);

/// <summary>Why a failsafe or scene request was refused.</summary>
public enum FailsafeError
{
    /// <summary>Done.</summary>
    None,

    /// <summary>No such universe.</summary>
    UniverseNotFound,

    /// <summary>A bad value (scene name, mode, after).</summary>
    InvalidArgument,

    /// <summary>The universe has no scene of that name.</summary>
    SceneNotFound,

    /// <summary>The request cannot be done in the current state (a scene in use, nothing to capture).</summary>
    FailedPrecondition,
}

/// <summary>The answer to a failsafe or scene request: <see cref="FailsafeError.None"/> or the reason, in words a user understands.</summary>
/// <param name="Error">What went wrong, or <see cref="FailsafeError.None"/>.</param>
/// <param name="Message">Empty when done; else the reason.</param>
public readonly record struct FailsafeResult(FailsafeError Error, string Message)
{
    /// <summary>Done.</summary>
    public static FailsafeResult Done => new(FailsafeError.None, string.Empty);

    /// <summary>True when done.</summary>
    public bool Ok => Error == FailsafeError.None;
}

/// <summary>Scene name rules.</summary>
public static class SceneNames
{
    /// <summary>Longest name.</summary>
    public const int MaxLength = 32;

    /// <summary>The rule, for messages.</summary>
    public const string Rule = "1 to 32 characters, letters A-Z a-z, digits, '_' or '-'";

    /// <summary>True for 1-32 characters of [A-Za-z0-9_-] (they become part of a conf key, <c>uni_N_scene_NAME</c>).</summary>
    public static bool IsValid(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > MaxLength)
        {
            return false;
        }

        foreach (char c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '_' && c != '-')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The message for an invalid name.</summary>
    public static string Invalid(string? name) =>
        $"scene name '{name}' is not valid: use {Rule}";
}
