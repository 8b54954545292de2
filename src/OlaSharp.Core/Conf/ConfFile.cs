// Licensed under the MIT License. See LICENSE in the repository root.
using System.Collections.ObjectModel;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace OlaSharp.Core.Conf;

/// <summary>
/// One OLA preferences file (<c>ola-&lt;prefix&gt;.conf</c>) as an ordered multimap, following olad 0.10.9's
/// <c>FileBackedPreferences</c> (olad/plugin_api/Preferences.cpp) rule for rule; see ola-behaviour.md §1.1.
/// Entries are kept sorted by key in UTF-8 byte order; copies of one key stay in insertion (file) order.
/// Not thread-safe: guard it externally if several threads use one instance.
/// </summary>
public sealed class ConfFile
{
    // Only these are trimmed (OLA StringTrim); \v and \f are not.
    private static readonly char[] s_trimChars = [' ', '\t', '\r', '\n'];
    private static readonly UTF8Encoding s_utf8 = new(encoderShouldEmitUTF8Identifier: false);

    private readonly List<KeyValuePair<string, string>> _entries = [];
    private readonly ReadOnlyCollection<KeyValuePair<string, string>> _readOnlyEntries;

    /// <summary>Creates an empty file with no <see cref="Path"/>.</summary>
    public ConfFile()
    {
        _readOnlyEntries = _entries.AsReadOnly();
    }

    /// <summary>The path given to <see cref="Load"/>, or null for a file built in memory or by <see cref="Parse"/>.</summary>
    public string? Path { get; private set; }

    /// <summary>Number of entries, counting every copy of a key.</summary>
    public int Count => _entries.Count;

    /// <summary>All entries in save order: keys in UTF-8 byte order, copies of a key in insertion order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Entries => _readOnlyEntries;

    /// <summary>
    /// Parses file text with olad's rules: lines end at <c>\n</c> only; each is trimmed of space, tab,
    /// CR and LF; empty lines and lines starting with <c>#</c> are skipped (no inline comments); the
    /// line must split on <c>=</c> into exactly two fields, else it is skipped with a warning; key and
    /// value are trimmed, and the value may be empty.
    /// </summary>
    /// <param name="text">File content.</param>
    /// <param name="sourceName">File name for diagnostics.</param>
    /// <param name="logger">Receives one warning per skipped line.</param>
    public static ConfFile Parse(string text, string? sourceName = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        var file = new ConfFile();
        file.ParseInto(text, sourceName ?? "(text)", logger ?? NullLogger.Instance);
        return file;
    }

    /// <summary>
    /// Reads <paramref name="path"/> as UTF-8 and parses it. A missing file gives an empty file (as olad,
    /// which then writes defaults). An unreadable one (no permission, a directory, an I/O error) also
    /// gives an empty file, plus one error log entry naming it. <see cref="Path"/> is set either way.
    /// </summary>
    public static ConfFile Load(string path, ILogger? logger = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ILogger log = logger ?? NullLogger.Instance;
        var file = new ConfFile { Path = path };
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            ConfLog.FileMissing(log, path);
            return file;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            ConfLog.FileUnreadable(log, path, ex.Message, ex);
            return file;
        }

