// Licensed under the MIT License. See LICENSE in the repository root.

namespace OlaSharp.Core.Plugins;

/// <summary>
/// Loads each plugin's conf file, fixes defaults (saving when anything changed, as olad does), starts
/// the enabled ones, and stops, reloads or toggles them. A plugin that fails to start is logged and
/// left inactive; the others go on.
/// </summary>
public sealed partial class PluginManager
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly List<Plugin> _plugins;
    private readonly PluginContext _context;
    private readonly ILogger _logger;

    /// <summary>Creates a manager for <paramref name="plugins"/>.</summary>
    public PluginManager(IEnumerable<Plugin> plugins, PluginContext context)
    {
        ArgumentNullException.ThrowIfNull(plugins);
        _context = context ?? throw new ArgumentNullException(nameof(context));
        _plugins = [.. plugins.OrderBy(p => p.Id)];
        var dup = _plugins.GroupBy(p => p.Id).FirstOrDefault(g => g.Count() > 1);
        if (dup is not null)
        {
            throw new ArgumentException($"Two plugins have id {dup.Key}.", nameof(plugins));
        }

        _logger = context.LoggerFactory.CreateLogger<PluginManager>();
        foreach (Plugin p in _plugins)
        {
            p.Bind(context);
        }
    }

    /// <summary>The plugins, by id.</summary>
    public IReadOnlyList<Plugin> Plugins => _plugins;

    /// <summary>Finds a plugin.</summary>
    public Plugin? Find(int id) => _plugins.FirstOrDefault(p => p.Id == id);

    /// <summary>Loads preferences and starts every enabled plugin.</summary>
    public async Task StartAllAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            foreach (Plugin p in _plugins)
            {
                LoadPreferences(p);
                if (p.IsEnabled)
                {
                    await StartOneAsync(p, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    Log.PluginDisabled(_logger, p.Name, _context.Conf.PathFor(p.ConfPrefix));
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Stops every active plugin (reverse id order).</summary>
    public async Task StopAllAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            for (int i = _plugins.Count - 1; i >= 0; i--)
            {
                await StopOneAsync(_plugins[i], cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Stops and restarts everything, re-reading the conf files (SIGHUP, /reload, ReloadPlugins).</summary>
    public async Task ReloadAsync(CancellationToken cancellationToken = default)
    {
        await StopAllAsync(cancellationToken).ConfigureAwait(false);
        await StartAllAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Enables or disables a plugin: saves its <c>enabled</c> key and starts or stops it. False if unknown or start failed.</summary>
    public async Task<bool> SetEnabledAsync(int pluginId, bool enabled, CancellationToken cancellationToken = default)
    {
        Plugin? p = Find(pluginId);
        if (p is null)
        {
            return false;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            p.Preferences.Set("enabled", enabled ? "true" : "false");
            Save(p);
            if (enabled && !p.IsActive)
            {
                return await StartOneAsync(p, cancellationToken).ConfigureAwait(false);
            }

            if (!enabled && p.IsActive)
            {
                await StopOneAsync(p, cancellationToken).ConfigureAwait(false);
            }

            return true;
        }
        finally
        {
            _gate.Release();
        }
    }

    private void LoadPreferences(Plugin p)
    {
        ConfFile prefs = _context.Conf.Load(p.ConfPrefix);
        p.Preferences = prefs;
        if (p.SetDefaultPreferences(prefs))
        {
            Save(p);
        }
    }

    private void Save(Plugin p) => _context.Conf.TrySave(p.ConfPrefix, p.Preferences);

    private async Task<bool> StartOneAsync(Plugin p, CancellationToken cancellationToken)
    {
        try
        {
            await p.StartAsync(cancellationToken).ConfigureAwait(false);
            p.IsActive = true;
            Log.PluginStarted(_logger, p.Name, p.Id);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.PluginStartFailed(_logger, ex, p.Name);
            await StopOneAsync(p, cancellationToken, force: true).ConfigureAwait(false);
            return false;
        }
    }

    private async Task StopOneAsync(Plugin p, CancellationToken cancellationToken, bool force = false)
    {
        if (!p.IsActive && !force)
        {
            return;
        }

        try
        {
            await p.StopAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.PluginStopFailed(_logger, ex, p.Name);
        }
        finally
        {
            foreach (Device d in _context.Devices.Devices.Where(d => ReferenceEquals(d.Owner, p)))
            {
                _context.Devices.Unregister(d);
            }

            p.IsActive = false;
        }
    }
}
