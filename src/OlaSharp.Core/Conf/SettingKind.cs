// Licensed under the MIT License. See LICENSE in the repository root.
namespace OlaSharp.Core.Conf;

/// <summary>How a conf setting is shown and edited (the web UI's input type). Written in JSON in lower case.</summary>
public enum SettingKind
{
    /// <summary>Free text.</summary>
    Text,

    /// <summary>An integer (with <see cref="ConfSetting.Min"/> and <see cref="ConfSetting.Max"/> when the validator has a range).</summary>
    Number,

    /// <summary><c>true</c> or <c>false</c>.</summary>
    Bool,

    /// <summary>One of <see cref="ConfSetting.Choices"/>.</summary>
    Choice,

    /// <summary>Several values: repeated keys (<see cref="ConfSetting.Repeated"/>) or one comma-separated value.</summary>
    List,

    /// <summary>An IPv4 address or an interface name of this host (suggestions in <see cref="ConfSetting.Choices"/>).</summary>
    Ip,
}

/// <summary>What a conf reader does with a setting at load, as olad's <c>SetDefaultPreferences</c> does.</summary>
public enum DefaultPolicy
{
    /// <summary><see cref="ConfFile.SetDefaultValue"/>: inserted when missing, reset when invalid (olad's keys).</summary>
    Insert,

    /// <summary><see cref="ConfFile.FixIfPresent"/>: never inserted; reset to the default when present and invalid.</summary>
    FixIfPresent,

    /// <summary><see cref="ConfFile.RemoveIfInvalid"/>: never inserted; removed when present and invalid (absence means something).</summary>
    RemoveIfInvalid,

    /// <summary>Not touched at load; the reader checks it where it uses it, with <see cref="ConfSetting.Validator"/>.</summary>
    CheckedOnUse,
}
