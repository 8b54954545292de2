// Licensed under the MIT License. See LICENSE in the repository root.

namespace OlaSharp.Core;

/// <summary>
/// Keeps <c>ola-universe.conf</c> (<c>uni_N_name</c>, <c>uni_N_merge</c>): restores a universe's name
/// and merge mode when it is created, and writes changes at once and atomically (olad writes only
/// when a universe is collected and on clean shutdown).
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
        }

        u.SettingsChanged += OnSettingsChanged;
    }

    private void OnSettingsChanged(Universe u)
    {
        lock (_lock)
        {
            // A conf value cannot hold a line break (it would inject entries); OLA has the same limit.
            _file.Set(NameKey(u.Id), u.Name.ReplaceLineEndings(" "));
            _file.Set(MergeKey(u.Id), MergeModeText.ToOlaConf(u.MergeMode));
            _conf.TrySave(ConfPrefix, _file);
        }
    }
}
