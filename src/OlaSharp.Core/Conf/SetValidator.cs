// Licensed under the MIT License. See LICENSE in the repository root.
namespace OlaSharp.Core.Conf;

/// <summary>Accepts only one of a fixed set of strings, compared ordinally (case-sensitive).</summary>
public sealed class SetValidator : IConfValidator
{
    private readonly HashSet<string> _values;

    /// <summary>Creates a validator accepting exactly <paramref name="values"/>.</summary>
    public SetValidator(params string[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        _values = new HashSet<string>(values, StringComparer.Ordinal);
    }

    /// <summary>The accepted strings.</summary>
    public IReadOnlySet<string> Values => _values;

    /// <inheritdoc/>
    public string Expected => "one of " + string.Join(", ", _values.Order(StringComparer.Ordinal));

    /// <inheritdoc/>
    public bool IsValid(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return _values.Contains(value);
    }
}
