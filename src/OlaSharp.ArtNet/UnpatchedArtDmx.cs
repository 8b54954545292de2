// Licensed under the MIT License. See LICENSE in the repository root.
namespace OlaSharp.ArtNet;

/// <summary>
/// ArtDmx arriving for a Port-Address no input port listens to, from one sender (see
/// <see cref="ArtNetPlugin.UnpatchedTraffic"/>).
/// </summary>
/// <param name="PortAddress">The 15-bit Port-Address.</param>
/// <param name="Address">The same as Net:Sub-Net:Universe, e.g. <c>0:0:0</c>.</param>
/// <param name="Sender">The sender's IPv4 address.</param>
/// <param name="Packets">Packets counted since the entry appeared.</param>
/// <param name="LastSeen">How long ago the last one arrived.</param>
/// <param name="SuggestedUniverse">The lowest OLA universe an input port can be patched to to receive it; null when the Net/Sub-Net differs from ours.</param>
/// <param name="Advice">What to do, in words.</param>
public sealed record UnpatchedArtDmx(int PortAddress, string Address, string Sender, long Packets, TimeSpan LastSeen, int? SuggestedUniverse, string Advice);
