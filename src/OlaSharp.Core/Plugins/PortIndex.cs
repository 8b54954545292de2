// Licensed under the MIT License. See LICENSE in the repository root.
namespace OlaSharp.Core.Plugins;

/// <summary>
/// A protocol's input ports by address (Art-Net Port-Address, E1.31 universe), for the receive path: an
/// array indexed by address, each entry an immutable array of the ports patched there. Patch and unpatch
/// replace one entry under a lock (O(ports at that address)); the receive thread reads an entry lock-free
/// and allocation-free, instead of scanning every port per packet (up to 4,096).
/// </summary>
/// <typeparam name="TPort">The port type.</typeparam>
public sealed class PortIndex<TPort>
    where TPort : class
{
    private readonly object _lock = new();
    private readonly TPort[]?[] _byAddress;

    /// <summary>Creates an index of addresses 0..<paramref name="addresses"/>-1.</summary>
    public PortIndex(int addresses)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(addresses);
        _byAddress = new TPort[]?[addresses];
    }

    /// <summary>The ports at <paramref name="address"/> (empty when none or out of range); lock-free.</summary>
    public ReadOnlySpan<TPort> Find(int address) =>
        (uint)address < (uint)_byAddress.Length ? Volatile.Read(ref _byAddress[address]) : default;

    /// <summary>Moves <paramref name="port"/> from address <paramref name="from"/> to <paramref name="to"/> (-1 = none).</summary>
    public void Move(TPort port, int from, int to)
    {
        ArgumentNullException.ThrowIfNull(port);
        lock (_lock)
        {
            if ((uint)from < (uint)_byAddress.Length && _byAddress[from] is TPort[] old && Array.IndexOf(old, port) >= 0)
            {
                Volatile.Write(ref _byAddress[from], old.Length == 1 ? null : [.. old.Where(p => !ReferenceEquals(p, port))]);
            }

            if ((uint)to < (uint)_byAddress.Length)
            {
                TPort[] current = _byAddress[to] ?? [];
                if (Array.IndexOf(current, port) < 0)
                {
                    Volatile.Write(ref _byAddress[to], [.. current, port]);
                }
            }
        }
    }
}
