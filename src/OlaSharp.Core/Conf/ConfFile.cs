// Licensed under the MIT License. See LICENSE in the repository root.
using System.Collections.ObjectModel;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;

namespace OlaSharp.Core.Conf;

/// <summary>
/// One OLA preferences file (<c>ola-&lt;prefix&gt;.conf</c>) as an ordered multimap, following olad 0.10.9's
/// <c>FileBackedPreferences</c> (olad/plugin_api/Preferences.cpp) rule for rule; see ola-behaviour.md §1.1.
/// Entries are kept sorted by key in UTF-8 byte order; copies of one key stay in insertion (file) order.
/// Not thread-safe: guard it externally if several threads use one instance.
/// </summary>
public sealed partial class ConfFile
{
    /// <summary>
    /// Most bytes read from one file (4 MiB): about 5x the largest file the server writes itself
    /// (<c>ola-port.conf</c> with 4096 sACN inputs and outputs, each with a patch, priority and mode, is
    /// ~0.7 MB). A 50 MB file took 13-86 s and 372-446 MB to load whole; this bounds start-up to well
    /// under a second whatever is in the directory.
    /// </summary>
    public const int MaxFileBytes = 4 * 1024 * 1024;

    // Skipped-line numbers listed in the one aggregated warning.
    private const int MaxListedLines = 10;

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

    /// <summary>
    /// True when <see cref="Load"/> found the file but could not read it (no permission, a directory, a
    /// symlink loop, an I/O error). Such a file is never saved over: what is in it is not known.
    /// </summary>
    public bool LoadFailed { get; private set; }

    /// <summary>
    /// True when the file was larger than <see cref="MaxFileBytes"/> and only its first part was read; the
    /// store copies the whole file aside before saving over it (see <see cref="ConfStore.TrySave"/>).
    /// </summary>
    public bool Truncated { get; internal set; }

    /// <summary>Receives the warnings about this file's values (from <see cref="Load"/> or <see cref="Parse"/>).</summary>
    public ILogger Logger { get; private set; } = NullLogger.Instance;

    /// <summary>The name used in warnings: <see cref="Path"/>, or the source name given to <see cref="Parse"/>.</summary>
    public string DisplayName { get; private set; } = "(text)";

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
        var file = new ConfFile { Logger = logger ?? NullLogger.Instance, DisplayName = sourceName ?? "(text)" };
        file.ParseInto(text);
        return file;
    }

    /// <summary>
    /// Reads <paramref name="path"/> as UTF-8 and parses it. A missing file gives an empty file (as olad,
    /// which then writes defaults). An unreadable one (no permission, a directory, a symlink loop, an I/O
    /// error) also gives an empty file, plus one warning naming it, and <see cref="LoadFailed"/>. At most
    /// <see cref="MaxFileBytes"/> are read, up to the last whole line (one warning says so).
    /// <see cref="Path"/> is set either way.
    /// </summary>
    public static ConfFile Load(string path, ILogger? logger = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ILogger log = logger ?? NullLogger.Instance;
        var file = new ConfFile { Path = path, Logger = log, DisplayName = path };
        byte[] bytes;
        int length;
        long size;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan);
            size = stream.Length;
            bytes = new byte[(int)Math.Min(size, MaxFileBytes)];
            length = stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            Log.FileMissing(log, path);
            return file;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            Log.FileUnreadable(log, path, Directory.Exists(path) ? "it is a directory" : Reason(ex));
            file.LoadFailed = true;
            return file;
        }

        if (size > MaxFileBytes)
        {
            // Keep whole lines only: the cut line would be a fragment of a key or value.
            int lastNewline = Array.LastIndexOf(bytes, (byte)'\n', length - 1);
            length = lastNewline + 1;
            file.Truncated = true;
            Log.FileTooLarge(log, path, size, MaxFileBytes, length, ConfStore.OversizeBackupPath(path));
        }

        // GetString keeps a BOM as U+FEFF in the first key, as olad would keep the bytes.
        file.ParseInto(s_utf8.GetString(bytes, 0, length));
        return file;
    }

    /// <summary>
    /// The one-line reason of an I/O failure: the system's words without the path .NET appends
    /// (<c>Read-only file system : '/etc/ola/.ola-port.conf.tmp-12-3'</c> becomes <c>Read-only file system</c>).
    /// </summary>
    internal static string Reason(Exception ex)
    {
        if (ex is DirectoryNotFoundException)
        {
            return "its directory does not exist";
        }

        string message = (ex is UnauthorizedAccessException && ex.InnerException is IOException inner ? inner : ex).Message;
        int cut = message.IndexOf(" : '", StringComparison.Ordinal);
        if (cut < 0)
        {
            cut = message.IndexOf(" in '", StringComparison.Ordinal);
        }

        return cut > 0 ? message[..cut] : message.TrimEnd('.');
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

    /// <summary>A copy with the same entries and the same origin (path, flags, logger), to save outside a lock.</summary>
    internal ConfFile Copy()
    {
        var copy = new ConfFile { Path = Path, Logger = Logger, DisplayName = DisplayName };
        (copy.LoadFailed, copy.Truncated) = (LoadFailed, Truncated);
        copy._entries.AddRange(_entries);
        return copy;
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

    private void ParseInto(string text)
    {
        int skipped = 0;
        int firstSkippedNumber = 0;
        string firstSkipped = string.Empty;
        var skippedNumbers = new List<int>(MaxListedLines);
        bool sorted = true;
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
                if (skipped++ == 0)
                {
                    firstSkippedNumber = lineNumber;
                    firstSkipped = Shorten(line);
                }

                if (skippedNumbers.Count < MaxListedLines)
                {
                    skippedNumbers.Add(lineNumber);
                }

                continue;
            }

            string key = line[..equals].Trim(s_trimChars);
            string value = line[(equals + 1)..].Trim(s_trimChars);
            sorted &= _entries.Count == 0 || ConfKeyComparer.Instance.Compare(_entries[^1].Key, key) <= 0;
            _entries.Add(new KeyValuePair<string, string>(key, value));
        }

        if (!sorted)
        {
            // One stable sort instead of an insertion per line: inserting into the middle of the list made a
            // 50 MB file of unsorted keys take 86 s. OrderBy is stable, so copies of a key keep file order.
            KeyValuePair<string, string>[] all = [.. _entries.OrderBy(e => e.Key, ConfKeyComparer.Instance)];
            _entries.Clear();
            _entries.AddRange(all);
        }

        // One line per file, however many lines are bad (a 50 MB junk file gave 524,289 lines).
        if (skipped == 1)
        {
            Log.LineSkipped(Logger, DisplayName, firstSkippedNumber, firstSkipped);
        }
        else if (skipped > 1)
        {
            string numbers = string.Join(", ", skippedNumbers) + (skipped > skippedNumbers.Count ? ", ..." : string.Empty);
            Log.LinesSkipped(Logger, skipped, DisplayName, numbers, $"line {firstSkippedNumber}: {firstSkipped}");
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
