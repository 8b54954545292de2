// Licensed under the MIT License. See LICENSE in the repository root.
namespace OlaSharp.Core.Conf;

/// <summary>
/// Orders keys as olad's <c>std::multimap&lt;std::string, std::string&gt;</c> does: by unsigned bytes
/// of the UTF-8 encoding, which is Unicode code point order. This equals <see cref="StringComparer.Ordinal"/>
/// except that UTF-16 surrogates (code points above U+FFFF) must sort after U+E000..U+FFFF.
/// </summary>
internal sealed class ConfKeyComparer : IComparer<string>
{
    public static ConfKeyComparer Instance { get; } = new();

    public int Compare(string? x, string? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        if (x is null)
        {
            return -1;
        }

        if (y is null)
        {
            return 1;
        }

        int length = Math.Min(x.Length, y.Length);
        for (int i = 0; i < length; i++)
        {
            char a = x[i];
            char b = y[i];
            if (a != b)
            {
                return FixUp(a) - FixUp(b);
            }
        }

        return x.Length - y.Length;
    }

    // Moves surrogates (D800..DFFF) above E000..FFFF so UTF-16 order becomes code point order.
    private static int FixUp(char c) => c < 0xD800 ? c : c >= 0xE000 ? c - 0x800 : c + 0x2000;
}
