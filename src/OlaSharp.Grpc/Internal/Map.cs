// Licensed under the MIT License. See LICENSE in the repository root.
using OlaSharp.Core;
using OlaSharp.Core.Plugins;
using OlaSharp.Grpc.V1;
using CoreMergeMode = OlaSharp.Core.MergeMode;
using CorePort = OlaSharp.Core.Plugins.Port;
using CoreUniverse = OlaSharp.Core.Universe;

namespace OlaSharp.Grpc.Internal;

/// <summary>Core objects to API messages (allocates; admin calls only, not the frame path).</summary>
internal static class Map
{
    public static V1.Universe ToMessage(CoreUniverse u, DeviceRegistry devices)
    {
        var m = new V1.Universe
        {
            Id = (uint)u.Id,
            Name = u.Name,
            MergeMode = u.MergeMode == CoreMergeMode.Htp ? V1.MergeMode.Htp : V1.MergeMode.Ltp,
            ActivePriority = (uint)u.ActivePriority,
            SlotCount = (uint)u.Length,
            SinkCount = (uint)u.SinkCount,
        };
        foreach (SourceInfo s in u.GetSources())
        {
            m.Sources.Add(new Source
            {
                Name = s.Name,
                Kind = s.Kind,
                Priority = (uint)s.Priority,
                SlotCount = (uint)s.Length,
                Active = s.IsActive,
                FramesReceived = (ulong)s.FramesReceived,
                MsSinceLastFrame = (ulong)s.SinceLastSeen.TotalMilliseconds,
            });
        }

        foreach (CorePort p in devices.PortsOf(u.Id))
        {
            m.PortIds.Add(p.Id);
        }

        return m;
    }

    public static V1.Port ToMessage(CorePort p) => new()
    {
        Id = p.Id,
        Description = p.Description,
        Direction = p.IsOutput ? PortDirection.Output : PortDirection.Input,
        DeviceId = p.Device.UniqueId,
        DeviceName = p.Device.Name,
        DeviceAlias = (uint)p.Device.Alias,
        Universe = (uint)(p.Universe?.Id ?? 0),
        Patched = p.Universe is not null,
        Priority = (uint)p.Priority,
    };
}
