// Licensed under the MIT License. See LICENSE in the repository root.
namespace OlaSharp.Core.Conf;

/// <summary>
/// Checks a config value, as OLA's <c>Validator</c> classes do (olad/plugin_api/Preferences.cpp).
/// Used by <see cref="ConfFile.SetDefaultValue"/>.
/// </summary>
public interface IConfValidator
{
    /// <summary>Returns true if <paramref name="value"/> is acceptable.</summary>
    bool IsValid(string value);

    /// <summary>What a valid value looks like, for the warning that replaces an invalid one (e.g. <c>an integer 0..127</c>).</summary>
    string Expected => "a valid value";
}
