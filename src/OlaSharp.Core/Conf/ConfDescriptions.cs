// Licensed under the MIT License. See LICENSE in the repository root.
namespace OlaSharp.Core.Conf;

/// <summary>Settings every plugin's conf file has, and the description of a plugin that describes nothing else.</summary>
public static class ConfDescriptions
{
    /// <summary>The key every plugin reads (olad's <c>enabled</c>, inserted by <c>Plugin.SetDefaultPreferences</c>).</summary>
    public const string EnabledKey = "enabled";

    /// <summary>The <c>enabled</c> setting, with the plugin's default.</summary>
    public static ConfSetting Enabled(bool byDefault, string? help = null) => new()
    {
        Key = EnabledKey,
        Label = "Enabled",
        Help = help ?? "Run this plugin.",
        Kind = SettingKind.Bool,
        Default = BoolValidator.ToConfString(byDefault),
        Validator = BoolValidator.Instance,
    };

    /// <summary>A file whose only described key is <c>enabled</c> (a plugin without a description of its own).</summary>
    public static ConfDescription EnabledOnly(string prefix, bool byDefault) => new(prefix, [Enabled(byDefault)]);
}
