// Licensed under the MIT License. See LICENSE in the repository root.
namespace OlaSharp.Core.Conf;

/// <summary>
/// Accepts a signed decimal in [<c>min</c>, <c>max</c>], parsed with olad's lenient prefix rules
/// (see <see cref="OlaNumber"/>).
/// </summary>
/// <param name="min">Smallest valid value.</param>
/// <param name="max">Largest valid value.</param>
public sealed class IntValidator(int min, int max) : RangeValidator<int>(min, max)
{
    /// <inheritdoc/>
    protected override bool TryParse(string value, out int parsed) => OlaNumber.TryParseInt32(value, out parsed);
}
