// Licensed under the MIT License. See LICENSE in the repository root.
namespace OlaSharp.Sacn;

/// <summary>
/// When a new sACN sender's levels wait for its first per-address priority (0xDD) packet (ETC's rule, up
/// to <see cref="SacnOptions.PerAddressPriorityWait"/>); conf key <c>per_address_priority_wait</c>.
/// </summary>
public enum PerAddressPriorityWaitMode
{
    /// <summary>
    /// Wait only on an input universe where some sender uses 0xDD now or did recently
    /// (<see cref="SacnOptions.PerAddressPriorityMemory"/>); elsewhere a new sender's levels count at once.
    /// </summary>
    Auto,

    /// <summary>Every new sender waits (ETC's rule as written).</summary>
    Always,

    /// <summary>No sender waits; a 0xDD sender's levels count at its packet priority until its first 0xDD packet.</summary>
    Never,
}
