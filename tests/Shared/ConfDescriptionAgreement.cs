// Licensed under the MIT License. See LICENSE in the repository root.
using System.Globalization;
using System.Text.RegularExpressions;
using OlaSharp.Core.Conf;

namespace OlaSharp.Tests.Shared;

/// <summary>
/// Checks that a conf description and its reader agree: for every described key that has a value the reader
/// refuses, the reader warns about it and the settings page refuses it with the same words
/// (<c>'&lt;value&gt;' is not &lt;expected&gt;</c>), and every key the reader writes is described.
/// </summary>
internal static partial class ConfDescriptionAgreement
{
    /// <summary>A value <paramref name="setting"/>'s validator refuses, or null when it takes anything.</summary>
    public static string? BadValue(ConfSetting setting)
    {
        if (setting.Max is long max && max < uint.MaxValue)
        {
            return (max + 1).ToString(CultureInfo.InvariantCulture);
        }

        string[] candidates = ["yes", "bogus", "1.2.3", string.Empty, "x"];
        return candidates.FirstOrDefault(c => !setting.Validator.IsValid(c) && (setting.Optional ? c.Length != 0 : true));
    }

    /// <summary>
    /// Writes every refusable key (plugin-wide and for <paramref name="device"/>) with a bad value, runs
    /// <paramref name="reader"/> over it, and compares the warnings with what the page says.
    /// </summary>
    /// <param name="description">The description under test.</param>
    /// <param name="device">A device name for the per-device keys (null when there are none).</param>
    /// <param name="baseText">Keys the file needs first (e.g. <c>device = /dev/x</c>).</param>
    /// <param name="reader">Reads the file as the plugin does and returns the warning lines.</param>
    public static void AssertReaderAgrees(ConfDescription description, string? device, string baseText, Func<string, IReadOnlyList<string>> reader)
    {
        var bad = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (ConfSetting s in description.Settings)
        {
            if (s.Key == ConfDescriptions.EnabledKey || (s.PerDevice && device is null) || BadValue(s) is not string value)
            {
                continue;
            }

            bad[s.PerDevice ? description.DeviceKey(device!, s) : s.Key] = value;
        }

        Assert.NotEmpty(bad);
        string text = baseText + string.Concat(bad.Select(b => $"{b.Key} = {b.Value}\n"));
        IReadOnlyList<string> warnings = reader(text);
        foreach ((string key, string value) in bad)
        {
            ConfSetting setting = description.Find(key) ?? description.Settings.First(s => s.PerDevice && description.DeviceKey(device!, s) == key);
            string? refusal = setting.Check(value);
            Assert.True(refusal is not null, $"{key} = '{value}': the page accepts it");
            string? warning = warnings.FirstOrDefault(w => w.Contains($" {key} = ", StringComparison.Ordinal));
            Assert.True(warning is not null, $"{key} = '{value}': the page refuses it ({refusal}) but the reader did not warn. Warnings:\n{string.Join("\n", warnings)}");
            Match m = WarningText().Match(warning!);
            Assert.True(m.Success, warning);
            Assert.Equal(refusal, $"'{m.Groups["value"].Value}' is not {m.Groups["expected"].Value}");
        }
    }

    /// <summary>Asserts that every key in <paramref name="written"/> (what the reader wrote into an empty file) is described.</summary>
    public static void AssertDescribed(ConfDescription description, ConfFile written, string? device = null)
    {
        foreach (KeyValuePair<string, string> entry in written.Entries)
        {
            bool described = description.Find(entry.Key) is not null
                || (device is not null && description.Settings.Any(s => s.PerDevice && description.DeviceKey(device, s) == entry.Key));
            Assert.True(described, $"{entry.Key} is written by the reader but not described");
        }
    }

    [GeneratedRegex(@" = '(?<value>.*)' is not (?<expected>.*); using ")]
    private static partial Regex WarningText();
}
