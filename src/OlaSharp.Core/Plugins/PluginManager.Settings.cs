// Licensed under the MIT License. See LICENSE in the repository root.

namespace OlaSharp.Core.Plugins;

// The settings page's change of one plugin's conf file: checked, written atomically, and that plugin (only)
// restarted with it, under the same gate as reload and enable/disable.
public sealed partial class PluginManager
{
    /// <summary>
    /// Changes plugin <paramref name="pluginId"/>'s conf file with <paramref name="edit"/> and reloads that
    /// plugin: the file as it is on disk now (keys set by hand since the start are kept) goes to
    /// <paramref name="edit"/>; when it accepts, the result is written atomically, the plugin is stopped, its
    /// preferences are read again (defaults applied, as at start) and it is started if enabled. Its devices
    /// are unregistered and registered again, so their saved patches come back as on <c>/reload</c>. When
    /// <paramref name="edit"/> refuses, nothing is written and the plugin keeps running as it was.
    /// </summary>
    /// <returns>The edit (its errors, if any), or null when the plugin is unknown.</returns>
    /// <exception cref="IOException">The file could not be read or written; nothing changed.</exception>
    /// <exception cref="UnauthorizedAccessException">The file or its directory is not writable; nothing changed.</exception>
    public async Task<ConfEdit?> ReconfigureAsync(int pluginId, Func<ConfFile, ConfEdit> edit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(edit);
        Plugin? p = Find(pluginId);
        if (p is null)
        {
            return null;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ConfFile current = _context.Conf.Load(p.ConfPrefix);
            if (current.LoadFailed)
            {
                throw new IOException($"{_context.Conf.PathFor(p.ConfPrefix)} could not be read, so it is not written over.");
            }

            ConfEdit result = edit(current);
            if (!result.Ok)
            {
                return result;
            }

            _context.Conf.Save(p.ConfPrefix, result.File);
            await StopOneAsync(p, cancellationToken).ConfigureAwait(false);
            LoadPreferences(p);
            if (p.IsEnabled)
            {
                await StartOneAsync(p, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                Log.PluginDisabled(_logger, p.Name, _context.Conf.PathFor(p.ConfPrefix));
            }

            return result;
        }
        finally
        {
            _gate.Release();
        }
    }
}
