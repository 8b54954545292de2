// Licensed under the MIT License. See LICENSE in the repository root.
namespace OlaSharp.Sacn;

/// <summary>One sACN sender tracked by an input port (a snapshot for APIs and tests).</summary>
/// <param name="Cid">The sender's CID.</param>
/// <param name="Name">CID and source name as shown.</param>
/// <param name="Priority">Its last packet priority.</param>
/// <param name="UsesPerAddressPriority">True while it sends 0xDD.</param>
/// <param name="Length">Slots of its levels that count (0 while they wait for 0xDD or a sync).</param>
public sealed record SacnSenderInfo(UInt128 Cid, string Name, int Priority, bool UsesPerAddressPriority, int Length);

/// <summary>A source seen through universe discovery.</summary>
/// <param name="Cid">Its CID.</param>
/// <param name="CidText">The CID as text (8-4-4-4-12).</param>
/// <param name="Name">Its source name.</param>
/// <param name="Universes">The universes it says it transmits, sorted.</param>
/// <param name="Complete">True when every page of its list has arrived.</param>
/// <param name="SinceLastSeen">Time since its last page.</param>
public sealed record SacnDiscoveredSource(UInt128 Cid, string CidText, string Name, IReadOnlyList<int> Universes, bool Complete, TimeSpan SinceLastSeen);
