// Licensed under the MIT License. See LICENSE in the repository root.

namespace OlaSharp.Core;

/// <summary>
/// Keeps <c>ola-universe.conf</c> (<c>uni_N_name</c>, <c>uni_N_merge</c>, and our own keys, which olad keeps
/// when it rewrites the file: <c>uni_N_failsafe</c>, <c>uni_N_failsafe_after_ms</c>, <c>uni_N_failsafe_scene</c>,
/// <c>uni_N_startup_scene</c>, <c>uni_N_scene_NAME = v1,v2,...</c>): restores a universe's settings when it is
/// created, and writes changes at once and atomically (olad writes only when a universe is collected and on
/// clean shutdown).
/// </summary>
public sealed class UniverseSettingsStore : IDisposable
{
    /// <summary>Conf prefix.</summary>
    public const string ConfPrefix = "universe";

    // Guards _file. Under it: a Universe's lock (setting the name and merge mode of a new universe, whose
    // SettingsChanged is not yet subscribed, so no save happens there) and the file write of a settings change.
    private readonly object _lock = new();
    private readonly UniverseRegistry _registry;
    private readonly ConfStore _conf;
    private readonly ConfFile _file;

    /// <summary>Loads the file and starts watching <paramref name="registry"/>.</summary>
    public UniverseSettingsStore(UniverseRegistry registry, ConfStore conf)
    {
        _registry = registry ?? throw new ArgumentNullException(nameof(registry));
        _conf = conf ?? throw new ArgumentNullException(nameof(conf));
        _file = conf.Load(ConfPrefix);
        _registry.Created += OnCreated;
        foreach (Universe u in _registry.All)
        {
            OnCreated(u);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _registry.Created -= OnCreated;

    private static string NameKey(int id) => $"uni_{id}_name";

    private static string MergeKey(int id) => $"uni_{id}_merge";

    private static string FailsafeKey(int id) => $"uni_{id}_failsafe";

    private static string AfterKey(int id) => $"uni_{id}_failsafe_after_ms";

    private static string FailsafeSceneKey(int id) => $"uni_{id}_failsafe_scene";

    private static string StartupKey(int id) => $"uni_{id}_startup_scene";

    private static string ScenePrefix(int id) => $"uni_{id}_scene_";

    private void OnCreated(Universe u)
    {
        lock (_lock)
        {
            string? name = _file.Get(NameKey(u.Id));
            if (!string.IsNullOrEmpty(name))
            {
                u.Name = name;
            }
            else if (name is not null)
            {
                _file.WarnInvalid(NameKey(u.Id), name, "a non-empty name", ConfFile.Quote(u.Name));
            }

            // Absent key: LTP, as olad; so is any other value, which we also say.
            string? merge = _file.Get(MergeKey(u.Id));
            if (merge is not null and not "HTP" and not "LTP")
            {
                _file.WarnInvalid(MergeKey(u.Id), merge, "HTP or LTP", "LTP");
            }

            u.MergeMode = MergeModeText.FromOlaConf(merge);
            RestoreFailsafe(u);
        }

        u.SettingsChanged += OnSettingsChanged;
    }

    // Under _lock, while the universe is created (its SettingsChanged not yet subscribed): scenes first, then
    // the failsafe and the startup scene that name them. Bad values: one warning each, never a crash.
    private void RestoreFailsafe(Universe u)
    {
        string prefix = ScenePrefix(u.Id);
        foreach (KeyValuePair<string, string> kv in _file.Entries.ToArray())
        {
            if (!kv.Key.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }

            string name = kv.Key[prefix.Length..];
            if (!SceneNames.IsValid(name))
            {
                _file.WarnInvalid(kv.Key, kv.Value, $"a scene name of {SceneNames.Rule}", "nothing (the scene is ignored)");
            }
            else if (!TryParseSlots(kv.Value, out byte[]? slots))
            {
                _file.WarnInvalid(kv.Key, kv.Value, $"1 to {DmxFrame.MaxSlots} comma-separated slot values 0-255", "nothing (the scene is ignored)");
            }
            else
            {
                u.SetScene(name, slots);
            }
        }

        string? modeText = _file.Get(FailsafeKey(u.Id));
        string? afterText = _file.Get(AfterKey(u.Id));
        string? sceneName = _file.Get(FailsafeSceneKey(u.Id));
        if (modeText is not null)
        {
            string fallback = MergeModeText.ToText(u.LossPolicy);
            if (!MergeModeText.TryParseFailsafeMode(modeText, out LossPolicy mode))
            {
                _file.WarnInvalid(FailsafeKey(u.Id), modeText, "hold, blackout, full or scene", $"the server default ({fallback})");
                mode = u.LossPolicy;
            }

            TimeSpan? after = null;
            if (afterText is not null)
            {
                if (int.TryParse(afterText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int ms)
                    && ms >= 1 && ms <= FailsafeSettings.MaxAfter.TotalMilliseconds)
                {
                    after = TimeSpan.FromMilliseconds(ms);
                }
                else
                {
                    _file.WarnInvalid(AfterKey(u.Id), afterText, $"1 to {FailsafeSettings.MaxAfter.TotalMilliseconds:0} milliseconds", "none (the failsafe acts when the last source goes away)");
                }
            }

            FailsafeResult set = u.SetFailsafe(new FailsafeSettings(mode, after, mode == LossPolicy.Scene ? sceneName : null));
            if (!set.Ok)
            {
                _file.WarnInvalid(FailsafeSceneKey(u.Id), sceneName ?? string.Empty, "the name of a scene of this universe (a uni_N_scene_NAME key)", "blackout");
                u.SetFailsafe(new FailsafeSettings(LossPolicy.Blackout, after));
            }
        }

        string? startup = _file.Get(StartupKey(u.Id));
        if (!string.IsNullOrEmpty(startup) && !u.SetStartupScene(startup).Ok)
        {
            _file.WarnInvalid(StartupKey(u.Id), startup, "the name of a scene of this universe (a uni_N_scene_NAME key)", "no startup scene");
        }
    }

    /// <summary>Parses <c>v1,v2,...</c>: 1 to 512 decimal values 0-255 (white space around them allowed).</summary>
    public static bool TryParseSlots(string text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out byte[]? slots)
    {
        slots = null;
        ArgumentNullException.ThrowIfNull(text);
        string[] parts = text.Split(',');
        if (parts.Length > DmxFrame.MaxSlots)
        {
            return false;
        }

        var values = new byte[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!byte.TryParse(parts[i].AsSpan().Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out values[i]))
            {
                return false;
            }
        }

        slots = values;
        return true;
    }

    private void OnSettingsChanged(Universe u)
    {
        lock (_lock)
        {
            // A conf value cannot hold a line break (it would inject entries); OLA has the same limit.
            _file.Set(NameKey(u.Id), u.Name.ReplaceLineEndings(" "));
            _file.Set(MergeKey(u.Id), MergeModeText.ToOlaConf(u.MergeMode));
            WriteFailsafe(u);
            _conf.TrySave(ConfPrefix, _file);
        }
    }

    // Under _lock. The failsafe keys only when set for this universe: the others follow the server default.
    private void WriteFailsafe(Universe u)
    {
        FailsafeSettings f = u.Failsafe;
        if (u.FailsafeConfigured)
        {
            _file.Set(FailsafeKey(u.Id), MergeModeText.ToText(f.Mode));
        }
        else
        {
            _file.Remove(FailsafeKey(u.Id));
        }

        SetOrRemove(AfterKey(u.Id), u.FailsafeConfigured && f.After is TimeSpan a ? ((long)a.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture) : null);
        SetOrRemove(FailsafeSceneKey(u.Id), u.FailsafeConfigured ? f.Scene : null);
        SetOrRemove(StartupKey(u.Id), u.StartupScene);

        string prefix = ScenePrefix(u.Id);
        foreach (KeyValuePair<string, string> kv in _file.Entries.ToArray())
        {
            if (kv.Key.StartsWith(prefix, StringComparison.Ordinal))
            {
                _file.Remove(kv.Key);
            }
        }

        foreach (SceneInfo scene in u.GetScenes())
        {
            _file.Set(prefix + scene.Name, string.Join(',', scene.Slots));
        }
    }

    private void SetOrRemove(string key, string? value)
    {
        if (value is null)
        {
            _file.Remove(key);
        }
        else
        {
            _file.Set(key, value);
        }
    }
}
