// Licensed under the MIT License. See LICENSE in the repository root.

namespace OlaSharp.Core.Plugins;

/// <summary>
/// A plugin: owns its conf file (<c>ola-&lt;prefix&gt;.conf</c>), its sockets or devices, and registers
/// devices while started. Ids are OLA's (<see cref="PluginIds"/>).
/// </summary>
public abstract class Plugin
{
    /// <summary>OLA plugin id.</summary>
    public abstract int Id { get; }

    /// <summary>Name as OLA shows it (<c>Dummy</c>, <c>ArtNet</c>, <c>E1.31 (sACN)</c>, <c>UART native DMX</c>).</summary>
    public abstract string Name { get; }

    /// <summary>Conf file prefix: the file is <c>ola-&lt;prefix&gt;.conf</c>.</summary>
    public abstract string ConfPrefix { get; }

    /// <summary>Long description (ola_plugin_info -p N).</summary>
    public virtual string Description => Name;

    /// <summary>Value of <c>enabled</c> when the key is missing or invalid (uartdmx: false).</summary>
    public virtual bool EnabledByDefault => true;

    /// <summary>The plugin's preferences, loaded by the manager before start.</summary>
    public ConfFile Preferences { get; internal set; } = new();

    /// <summary>True when the conf says enabled.</summary>
    public bool IsEnabled => Preferences.GetBool("enabled", EnabledByDefault);

    /// <summary>True while started.</summary>
    public bool IsActive { get; internal set; }

    /// <summary>Plugin ids this one conflicts with.</summary>
    public virtual IReadOnlyList<int> ConflictsWith => [];

    /// <summary>The context while started.</summary>
    protected PluginContext Context { get; private set; } = null!;

    internal void Bind(PluginContext context) => Context = context;

    /// <summary>
    /// Inserts missing keys and replaces invalid values with defaults, as OLA's plugins do at load
    /// (the manager saves the file when this returns true). The base handles <c>enabled</c>.
    /// </summary>
    protected internal virtual bool SetDefaultPreferences(ConfFile preferences)
    {
        ArgumentNullException.ThrowIfNull(preferences);
        return preferences.SetDefaultValue("enabled", new BoolValidator(), EnabledByDefault ? "true" : "false");
    }

    /// <summary>Opens sockets/devices and registers devices with <see cref="PluginContext.Devices"/>.</summary>
    protected internal abstract Task StartAsync(CancellationToken cancellationToken);

    /// <summary>Closes everything it opened; the manager unregisters its devices afterwards.</summary>
    protected internal abstract Task StopAsync(CancellationToken cancellationToken);

    /// <inheritdoc />
    public override string ToString() => $"{Id} ({Name})";
}
