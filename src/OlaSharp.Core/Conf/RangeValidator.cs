// Licensed under the MIT License. See LICENSE in the repository root.
namespace OlaSharp.Core.Conf;

/// <summary>
/// Accepts a number in [<c>min</c>, <c>max</c>], both inclusive, parsed by the derived type with olad's
/// lenient prefix rules (see <see cref="OlaNumber"/>). The one range check behind
/// <see cref="IntValidator"/> and <see cref="UIntValidator"/>.
/// </summary>
/// <typeparam name="T">The number type.</typeparam>
public abstract class RangeValidator<T> : IConfValidator
    where T : struct, IComparable<T>
{
    /// <summary>Creates a validator for [<paramref name="min"/>, <paramref name="max"/>], both inclusive.</summary>
    protected RangeValidator(T min, T max)
    {
        if (min.CompareTo(max) > 0)
        {
            throw new ArgumentOutOfRangeException(nameof(min), min, "min must not be greater than max.");
        }

        Min = min;
        Max = max;
    }

    /// <summary>Smallest valid value.</summary>
    public T Min { get; }

    /// <summary>Largest valid value.</summary>
    public T Max { get; }

    /// <inheritdoc/>
    public string Expected => $"an integer {Min}..{Max}";

    /// <inheritdoc/>
    public bool IsValid(string value) =>
        TryParse(value, out T parsed) && parsed.CompareTo(Min) >= 0 && parsed.CompareTo(Max) <= 0;

    /// <summary>Parses <paramref name="value"/> as olad would; false when it is not a number of this type.</summary>
    protected abstract bool TryParse(string value, out T parsed);
}
