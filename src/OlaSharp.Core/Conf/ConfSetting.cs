// Licensed under the MIT License. See LICENSE in the repository root.
using System.Globalization;

namespace OlaSharp.Core.Conf;

/// <summary>
/// One key of a conf file as its reader reads it: the label and help a user sees, the input kind, the
/// default, and the validator the reader itself applies (so the web UI refuses exactly what the reader
/// would replace, with the same words). A per-device setting's key is made from a device name and
/// <see cref="Key"/> by <see cref="ConfDescription.DeviceKey"/> (uartdmx: <c>&lt;path&gt;-break</c>).
/// </summary>
public sealed record ConfSetting
{
    /// <summary>The key (plugin-wide) or the key's suffix (per device).</summary>
    public required string Key { get; init; }

    /// <summary>Short label for the field.</summary>
    public required string Label { get; init; }

    /// <summary>One or two sentences of help: what it does, the unit, the range.</summary>
    public required string Help { get; init; }

    /// <summary>How it is edited.</summary>
    public SettingKind Kind { get; init; } = SettingKind.Text;

    /// <summary>The value a missing key means (and the value written by <see cref="DefaultPolicy.Insert"/>).</summary>
    public string Default { get; init; } = string.Empty;

    /// <summary>The reader's validator. For <see cref="DefaultPolicy.CheckedOnUse"/> the reader warns with its <see cref="IConfValidator.Expected"/>.</summary>
    public IConfValidator Validator { get; init; } = new StringValidator(allowEmpty: true);

    /// <summary>
    /// A stricter check the reader applies when it uses the value (the interface named by <c>ip</c> exists, each
    /// unicast destination parses), warning and using something else when it fails; the web UI refuses such a
    /// value outright. Null when <see cref="Validator"/> is the whole rule.
    /// </summary>
    public IConfValidator? UseValidator { get; init; }

    /// <summary>What the reader does with the key at load.</summary>
    public DefaultPolicy Policy { get; init; } = DefaultPolicy.Insert;

    /// <summary>For <see cref="DefaultPolicy.RemoveIfInvalid"/>: what the warning says is used instead.</summary>
    public string Instead { get; init; } = "the default";

    /// <summary>True for a per-device setting (one key per device, see <see cref="ConfDescription.DeviceKey"/>).</summary>
    public bool PerDevice { get; init; }

    /// <summary>For <see cref="SettingKind.List"/>: one key per value (uartdmx <c>device</c>) rather than one comma-separated value.</summary>
    public bool Repeated { get; init; }

    /// <summary>Never shown (a token): the field says only whether it is set; an empty post leaves it as it is.</summary>
    public bool Secret { get; init; }

    /// <summary>A change takes effect only when the server restarts (a listener's address or port).</summary>
    public bool RestartNeeded { get; init; }

    /// <summary>Suggested values, asked for each time the page is shown (the host's interfaces for <see cref="SettingKind.Ip"/>).</summary>
    public Func<IReadOnlyList<string>>? Suggestions { get; init; }

    /// <summary>The accepted values (a <see cref="SetValidator"/>'s), or the <see cref="Suggestions"/>.</summary>
    public IReadOnlyList<string>? Choices => Suggestions?.Invoke()
        ?? (Validator is SetValidator set ? [.. set.Values.Order(StringComparer.Ordinal)] : null);

    /// <summary>Smallest value of a number, from a <see cref="RangeValidator{T}"/>.</summary>
    public long? Min => Validator switch
    {
        UIntValidator u => u.Min,
        IntValidator i => i.Min,
        _ => null,
    };

    /// <summary>Largest value of a number, from a <see cref="RangeValidator{T}"/>.</summary>
    public long? Max => Validator switch
    {
        UIntValidator u => u.Max,
        IntValidator i => i.Max,
        _ => null,
    };

    /// <summary>Whether the key is written even when nobody set it (an empty posted value is then a value, not "remove").</summary>
    public bool Optional => Policy != DefaultPolicy.Insert;

    /// <summary>
    /// Checks a posted value with the reader's rules; null when it is acceptable, else the message the web UI
    /// shows beside the field: <c>'&lt;value&gt;' is not &lt;expected&gt;</c>, the words of the reader's warning.
    /// </summary>
    public string? Check(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.AsSpan().IndexOfAny('\r', '\n') >= 0)
        {
            return "a value must be on one line";
        }

        if (!Validator.IsValid(value))
        {
            return Refusal(value, Validator);
        }

        return UseValidator is { } use && value.Length != 0 && !use.IsValid(value) ? Refusal(value, use) : null;
    }

    /// <summary>Applies <see cref="Policy"/> to <paramref name="key"/> (this setting's key or a device's key) as the reader does at load.</summary>
    public bool ApplyDefault(ConfFile file, string key)
    {
        ArgumentNullException.ThrowIfNull(file);
        return Policy switch
        {
            DefaultPolicy.Insert => file.SetDefaultValue(key, Validator, Default),
            DefaultPolicy.FixIfPresent => file.FixIfPresent(key, Validator, Default),
            DefaultPolicy.RemoveIfInvalid => file.RemoveIfInvalid(key, Validator, Instead),
            _ => false,
        };
    }

    /// <inheritdoc/>
    public override string ToString() => Key;

    private static string Refusal(string value, IConfValidator validator)
    {
        string shown = value.Length <= 60 ? value : string.Concat(value.AsSpan(0, 57), "...");
        return string.Create(CultureInfo.InvariantCulture, $"'{shown}' is not {validator.Expected}");
    }
}
