// Licensed under the MIT License. See LICENSE in the repository root.
namespace OlaSharp.Uart.Setup;

/// <summary>One <c>name=value</c> line of config.txt, and whether it applies to the board being checked.</summary>
/// <param name="File">The file it is in (config.txt or a file it includes).</param>
/// <param name="Line">1-based line number.</param>
/// <param name="Name">The setting (<c>enable_uart</c>, <c>dtoverlay</c>, <c>dtparam</c>, ...).</param>
/// <param name="Value">Everything after the first <c>=</c>.</param>
/// <param name="Section">The conditional section it is under (<c>[pi4]</c>), or empty at the top or under <c>[all]</c>.</param>
/// <param name="Applies">Whether the firmware applies it on this board: every active filter matches.</param>
public sealed record BootSetting(string File, int Line, string Name, string Value, string Section, bool Applies)
{
    /// <summary>Where it is, for messages: <c>/boot/firmware/config.txt line 12 under [pi4]</c>.</summary>
    public string Where => $"{File} line {Line}" + (Section.Length == 0 ? string.Empty : $" under {Section}");
}

/// <summary>
/// config.txt read the way the firmware reads it (raspberrypi/documentation <c>config_txt/conditional.adoc</c>):
/// <c>name=value</c> lines, <c>#</c> comments only at the start of a line, later settings override earlier ones,
/// <c>include FILE</c> read in place; a section header is a conditional filter. Model filters
/// (<c>[pi3]</c>, <c>[pi4]</c>, <c>[pi5]</c>, <c>[cm4]</c>, ...) replace each other, other filters (<c>[EDID=...]</c>,
/// <c>[gpio4=1]</c>, <c>[0x12345678]</c>, <c>[tryboot]</c>, <c>[HDMI:0]</c>) combine with them, <c>[all]</c> resets
/// every filter and <c>[none]</c> applies nothing until the next <c>[all]</c>. A line under a filter this
/// check cannot evaluate (anything but a model filter) is treated as not applying: the UART must not depend on
/// which monitor is plugged in.
/// </summary>
public sealed class BootConfig
{
    private const int MaxIncludeDepth = 4;

    private static readonly HashSet<string> s_modelFilters = new(StringComparer.Ordinal)
    {
        "pi0", "pi0w", "pi02", "pi1", "pi2", "pi3", "pi3+", "pi4", "pi400", "pi5", "pi500",
        "cm0", "cm1", "cm3", "cm3+", "cm4", "cm4s", "cm5",
    };

    private BootConfig(string path, IReadOnlyList<BootSetting> settings, bool endsUnconditional)
    {
        Path = path;
        Settings = settings;
        EndsUnconditional = endsUnconditional;
    }

    /// <summary>The config.txt path as shown to the user (without the <c>--root</c> prefix).</summary>
    public string Path { get; }

    /// <summary>Every setting line in file order, includes expanded.</summary>
    public IReadOnlyList<BootSetting> Settings { get; }

    /// <summary>Whether a line appended at the end of the file applies to every board (no filter active there).</summary>
    public bool EndsUnconditional { get; }

    /// <summary>
    /// Parses <paramref name="text"/>; <paramref name="readInclude"/> returns an included file's text (by the name
    /// written after <c>include</c>) or null when it is missing.
    /// </summary>
    public static BootConfig Parse(string path, string text, PiModel model, Func<string, string?>? readInclude = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(model);
        var settings = new List<BootSetting>();
        var state = new FilterState();
        ParseInto(path, text, model, readInclude, settings, state, 0);
        return new BootConfig(path, settings, state.Applies(model) && state.Section.Length == 0);
    }

    /// <summary>The last applying value of <paramref name="name"/> (later lines override earlier ones), or null.</summary>
    public BootSetting? Last(string name) => Settings.LastOrDefault(s => s.Applies && s.Name == name);

    /// <summary>Every line setting <paramref name="name"/>, applying or not.</summary>
    public IEnumerable<BootSetting> All(string name) => Settings.Where(s => s.Name == name);

