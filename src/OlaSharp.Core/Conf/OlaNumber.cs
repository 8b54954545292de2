// Licensed under the MIT License. See LICENSE in the repository root.
namespace OlaSharp.Core.Conf;

/// <summary>
/// Number parsing with the rules of OLA's non-strict <c>StringToInt</c> (common/utils/StringUtils.cpp,
/// which every validator and plugin uses): <c>strtoll(value, base 10)</c> must consume at least one
/// digit; leading C whitespace and one sign are allowed; trailing characters are ignored; the result
/// must fit the target type (values beyond <see cref="long"/> fail, as strtoll reports ERANGE).
/// </summary>
public static class OlaNumber
{
    /// <summary>Parses as olad's <c>StringToInt(value, unsigned int*)</c>: negative values fail, <c>-0</c> is 0.</summary>
    public static bool TryParseUInt32(string? value, out uint result)
    {
        result = 0;
        if (!TryParsePrefix(value, out long parsed) || parsed < 0 || parsed > uint.MaxValue)
        {
            return false;
        }

        result = (uint)parsed;
        return true;
    }

    /// <summary>Parses as olad's <c>StringToInt(value, int*)</c>.</summary>
    public static bool TryParseInt32(string? value, out int result)
    {
        result = 0;
        if (!TryParsePrefix(value, out long parsed) || parsed < int.MinValue || parsed > int.MaxValue)
        {
            return false;
        }

        result = (int)parsed;
        return true;
    }

    private static bool TryParsePrefix(string? value, out long result)
    {
        result = 0;
        if (string.IsNullOrEmpty(value))
        {
            return false;
        }

        int i = 0;
        while (i < value.Length && IsCSpace(value[i]))
        {
            i++;
        }

        bool negative = false;
        if (i < value.Length && (value[i] == '+' || value[i] == '-'))
        {
            negative = value[i] == '-';
            i++;
        }

        int firstDigit = i;
        ulong magnitude = 0;
        bool overflow = false;
        while (i < value.Length && value[i] is >= '0' and <= '9')
        {
            // Anything above 2^63 is out of range for every caller; stop accumulating there.
            if (!overflow)
            {
                if (magnitude > (ulong.MaxValue - 9) / 10)
                {
                    overflow = true;
                }
                else
                {
                    magnitude = (magnitude * 10) + (ulong)(value[i] - '0');
                    overflow = magnitude > (ulong)long.MaxValue + 1;
                }
            }

            i++;
        }

        if (i == firstDigit || overflow)
        {
            return false;
        }

        if (negative)
        {
            result = magnitude == (ulong)long.MaxValue + 1 ? long.MinValue : -(long)magnitude;
            return true;
        }

        if (magnitude > long.MaxValue)
        {
            return false;
        }

        result = (long)magnitude;
        return true;
    }

    // isspace() in the C locale.
    private static bool IsCSpace(char c) => c is ' ' or '\t' or '\n' or '\v' or '\f' or '\r';
}
