// Licensed under the MIT License. See LICENSE in the repository root.
namespace OlaSharp.Core.Server;

/// <summary>What <see cref="ServerCore.FindPort(int, bool, int, out OlaSharp.Core.Plugins.Port?)"/> found.</summary>
public enum PortLookup
{
    /// <summary>The port exists.</summary>
    Found,

    /// <summary>No device has that alias (olad: "Device doesn't exist").</summary>
    NoDevice,

    /// <summary>The device has no such port (olad: "Port doesn't exist").</summary>
    NoPort,
}
