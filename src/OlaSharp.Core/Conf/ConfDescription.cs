// Licensed under the MIT License. See LICENSE in the repository root.
namespace OlaSharp.Core.Conf;

/// <summary>
/// A conf file described once, for its reader and for the web UI's settings page: every key the reader reads
/// (<see cref="ConfSetting"/>), the per-device keys and which devices there are, and the checks that involve
/// several keys. The reader applies its defaults through <see cref="ApplyDefaults"/> and
/// <see cref="ApplyDeviceDefaults"/>; the page shows <see cref="Values"/> and changes the file through
/// <see cref="Edit"/>, which refuses what the reader would replace, in the reader's words.
/// </summary>
public sealed class ConfDescription
{
    /// <summary>The form keys that are not settings: the plugin id, which settings page, and the keys to clear.</summary>
    public static readonly IReadOnlySet<string> ReservedKeys = new HashSet<string>(["id", "conf", ClearKey], StringComparer.Ordinal);

    /// <summary>Form key naming keys to remove (a secret, or an optional key back to its default); may repeat.</summary>
    public const string ClearKey = "clear";

    private readonly Func<ConfFile, IReadOnlyList<string>>? _devices;
    private readonly Func<string, string, string>? _deviceKey;
    private readonly Func<ConfFile, IEnumerable<KeyValuePair<string, string>>>? _crossCheck;

    /// <summary>Creates a description.</summary>
    /// <param name="prefix">The file: <c>ola-&lt;prefix&gt;.conf</c>.</param>
    /// <param name="settings">Every key the reader reads, plugin-wide and per device.</param>
    /// <param name="devices">The devices a file configures (their per-device keys exist); null when there are none.</param>
    /// <param name="deviceKey">The key of a per-device setting: (device, setting key) to conf key.</param>
    /// <param name="crossCheck">Rules over several keys, as (key, message) for each failure (an <c>ip</c> that names no interface).</param>
    public ConfDescription(
        string prefix,
        IReadOnlyList<ConfSetting> settings,
        Func<ConfFile, IReadOnlyList<string>>? devices = null,
        Func<string, string, string>? deviceKey = null,
        Func<ConfFile, IEnumerable<KeyValuePair<string, string>>>? crossCheck = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Any(s => s.PerDevice) && (devices is null || deviceKey is null))
        {
            throw new ArgumentException("Per-device settings need devices and deviceKey.", nameof(settings));
        }