    /// <summary>The applying <c>dtoverlay</c> lines whose overlay name (before the first comma) is one of <paramref name="names"/>.</summary>
    public IEnumerable<BootSetting> Overlays(params string[] names) =>
        Settings.Where(s => s.Applies && s.Name == "dtoverlay" && names.Contains(OverlayName(s.Value), StringComparer.Ordinal));

    /// <summary>Lines loading one of the overlays <paramref name="names"/> that do not apply on this board.</summary>
    public IEnumerable<BootSetting> OverlaysElsewhere(params string[] names) =>
        Settings.Where(s => !s.Applies && s.Name == "dtoverlay" && names.Contains(OverlayName(s.Value), StringComparer.Ordinal));

    /// <summary>
    /// The last applying value of the base-DT parameter <paramref name="param"/> from <c>dtparam=</c> lines
    /// (<c>dtparam=uart0=on</c>, <c>dtparam=i2c_arm=on,uart0</c>; a bare name means on), with its line; null if never set.
    /// </summary>
    public (string Value, BootSetting Setting)? DtParam(string param, bool applying = true)
    {
        (string, BootSetting)? found = null;
        foreach (BootSetting s in Settings)
        {
            if (s.Name != "dtparam" || s.Applies != applying)
            {
                continue;
            }

            foreach (string part in s.Value.Split(','))
            {
                int eq = part.IndexOf('=', StringComparison.Ordinal);
                string name = (eq < 0 ? part : part[..eq]).Trim();
                if (name == param)
                {
                    found = (eq < 0 ? "on" : part[(eq + 1)..].Trim(), s);
                }
            }
        }

        return found;
    }

    /// <summary>Whether a dtparam value means on (<c>on</c>, <c>true</c>, <c>yes</c>, <c>okay</c>, <c>y</c>, <c>1</c>).</summary>
    public static bool IsOn(string value) => value is "on" or "true" or "yes" or "okay" or "y" or "1";

    /// <summary>The overlay's name: <c>disable-bt</c> from <c>disable-bt,foo=1</c>.</summary>
    public static string OverlayName(string value)
    {
        int comma = value.IndexOf(',', StringComparison.Ordinal);
        return (comma < 0 ? value : value[..comma]).Trim();
    }

    private static void ParseInto(string file, string text, PiModel model, Func<string, string?>? readInclude, List<BootSetting> settings, FilterState state, int depth)
    {
        string[] lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].Trim(' ', '\t', '\r');
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            if (line[0] == '[')
            {
                int close = line.IndexOf(']', StringComparison.Ordinal);
                string filter = close > 0 ? line[1..close].Trim() : line[1..].Trim();
                state.Enter(filter);
                continue;
            }

            if (line.StartsWith("include", StringComparison.Ordinal) && line.Length > 7 && line[7] is ' ' or '\t')
            {
                string name = line[8..].Trim();
                if (depth < MaxIncludeDepth && readInclude?.Invoke(name) is string included)
                {
                    ParseInto(name, included, model, readInclude, settings, state, depth + 1);
                }

                continue;
            }

            int eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                continue;
            }

            settings.Add(new BootSetting(file, i + 1, line[..eq].Trim(), line[(eq + 1)..].Trim(), state.Section, state.Applies(model)));
        }
    }

    /// <summary>The active conditional filters at a point of the file.</summary>
    private sealed class FilterState
    {
        private string? _model;
        private bool _other;
        private bool _none;
        private string _otherText = string.Empty;

        /// <summary>The active filters as written, e.g. <c>[pi4]</c> or <c>[pi4][EDID=X]</c>; empty when none.</summary>
        public string Section => (_none ? "[none]" : string.Empty) + (_model is null ? string.Empty : $"[{_model}]") + _otherText;

        public void Enter(string filter)
        {
            if (filter == "all")
            {
                (_model, _other, _none, _otherText) = (null, false, false, string.Empty);
            }
            else if (filter == "none")
            {
                _none = true;
            }
            else if (s_modelFilters.Contains(filter) || filter.StartsWith("board-type=", StringComparison.Ordinal))
            {
                // Filters of one type replace each other.
                _model = filter;
            }
            else
            {
                _other = true;
                _otherText = $"[{filter}]";
            }
        }

        public bool Applies(PiModel model) => !_none && !_other && (_model is null || model.Filters.Contains(_model));
    }
}
