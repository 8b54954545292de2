// Licensed under the MIT License. See LICENSE in the repository root.
namespace OlaSharp.Core.Conf;

/// <summary>
/// Accepts a dotted quad as olad's <c>IPv4Validator</c> does: exactly four <c>.</c>-separated parts,
/// each an unsigned number up to 255 with the lenient prefix rules of <see cref="OlaNumber"/>
/// (so <c>1x.2.3.4</c> passes, <c>1..2.3</c> and <c>1.2.3.4.</c> do not). The empty string is valid
/// only if <c>allowEmpty</c>. Note: olad's Art-Net and E1.31 <c>ip</c> keys use
/// <c>StringValidator(true)</c>, not this, because they also accept interface names.
/// </summary>
/// <param name="allowEmpty">Whether the empty string is valid (OLA's default is true).</param>
public sealed class IPv4Validator(bool allowEmpty = true) : IConfValidator
{
    /// <summary>Whether the empty string is valid.</summary>
    public bool AllowEmpty { get; } = allowEmpty;

    /// <inheritdoc/>
    public string Expected => AllowEmpty ? "an IPv4 address or nothing" : "an IPv4 address";

    /// <inheritdoc/>
    public bool IsValid(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length == 0)
        {
            return AllowEmpty;
        }

        string[] parts = value.Split('.');
        if (parts.Length != 4)
        {
            return false;
        }

        foreach (string part in parts)
        {
            if (!OlaNumber.TryParseUInt32(part, out uint octet) || octet > byte.MaxValue)
            {
                return false;
            }
        }

        return true;
    }
}
