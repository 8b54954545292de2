// Licensed under the MIT License. See LICENSE in the repository root.
namespace OlaSharp.Core.Conf;

/// <summary>Accepts any string; the empty string only if <c>allowEmpty</c>.</summary>
/// <param name="allowEmpty">Whether the empty string is valid (OLA's default is false).</param>
public sealed class StringValidator(bool allowEmpty = false) : IConfValidator
{
    /// <summary>Whether the empty string is valid.</summary>
    public bool AllowEmpty { get; } = allowEmpty;

    /// <inheritdoc/>
    public string Expected => AllowEmpty ? "any text" : "a non-empty text";

    /// <inheritdoc/>
    public bool IsValid(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return AllowEmpty || value.Length != 0;
    }
}