        // GetString keeps a BOM as U+FEFF in the first key, as olad would keep the bytes.
        file.ParseInto(s_utf8.GetString(bytes), path, log);
        return file;
    }

    /// <summary>Writes <see cref="Serialize"/> to <paramref name="path"/> atomically (see <see cref="AtomicFile"/>).</summary>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        AtomicFile.WriteAllText(path, Serialize());
    }

    /// <summary>
    /// The file as olad writes it: every entry as <c>key = value\n</c> in <see cref="Entries"/> order,
    /// comments dropped. An empty value leaves a trailing space (<c>ip = </c>); an empty file is "".
    /// </summary>
    public string Serialize()
    {
        var sb = new StringBuilder(_entries.Count * 24);
        foreach (KeyValuePair<string, string> entry in _entries)
        {
            sb.Append(entry.Key).Append(" = ").Append(entry.Value).Append('\n');
        }

        return sb.ToString();
    }

    /// <summary>The first value of <paramref name="key"/>, or null if absent.</summary>
    public string? Get(string key)
    {
        int index = LowerBound(key);
        return index < _entries.Count && IsKey(index, key) ? _entries[index].Value : null;
    }

    /// <summary>Every value of <paramref name="key"/> in file order (multi-valued keys such as uartdmx <c>device</c>).</summary>
    public IReadOnlyList<string> GetAll(string key)
    {
        int index = LowerBound(key);
        var values = new List<string>();
        while (index < _entries.Count && IsKey(index, key))
        {
            values.Add(_entries[index].Value);
            index++;
        }

        return values;
    }

    /// <summary>Whether <paramref name="key"/> has at least one value.</summary>
    public bool Contains(string key)
    {
        int index = LowerBound(key);
        return index < _entries.Count && IsKey(index, key);
    }

    /// <summary>Erases every copy of <paramref name="key"/>, then adds one with <paramref name="value"/>.</summary>
    public void Set(string key, string value)
    {
        CheckEntry(key, value);
        Remove(key);
        _entries.Insert(LowerBound(key), new KeyValuePair<string, string>(key, value));
    }

    /// <summary>Adds another copy of <paramref name="key"/> after its existing ones.</summary>
    public void Add(string key, string value)
    {
        CheckEntry(key, value);
        _entries.Insert(UpperBound(key), new KeyValuePair<string, string>(key, value));
    }

    /// <summary>Removes every copy of <paramref name="key"/>; returns whether there was one.</summary>
    public bool Remove(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        int start = LowerBound(key);
        int end = start;
        while (end < _entries.Count && IsKey(end, key))
        {
            end++;
        }

        if (end == start)
        {
            return false;
        }

        _entries.RemoveRange(start, end - start);
        return true;
    }

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
    public bool SetDefaultValue(string key, IConfValidator validator, string defaultValue)
    {
        ArgumentNullException.ThrowIfNull(validator);
        string? current = Get(key);
        if (current is not null && validator.IsValid(current))
        {
            return false;
        }

        Set(key, defaultValue);
        return true;
    }

    private void ParseInto(string text, string sourceName, ILogger logger)
    {
        int lineNumber = 0;
        int start = 0;
        while (start < text.Length)
        {
            // std::getline splits on '\n' only; a lone '\r' stays inside the line.
            int end = text.IndexOf('\n', start);
            if (end < 0)
            {
                end = text.Length;
            }

            lineNumber++;
            string line = text[start..end].Trim(s_trimChars);
            start = end + 1;
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            int equals = line.IndexOf('=');
            if (equals < 0 || line.IndexOf('=', equals + 1) >= 0)
            {
                ConfLog.LineSkipped(logger, sourceName, lineNumber, line);
                continue;
            }

            string key = line[..equals].Trim(s_trimChars);
            string value = line[(equals + 1)..].Trim(s_trimChars);
            _entries.Insert(UpperBound(key), new KeyValuePair<string, string>(key, value));
        }
    }

    private bool IsKey(int index, string key) => string.Equals(_entries[index].Key, key, StringComparison.Ordinal);

    // First index whose key is not less than key.
    private int LowerBound(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        int lo = 0;
        int hi = _entries.Count;
        while (lo < hi)
        {
            int mid = lo + ((hi - lo) >> 1);
            if (ConfKeyComparer.Instance.Compare(_entries[mid].Key, key) < 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    // First index whose key is greater than key, so a new copy goes after the existing ones (std::multimap::insert).
    private int UpperBound(string key)
    {
        int lo = 0;
        int hi = _entries.Count;
        while (lo < hi)
        {
            int mid = lo + ((hi - lo) >> 1);
            if (ConfKeyComparer.Instance.Compare(_entries[mid].Key, key) <= 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    // olad writes whatever it holds, so a newline in a value (e.g. a universe name from a client) would
    // inject extra entries into the file; refuse it here. '=' in a value is allowed, as in olad, but the
    // line is then skipped on the next load.
    private static void CheckEntry(string key, string value)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        if (key.AsSpan().IndexOfAny('\r', '\n', '=') >= 0)
        {
            throw new ArgumentException("A config key must not contain '=', CR or LF.", nameof(key));
        }

        if (value.AsSpan().IndexOfAny('\r', '\n') >= 0)
        {
            throw new ArgumentException("A config value must not contain CR or LF.", nameof(value));
        }
    }
}
