// Licensed under the MIT License. See LICENSE in the repository root.
using System.Globalization;

namespace OlaSharp.Core.Plugins;

/// <summary>The saved patch of ports whose device is not registered (for the device health report).</summary>
public sealed partial class DeviceRegistry
{
    /// <summary>
    /// The universe saved in <c>ola-port.conf</c> for <paramref name="portId"/> (<c>20-/dev/ttyAMA0-O-0</c>),
    /// or null: what a device that could not be opened would be patched to once it appears.
    /// </summary>
    public int? SavedUniverse(string portId)
    {
        ArgumentNullException.ThrowIfNull(portId);
        lock (_lock)
        {
            string? text = _portConf.Get(portId);
            return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int id) ? id : null;
        }
    }
}