        Prefix = prefix;
        Settings = settings;
        _devices = devices;
        _deviceKey = deviceKey;
        _crossCheck = crossCheck;
    }

    /// <summary>The file's prefix (<c>ola-&lt;prefix&gt;.conf</c>).</summary>
    public string Prefix { get; }

    /// <summary>Every setting, plugin-wide first, in the order a page shows them.</summary>
    public IReadOnlyList<ConfSetting> Settings { get; }

    /// <summary>The plugin-wide setting with <paramref name="key"/>, or null.</summary>
    public ConfSetting? Find(string key) => Settings.FirstOrDefault(s => !s.PerDevice && s.Key == key);

    /// <summary>The per-device setting with <paramref name="key"/> (its suffix), or null.</summary>
    public ConfSetting? FindPerDevice(string key) => Settings.FirstOrDefault(s => s.PerDevice && s.Key == key);

    /// <summary>The devices <paramref name="file"/> configures (empty when the file has none).</summary>
    public IReadOnlyList<string> Devices(ConfFile file) => _devices?.Invoke(file) ?? [];

    /// <summary>The conf key of <paramref name="setting"/> for <paramref name="device"/>.</summary>
    public string DeviceKey(string device, ConfSetting setting)
    {
        ArgumentNullException.ThrowIfNull(setting);
        return _deviceKey is null ? setting.Key : _deviceKey(device, setting.Key);
    }

    /// <summary>
    /// The reader's plugin-wide defaults (<see cref="ConfSetting.Policy"/> of each, in order), except
    /// <c>enabled</c>, which <c>Plugin.SetDefaultPreferences</c> applies for every plugin; true when the file changed.
    /// </summary>
    public bool ApplyDefaults(ConfFile file)
    {
        bool changed = false;
        foreach (ConfSetting s in Settings)
        {
            if (!s.PerDevice && s.Key != ConfDescriptions.EnabledKey)
            {
                changed |= s.ApplyDefault(file, s.Key);
            }
        }

        return changed;
    }

    /// <summary>The reader's defaults of <paramref name="device"/>'s keys; true when the file changed.</summary>
    public bool ApplyDeviceDefaults(ConfFile file, string device)
    {
        bool changed = false;
        foreach (ConfSetting s in Settings)
        {
            if (s.PerDevice)
            {
                changed |= s.ApplyDefault(file, DeviceKey(device, s));
            }
        }

        return changed;
    }

    /// <summary>The failures of the rules over several keys in <paramref name="file"/> (key, message).</summary>
    public IEnumerable<KeyValuePair<string, string>> CrossCheck(ConfFile file) => _crossCheck?.Invoke(file) ?? [];

    /// <summary>Every field with its value in <paramref name="file"/> (a missing key shows its default): plugin-wide, then each device's.</summary>
    public IReadOnlyList<SettingValue> Values(ConfFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        var values = new List<SettingValue>();
        foreach (ConfSetting s in Settings)
        {
            if (!s.PerDevice)
            {
                values.Add(ValueOf(file, s, s.Key, device: null));
            }
        }

        foreach (string device in Devices(file))
        {
            foreach (ConfSetting s in Settings)
            {
                if (s.PerDevice)
                {
                    values.Add(ValueOf(file, s, DeviceKey(device, s), device));
                }
            }
        }

        return values;
    }

    /// <summary>
    /// Applies posted values to a copy of <paramref name="current"/> with the reader's rules. Every value is
    /// checked (not only the first bad one); on any failure <see cref="ConfEdit.Errors"/> names each key and
    /// <see cref="ConfEdit.File"/> must not be saved. Keys not posted keep their values; unknown keys of the
    /// file are kept. A posted empty value of an optional key removes it (back to its default); an empty
    /// secret leaves it as it is (<see cref="ClearKey"/> removes it).
    /// </summary>
    /// <param name="current">The file as it is now (not changed).</param>
    /// <param name="posted">Form fields: key and every value given for it.</param>
    public ConfEdit Edit(ConfFile current, IEnumerable<KeyValuePair<string, IReadOnlyList<string>>> posted)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(posted);
        ConfFile next = current.Copy();
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        var perDevice = new List<KeyValuePair<string, IReadOnlyList<string>>>();
        var cleared = new List<string>();
        foreach (KeyValuePair<string, IReadOnlyList<string>> field in posted)
        {
            if (field.Key == ClearKey)
            {
                cleared.AddRange(field.Value.Where(v => v.Length != 0));
            }
            else if (ReservedKeys.Contains(field.Key))
            {
                continue;
            }
            else if (Find(field.Key) is { } setting)
            {
                Apply(next, setting, field.Key, field.Value, errors);
            }
            else
            {
                perDevice.Add(field);
            }
        }

        // Per-device keys after the plugin-wide ones: a device added in this post gets its settings too.
        IReadOnlyList<string> devices = Devices(next);
        foreach (KeyValuePair<string, IReadOnlyList<string>> field in perDevice)
        {
            if (FindDeviceSetting(devices, field.Key) is { } setting)
            {
                Apply(next, setting, field.Key, field.Value, errors);
            }
            else
            {
                errors[field.Key] = Settings.Any(s => s.PerDevice)
                    ? "not a setting of this plugin or of one of its devices"
                    : "not a setting of this plugin";
            }
        }

        foreach (string key in cleared)
        {
            ConfSetting? setting = Find(key) ?? FindDeviceSetting(devices, key);
            if (setting is null || !(setting.Optional || setting.Secret))
            {
                errors[key] = setting is null ? "not a setting of this plugin" : "cannot be cleared, only changed";
                continue;
            }

            next.Remove(key);
        }

        if (errors.Count == 0)
        {
            foreach (KeyValuePair<string, string> failure in CrossCheck(next))
            {
                errors.TryAdd(failure.Key, failure.Value);
            }
        }

        return new ConfEdit(next, errors);
    }

    private ConfSetting? FindDeviceSetting(IReadOnlyList<string> devices, string key)
    {
        foreach (string device in devices)
        {
            foreach (ConfSetting s in Settings)
            {
                if (s.PerDevice && DeviceKey(device, s) == key)
                {
                    return s;
                }
            }
        }

        return null;
    }

    private static void Apply(ConfFile next, ConfSetting setting, string key, IReadOnlyList<string> values, Dictionary<string, string> errors)
    {
        if (setting.Kind == SettingKind.List)
        {
            ApplyList(next, setting, key, values, errors);
            return;
        }

        string value = values.Count == 0 ? string.Empty : values[^1].Trim();
        if (value.Length == 0 && setting.Secret)
        {
            return;
        }

        if (value.Length == 0 && setting.Optional)
        {
            next.Remove(key);
            return;
        }

        if (setting.Check(value) is { } error)
        {
            errors[key] = error;
            return;
        }

        next.Set(key, value);
    }

    private static void ApplyList(ConfFile next, ConfSetting setting, string key, IReadOnlyList<string> values, Dictionary<string, string> errors)
    {
        char[] separators = setting.Repeated ? ['\n', '\r'] : ['\n', '\r', ',', ' '];
        List<string> items = [.. values.SelectMany(v => v.Split(separators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Distinct(StringComparer.Ordinal)];
        if (setting.Repeated)
        {
            if (items.Count == 0 && !setting.Optional && setting.Check(string.Empty) is { } none)
            {
                errors[key] = none;
                return;
            }

            var failures = items.Select(setting.Check).OfType<string>().ToList();
            if (failures.Count > 0)
            {
                errors[key] = string.Join("; ", failures);
                return;
            }

            next.Remove(key);
            foreach (string item in items)
            {
                next.Add(key, item);
            }

            return;
        }

        string joined = string.Join(",", items);
        if (joined.Length == 0 && setting.Optional)
        {
            next.Remove(key);
        }
        else if (setting.Check(joined) is { } error)
        {
            errors[key] = error;
        }
        else
        {
            next.Set(key, joined);
        }
    }

    private static SettingValue ValueOf(ConfFile file, ConfSetting s, string key, string? device)
    {
        bool isSet = file.Contains(key);
        if (s.Secret)
        {
            return new SettingValue(s, key, device, string.Empty, [], isSet && !string.IsNullOrWhiteSpace(file.Get(key)));
        }

        if (s.Kind == SettingKind.List)
        {
            IReadOnlyList<string> raw = s.Repeated ? file.GetAll(key) : [file.Get(key) ?? s.Default];
            string[] items = [.. raw.SelectMany(v => v.Split([',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))];
            return new SettingValue(s, key, device, string.Join(",", items), items, isSet);
        }

        return new SettingValue(s, key, device, file.Get(key) ?? s.Default, [], isSet);
    }
}

/// <summary>One field of a settings page: the setting, its conf key, the device it belongs to, and its value.</summary>
/// <param name="Setting">The setting.</param>
/// <param name="Key">The conf key (a device's key for a per-device setting).</param>
/// <param name="Device">The device, for a per-device setting.</param>
/// <param name="Value">The value (a missing key shows its default; a secret shows nothing).</param>
/// <param name="Items">A list's values.</param>
/// <param name="IsSet">Whether the key is in the file (a secret: whether a token is set).</param>
public sealed record SettingValue(ConfSetting Setting, string Key, string? Device, string Value, IReadOnlyList<string> Items, bool IsSet);

/// <summary>The result of <see cref="ConfDescription.Edit"/>.</summary>
/// <param name="File">The changed copy; save it only when <see cref="Errors"/> is empty.</param>
/// <param name="Errors">Key to message for every refused value.</param>
public sealed record ConfEdit(ConfFile File, IReadOnlyDictionary<string, string> Errors)
{
    /// <summary>True when every value was accepted.</summary>
    public bool Ok => Errors.Count == 0;
}

/// <summary>Something whose conf file is described for the settings page (the plugins, and gRPC's <c>ola-grpc.conf</c>).</summary>
public interface IConfDescribed
{
    /// <summary>The description of the conf file.</summary>
    ConfDescription ConfDescription { get; }
}
