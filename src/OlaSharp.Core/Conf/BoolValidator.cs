// Licensed under the MIT License. See LICENSE in the repository root.
namespace OlaSharp.Core.Conf;

/// <summary>
/// Accepts only the exact strings <c>true</c> and <c>false</c>; <c>TRUE</c>, <c>1</c> or <c>yes</c>
/// are invalid and get replaced by the default (verified against olad 0.10.9).
/// </summary>
public sealed class BoolValidator : IConfValidator
{
    /// <summary>The only string read as true.</summary>
    public const string True = "true";

    /// <summary>The string written for false.</summary>
    public const string False = "false";

    /// <summary>Shared instance; the validator has no state.</summary>
    public static BoolValidator Instance { get; } = new();

    /// <inheritdoc/>
    public bool IsValid(string value) => value is True or False;

    /// <inheritdoc/>
    public string Expected => "true or false";

    /// <summary>The config string for <paramref name="value"/>.</summary>
    public static string ToConfString(bool value) => value ? True : False;
}
