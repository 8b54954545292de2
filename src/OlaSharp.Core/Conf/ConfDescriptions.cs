// Licensed under the MIT License. See LICENSE in the repository root.
namespace OlaSharp.Core.Conf;

/// <summary>
/// Settings every plugin's conf file has, the description of a plugin that describes nothing else, and the
/// factories of the common kinds of setting (text, number, yes/no, choice) the plugins' descriptions are made of.
/// </summary>
public static class ConfDescriptions
{
    /// <summary>The key every plugin reads (olad's <c>enabled</c>, inserted by <c>Plugin.SetDefaultPreferences</c>).</summary>
    public const string EnabledKey = "enabled";

    /// <summary>The <c>enabled</c> setting, with the plugin's default.</summary>
    public static ConfSetting Enabled(bool byDefault, string? help = null) =>
        Bool(EnabledKey, "Enabled", help ?? "Run this plugin.", byDefault);

    /// <summary>A non-empty text with a default.</summary>
    public static ConfSetting Text(string key, string label, string help, string defaultValue) =>
        new() { Key = key, Label = label, Help = help, Default = defaultValue, Validator = new StringValidator() };

    /// <summary>A whole number in <paramref name="min"/>..<paramref name="max"/> with a default.</summary>
    public static ConfSetting Number(string key, string label, string help, uint min, uint max, string defaultValue) =>
        new() { Key = key, Label = label, Help = help, Kind = SettingKind.Number, Default = defaultValue, Validator = new UIntValidator(min, max) };

    /// <summary>A yes/no setting (<c>true</c>/<c>false</c> in the file) with a default.</summary>
    public static ConfSetting Bool(string key, string label, string help, bool defaultValue) =>
        new() { Key = key, Label = label, Help = help, Kind = SettingKind.Bool, Default = BoolValidator.ToConfString(defaultValue), Validator = BoolValidator.Instance };

    /// <summary>One of <paramref name="values"/>, with a default.</summary>
    public static ConfSetting Choice(string key, string label, string help, string defaultValue, params string[] values) =>
        new() { Key = key, Label = label, Help = help, Kind = SettingKind.Choice, Default = defaultValue, Validator = new SetValidator(values) };

    /// <summary>A file whose only described key is <c>enabled</c> (a plugin without a description of its own).</summary>
    public static ConfDescription EnabledOnly(string prefix, bool byDefault) => new(prefix, [Enabled(byDefault)]);
}
