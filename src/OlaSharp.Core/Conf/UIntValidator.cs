// Licensed under the MIT License. See LICENSE in the repository root.
namespace OlaSharp.Core.Conf;

/// <summary>
/// Accepts an unsigned decimal in [<c>min</c>, <c>max</c>], parsed the way olad parses it:
/// strtoll prefix rules, so <c>3x</c> is valid as 3 and <c>+3</c> as 3, but <c>-1</c>, <c>x3</c> and
/// the empty string are not (see <see cref="OlaNumber"/>; <c>output_ports = 3x</c> was verified to be
/// kept by olad 0.10.9).
/// </summary>
public sealed class UIntValidator : IConfValidator
{
    /// <summary>Creates a validator for [<paramref name="min"/>, <paramref name="max"/>], both inclusive.</summary>
    public UIntValidator(uint min, uint max)
    {
        if (min > max)
        {
            throw new ArgumentOutOfRangeException(nameof(min), min, "min must not be greater than max.");
        }

        Min = min;
        Max = max;
    }

    /// <summary>Smallest valid value.</summary>
    public uint Min { get; }

    /// <summary>Largest valid value.</summary>
    public uint Max { get; }

    /// <inheritdoc/>
    public string Expected => $"an integer {Min}..{Max}";

    /// <inheritdoc/>
    public bool IsValid(string value) =>
        OlaNumber.TryParseUInt32(value, out uint parsed) && parsed >= Min && parsed <= Max;
}
