// Licensed under the MIT License. See LICENSE in the repository root.
namespace OlaSharp.Core.Conf;

/// <summary>
/// Accepts a signed decimal in [<c>min</c>, <c>max</c>], parsed with olad's lenient prefix rules
/// (see <see cref="OlaNumber"/>).
/// </summary>
public sealed class IntValidator : IConfValidator
{
    /// <summary>Creates a validator for [<paramref name="min"/>, <paramref name="max"/>], both inclusive.</summary>
    public IntValidator(int min, int max)
    {
        if (min > max)
        {
            throw new ArgumentOutOfRangeException(nameof(min), min, "min must not be greater than max.");
        }

        Min = min;
        Max = max;
    }

    /// <summary>Smallest valid value.</summary>
    public int Min { get; }

    /// <summary>Largest valid value.</summary>
    public int Max { get; }

    /// <inheritdoc/>
    public string Expected => $"an integer {Min}..{Max}";

    /// <inheritdoc/>
    public bool IsValid(string value) =>
        OlaNumber.TryParseInt32(value, out int parsed) && parsed >= Min && parsed <= Max;
}
