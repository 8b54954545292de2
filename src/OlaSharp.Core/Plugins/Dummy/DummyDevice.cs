// Licensed under the MIT License. See LICENSE in the repository root.

namespace OlaSharp.Core.Plugins.Dummy;

/// <summary>The dummy device: one output port.</summary>
public sealed class DummyDevice : Device
{
    /// <summary>Creates the device.</summary>
    public DummyDevice(Plugin owner, RefreshPolicy refresh, ILogger logger)
        : base(owner, "1", "Dummy Device")
    {
        Port = AddOutputPort(new DummyOutputPort(this, logger) { Refresh = refresh });
    }

    /// <summary>The output port.</summary>
    public DummyOutputPort Port { get; }
}
