// Licensed under the MIT License. See LICENSE in the repository root.
using System.Runtime.CompilerServices;

namespace OlaSharp.Core;

/// <summary>
/// One sender into one universe: an Art-Net node, an sACN CID, a gRPC stream, an OLA RPC connection.
/// Created by <see cref="Universe.AddSource"/> and owned by whoever created it; the universe only
/// reads it under its lock. Expiry deactivates a source (it stops counting in the merge) without
/// removing it, so its owner can keep sending into the same object.
/// </summary>
public sealed class DmxSource
{
    internal readonly byte[] Slots = new byte[DmxFrame.MaxSlots];
    internal byte[]? SlotPriorities;
    internal int SlotPriorityLength;
    internal bool SlotPrioritiesEnabled;
    internal long TimeoutTicks;
    internal long Sequence;

    // Shared by the universe's sources of one kind: frames in per protocol survive the sources.
    internal StrongBox<long> KindFrames = new();

    internal DmxSource(Universe universe, string name, string kind, TimeSpan timeout, int priority, long timeoutTicks)
    {
        Universe = universe;
        Name = name;
        Kind = kind;
        Timeout = timeout;
        TimeoutTicks = timeoutTicks;
        Priority = global::OlaSharp.Core.Priority.Clamp(priority);
    }

    /// <summary>The universe this source feeds.</summary>
    public Universe Universe { get; }

    /// <summary>Human-readable identity (address, CID, client id).</summary>
    public string Name { get; }

    /// <summary>Protocol label: <c>artnet</c>, <c>sacn</c>, <c>grpc</c>, <c>olarpc</c>, <c>http</c>, <c>dummy</c>...</summary>
    public string Kind { get; }

    /// <summary>Silence after which the source stops counting; infinite for client sources removed on disconnect.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>Current priority, 0..200.</summary>
    public int Priority { get; internal set; }

    /// <summary>Number of valid slots in the source's last frame.</summary>
    public int Length { get; internal set; }

    /// <summary>True while the source counts in the merge (has sent data and has not expired).</summary>
    public bool IsActive { get; internal set; }

    /// <summary>True once removed from its universe; updates are then ignored.</summary>
    public bool IsRemoved { get; internal set; }

    /// <summary>Timestamp (<see cref="TimeProvider.GetTimestamp"/>) of the last update.</summary>
    public long LastSeen { get; internal set; }

    /// <summary>Frames received from this source.</summary>
    public long FramesReceived { get; internal set; }

    /// <summary>True when the source carries per-slot priorities (sACN start code 0xDD).</summary>
    public bool UsesSlotPriorities => SlotPrioritiesEnabled;

    /// <inheritdoc />
    public override string ToString() => $"{Kind}:{Name} (prio {Priority}, {Length} slots{(IsActive ? string.Empty : ", inactive")})";
}

/// <summary>A copy of a source's state for APIs and UIs (allocates; not for the frame path).</summary>
public sealed record SourceInfo(string Name, string Kind, int Priority, int Length, bool IsActive, bool UsesSlotPriorities, TimeSpan SinceLastSeen, long FramesReceived);

/// <summary>
/// One sender behind an input port that merges its senders itself (sACN: each CID) and feeds the universe
/// as one source; for APIs and UIs.
/// </summary>
/// <param name="Id">Protocol identity (the CID).</param>
/// <param name="Name">The sender's name.</param>
/// <param name="Address">Its network address, if known.</param>
/// <param name="Priority">Its priority.</param>
/// <param name="UsesSlotPriorities">True while it sends per-slot priorities.</param>
/// <param name="Length">Slots in its last frame.</param>
/// <param name="Packets">Packets taken from it.</param>
/// <param name="SinceLastSeen">Time since its last packet.</param>
public sealed record SenderInfo(string Id, string Name, string? Address, int Priority, bool UsesSlotPriorities, int Length, long Packets, TimeSpan SinceLastSeen);
