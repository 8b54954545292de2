// Licensed under the MIT License. See LICENSE in the repository root.
namespace OlaSharp.Core.Conf;

/// <summary>
/// Accepts an unsigned decimal in [<c>min</c>, <c>max</c>], parsed the way olad parses it:
/// strtoll prefix rules, so <c>3x</c> is valid as 3 and <c>+3</c> as 3, but <c>-1</c>, <c>x3</c> and
/// the empty string are not (see <see cref="OlaNumber"/>; <c>output_ports = 3x</c> was verified to be
/// kept by olad 0.10.9).
/// </summary>
/// <param name="min">Smallest valid value.</param>
/// <param name="max">Largest valid value.</param>
public sealed class UIntValidator(uint min, uint max) : RangeValidator<uint>(min, max)
{
    /// <inheritdoc/>
    protected override bool TryParse(string value, out uint parsed) => OlaNumber.TryParseUInt32(value, out parsed);
}
