// Licensed under the MIT License. See LICENSE in the repository root.
namespace OlaSharp.Core.Plugins;

/// <summary>
/// A plugin with one device for as long as it is started (Dummy, Art-Net, E1.31): its id, name and conf
/// prefix are given once to the constructor; start opens what the device needs and registers the device,
/// stop unregisters it (unpatching its ports, which runs their hooks, e.g. sACN's stream-terminated
/// packets) and then closes what was opened.
/// </summary>
public abstract class DevicePlugin : Plugin
{
    /// <summary>Creates the plugin with OLA's id, its name as OLA shows it, and its conf file prefix.</summary>
    protected DevicePlugin(int id, string name, string confPrefix)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(confPrefix);
        Id = id;
        Name = name;
        ConfPrefix = confPrefix;
    }

    /// <inheritdoc />
    public sealed override int Id { get; }

    /// <inheritdoc />
    public sealed override string Name { get; }

    /// <inheritdoc />
    public sealed override string ConfPrefix { get; }

    /// <summary>The registered device while started (null when stopped or when none could be opened).</summary>
    protected Device? ActiveDevice { get; private set; }

    /// <summary>Opens what the device needs and builds it (not yet registered); null when it cannot (say why in the log).</summary>
    protected abstract Device? OpenDevice();

    /// <summary>Closes what <see cref="OpenDevice"/> opened; called after the device is unregistered, also when none was opened.</summary>
    protected virtual void CloseDevice()
    {
    }

    /// <inheritdoc />
    protected internal sealed override Task StartAsync(CancellationToken cancellationToken)
    {
        Device? device = OpenDevice();
        if (device is not null)
        {
            ActiveDevice = device;
            Context.Devices.Register(device);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    protected internal sealed override Task StopAsync(CancellationToken cancellationToken)
    {
        if (ActiveDevice is Device device)
        {
            Context.Devices.Unregister(device);
            ActiveDevice = null;
        }

        CloseDevice();
        return Task.CompletedTask;
    }
}
