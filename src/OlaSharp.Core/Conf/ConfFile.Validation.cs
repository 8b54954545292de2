// Licensed under the MIT License. See LICENSE in the repository root.
namespace OlaSharp.Core.Conf;

// Typed reads and validation: the one place every conf reader goes through to check a value and, when it
// is not used as written, to say so in one warning naming the file, key, value and replacement.
public sealed partial class ConfFile
{
    /// <summary>
    /// The first value read as a bool: exactly <c>true</c> is true, exactly <c>false</c> is false,
    /// anything else (including <c>TRUE</c>) or a missing key gives <paramref name="defaultValue"/>.
    /// </summary>
    public bool GetBool(string key, bool defaultValue) => Get(key) switch
    {
        BoolValidator.True => true,
        BoolValidator.False => false,
        _ => defaultValue,
    };

    /// <summary>
    /// The first value as an int, parsed like olad's non-strict <c>StringToInt</c> (so <c>3x</c> is 3),
    /// or null if the key is missing or the value has no leading number in range.
    /// </summary>
    public int? GetInt(string key) => OlaNumber.TryParseInt32(Get(key), out int value) ? value : null;

    /// <summary>
    /// olad's <c>Preferences::SetDefaultValue</c>: if <paramref name="key"/> is missing or its first value
    /// fails <paramref name="validator"/>, <see cref="Set"/> it to <paramref name="defaultValue"/> (erasing
    /// every copy) and return true; otherwise leave it alone and return false. Later copies are never checked.
    /// </summary>
    /// A present but invalid value is replaced with one warning naming the file, key, value and default
    /// (see <see cref="WarnInvalid"/>); a missing key is inserted silently, as olad does.
    public bool SetDefaultValue(string key, IConfValidator validator, string defaultValue)
    {
        ArgumentNullException.ThrowIfNull(validator);
        string? current = Get(key);
        if (current is not null && validator.IsValid(current))
        {
            return false;
        }

        if (current is not null)
        {
            WarnInvalid(key, current, validator.Expected, Quote(defaultValue));
        }

        Set(key, defaultValue);
        return true;
    }

    /// <summary>
    /// For optional keys (not written by default): if <paramref name="key"/> is present and its first value
    /// fails <paramref name="validator"/>, replace it with <paramref name="defaultValue"/> and warn once; a
    /// missing key stays missing. Returns true when the file changed.
    /// </summary>
    public bool FixIfPresent(string key, IConfValidator validator, string defaultValue) =>
        Contains(key) && SetDefaultValue(key, validator, defaultValue);

    /// <summary>
    /// For optional keys whose absence means something: if <paramref name="key"/> is present, not empty and
    /// invalid, remove it and warn once that <paramref name="instead"/> is used. Returns true when the file changed.
    /// </summary>
    public bool RemoveIfInvalid(string key, IConfValidator validator, string instead)
    {
        ArgumentNullException.ThrowIfNull(validator);
        string? current = Get(key);
        if (string.IsNullOrEmpty(current) || validator.IsValid(current))
        {
            return false;
        }

        WarnInvalid(key, current, validator.Expected, instead);
        Remove(key);
        return true;
    }

    /// <summary>
    /// The one warning every config reader gives when it does not use a value as written:
    /// <c>&lt;file&gt;: &lt;key&gt; = '&lt;value&gt;' is not &lt;expected&gt;; using &lt;replacement&gt;</c>.
    /// Use it for values checked outside <see cref="SetDefaultValue"/> (an interface that does not exist, a
    /// merge mode, a saved patch), so every reader says it the same way.
    /// </summary>
    /// <param name="key">The key as written in the file.</param>
    /// <param name="value">The value found.</param>
    /// <param name="expected">What a valid value is, e.g. <c>an integer 0..127</c>.</param>
    /// <param name="replacement">What is used instead, e.g. <c>'44'</c> or <c>no patch</c>.</param>
    public void WarnInvalid(string key, string value, string expected, string replacement)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        Log.ValueReplaced(Logger, DisplayName, key, Shorten(value), expected, replacement);
    }

    /// <summary>A value as the warnings show it: in single quotes.</summary>
    public static string Quote(string value) => "'" + value + "'";

    // A value from a junk file can be a megabyte long; a log line shows its start.
    private static string Shorten(string text) => text.Length <= 120 ? text : string.Concat(text.AsSpan(0, 117), "...");
}
