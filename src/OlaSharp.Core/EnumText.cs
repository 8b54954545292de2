// Licensed under the MIT License. See LICENSE in the repository root.
namespace OlaSharp.Core;

/// <summary>Reads the name of an enum member written in a conf file or on the command line.</summary>
internal static class EnumText
{
    /// <summary>
    /// Parses a member's name, case-insensitive, surrounding white space ignored (<c>Fixed</c>: <c>fixed</c>,
    /// <c> FIXED </c>). Numbers, combinations and unknown names give false and <paramref name="fallback"/>.
    /// </summary>
    public static bool TryParseName<T>(string? text, T fallback, out T value)
        where T : struct, Enum
    {
        string? name = text?.Trim();
        foreach (T member in Enum.GetValues<T>())
        {
            if (string.Equals(member.ToString(), name, StringComparison.OrdinalIgnoreCase))
            {
                value = member;
                return true;
            }
        }

        value = fallback;
        return false;
    }
}
