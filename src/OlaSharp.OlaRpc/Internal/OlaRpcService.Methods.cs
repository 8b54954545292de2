// Licensed under the MIT License. See LICENSE in the repository root.
using OlaSharp.Core;
using OlaSharp.Core.Plugins;
using CoreMergeMode = OlaSharp.Core.MergeMode;
using CorePriorityMode = OlaSharp.Core.Plugins.PriorityMode;
using ProtoMergeMode = OlaSharp.OlaRpc.Protocol.MergeMode;

namespace OlaSharp.OlaRpc.Internal;

// The handlers, with olad's error texts (olad/OlaServerServiceImpl.cpp, ola-rpc.md section 7).
internal sealed partial class OlaRpcService
{
    public const string UniverseDoesNotExist = "Universe doesn't exist";
    public const string DeviceDoesNotExist = "Device doesn't exist";
    public const string PortDoesNotExist = "Port doesn't exist";
    public const string PluginNotLoaded = "Plugin not loaded";
    public const string InvalidPriorityRequest = "Invalid SetPortPriority request, see logs for more info";
    public const string RdmNotSupported = "RDM is not supported by OlaSharp yet";

    private Dictionary<string, Method> CreateMethods()
    {
        var m = new Dictionary<string, Method>(StringComparer.Ordinal)
        {
            ["GetPlugins"] = new(PluginListRequest.Parser, (c, r, ct) => new(GetPlugins())),
            ["ReloadPlugins"] = new(PluginReloadRequest.Parser, ReloadPluginsAsync),
            ["GetPluginDescription"] = new(PluginDescriptionRequest.Parser, (c, r, ct) => new(GetPluginDescription((PluginDescriptionRequest)r))),
            ["GetPluginState"] = new(PluginStateRequest.Parser, (c, r, ct) => new(GetPluginState((PluginStateRequest)r))),
            ["SetPluginState"] = new(PluginStateChangeRequest.Parser, SetPluginStateAsync),
            ["GetDeviceInfo"] = new(DeviceInfoRequest.Parser, (c, r, ct) => new(GetDeviceInfo((DeviceInfoRequest)r))),
            ["GetCandidatePorts"] = new(OptionalUniverseRequest.Parser, (c, r, ct) => new(GetCandidatePorts((OptionalUniverseRequest)r))),
            ["ConfigureDevice"] = new(DeviceConfigRequest.Parser, (c, r, ct) => new(ConfigureDevice((DeviceConfigRequest)r))),
            ["PatchPort"] = new(PatchPortRequest.Parser, (c, r, ct) => new(PatchPort((PatchPortRequest)r))),
            ["SetPortPriority"] = new(PortPriorityRequest.Parser, (c, r, ct) => new(SetPortPriority((PortPriorityRequest)r))),
            ["GetUniverseInfo"] = new(OptionalUniverseRequest.Parser, (c, r, ct) => new(GetUniverseInfo((OptionalUniverseRequest)r))),
            ["SetUniverseName"] = new(UniverseNameRequest.Parser, (c, r, ct) => new(SetUniverseName((UniverseNameRequest)r))),
            ["SetMergeMode"] = new(MergeModeRequest.Parser, (c, r, ct) => new(SetMergeMode((MergeModeRequest)r))),
            ["RegisterForDmx"] = new(RegisterDmxRequest.Parser, (c, r, ct) => new(RegisterForDmx(c, (RegisterDmxRequest)r))),
            ["UpdateDmxData"] = new(DmxData.Parser, (c, r, ct) => new(UpdateDmxData(c, (DmxData)r, reportMissing: true)), IsValid: IsValidDmxData),
            ["StreamDmxData"] = new(DmxData.Parser, (c, r, ct) => new(UpdateDmxData(c, (DmxData)r, reportMissing: false)), Streaming: true, IsValid: IsValidDmxData),
            ["GetDmx"] = new(UniverseRequest.Parser, (c, r, ct) => new(GetDmx((UniverseRequest)r))),
            ["SendTimeCode"] = new(TimeCode.Parser, (c, r, ct) => new(Result.Acked)),
        };

        // RDM arrives with its own issue; until then the calls fail with a clear text instead of NOT_IMPLEMENTED.
        foreach (string name in new[] { "GetUIDs", "ForceDiscovery", "SetSourceUID", "RDMCommand", "RDMDiscoveryCommand" })
        {
            m[name] = new(Ack.Parser, (c, r, ct) => new(Result.Fail(RdmNotSupported)), IsValid: static _ => true);
        }

        return m;
    }

    private static bool IsValidDmxData(IMessage message) => message is DmxData { HasUniverse: true, HasData: true };

    private Result GetPlugins()
    {
        var reply = new PluginListReply();
        foreach (Plugin p in Core.Plugins.Plugins)
        {
            reply.Plugin.Add(ToPluginInfo(p));
        }

        return Result.Ok(reply);
    }

    private async ValueTask<Result> ReloadPluginsAsync(RpcConnection connection, IMessage request, CancellationToken cancellationToken)
    {
        await Core.ReloadAsync(cancellationToken).ConfigureAwait(false);
        return Result.Acked;
    }

    private Result GetPluginDescription(PluginDescriptionRequest request)
    {
        Plugin? p = Core.Plugins.Find(request.PluginId);
        return p is null
            ? Result.Fail(PluginNotLoaded)
            : Result.Ok(new PluginDescriptionReply { Name = p.Name, Description = p.Description });
    }

    private Result GetPluginState(PluginStateRequest request)
    {
        Plugin? p = Core.Plugins.Find(request.PluginId);
        if (p is null)
        {
            return Result.Fail(PluginNotLoaded);
        }

        var reply = new PluginStateReply
        {
            Name = p.Name,
            Enabled = p.IsEnabled,
            Active = DeviceHealthReport.IsActive(p),
            PreferencesSource = Core.PreferencesSource(p),
        };
        foreach (int id in p.ConflictsWith)
        {
            if (Core.Plugins.Find(id) is Plugin other)
            {
                reply.ConflictsWith.Add(ToPluginInfo(other));
            }
        }

        return Result.Ok(reply);
    }

    private async ValueTask<Result> SetPluginStateAsync(RpcConnection connection, IMessage message, CancellationToken cancellationToken)
    {
        var request = (PluginStateChangeRequest)message;
        Plugin? p = Core.Plugins.Find(request.PluginId);
        if (p is null)
        {
            return Result.Acked; // olad's quirk: an unknown plugin gets an Ack.
        }

        bool ok = await Core.Plugins.SetEnabledAsync(p.Id, request.Enabled, cancellationToken).ConfigureAwait(false);
        return ok || !request.Enabled ? Result.Acked : Result.Fail($"Failed to start plugin: {p.Name}");
    }

    private Result GetDeviceInfo(DeviceInfoRequest request)
    {
        int filter = request.HasPluginId ? request.PluginId : OlaSharp.Core.Plugins.PluginIds.All;
        var reply = new DeviceInfoReply();
        foreach (Device d in Core.Devices.Devices)
        {
            if (filter != OlaSharp.Core.Plugins.PluginIds.All && d.Owner.Id != filter)
            {
                continue;
            }

            DeviceInfo info = NewDeviceInfo(d);
            foreach (InputPort p in d.InputPorts)
            {
                info.InputPort.Add(ToPortInfo(p));
            }

            foreach (OutputPort p in d.OutputPorts)
            {
                info.OutputPort.Add(ToPortInfo(p));
            }

            reply.Device.Add(info);
        }

        return Result.Ok(reply);
    }

    // Unpatched ports that could be patched (to the universe, if given) under the device's rules, by device.
    private Result GetCandidatePorts(OptionalUniverseRequest request)
    {
        int? universe = request.HasUniverse ? request.Universe : null;
        if (universe is int id && !Core.Universes.TryGet(id, out _))
        {
            return Result.Fail(UniverseDoesNotExist);
        }

        var reply = new DeviceInfoReply();
        DeviceInfo? info = null;
        foreach (Port p in Core.CandidatePorts(universe))
        {
            if (info is null || info.DeviceAlias != p.Device.Alias)
            {
                info = NewDeviceInfo(p.Device);
                reply.Device.Add(info);
            }

            (p.IsOutput ? info.OutputPort : info.InputPort).Add(ToPortInfo(p));
        }

        return Result.Ok(reply);
    }

    private Result ConfigureDevice(DeviceConfigRequest request) =>
        Core.Devices.FindByAlias(request.DeviceAlias) is null
            ? Result.Fail(DeviceDoesNotExist)
            : Result.Fail("Device doesn't support configuration");

    private bool TryFindPort(int alias, bool isOutput, int index, out Port? port, out string? error)
    {
        PortLookup found = Core.FindPort(alias, isOutput, index, out port);
        error = found switch
        {
            PortLookup.NoDevice => DeviceDoesNotExist,
            PortLookup.NoPort => PortDoesNotExist,
            _ => null,
        };
        return found == PortLookup.Found;
    }

    private Result PatchPort(PatchPortRequest request)
    {
        if (!TryFindPort(request.DeviceAlias, request.IsOutput, request.PortId, out Port? port, out string? error))
        {
            return Result.Fail(error!);
        }

        if (request.Action == PatchAction.Unpatch)
        {
            Core.Unpatch(port!);
            return Result.Acked;
        }

        return Core.TryPatch(port!, request.Universe, out error) ? Result.Acked : Result.Fail(error);
    }

    private Result SetPortPriority(PortPriorityRequest request)
    {
        if (!TryFindPort(request.DeviceAlias, request.IsOutput, request.PortId, out Port? port, out string? error))
        {
            return Result.Fail(error!);
        }

        if (request.PriorityMode != (int)CorePriorityMode.Inherit && request.PriorityMode != (int)CorePriorityMode.Static)
        {
            return Result.Fail(InvalidPriorityRequest);
        }

        var mode = (CorePriorityMode)request.PriorityMode;
        if (mode == CorePriorityMode.Static && !request.HasPriority)
        {
            return Result.Fail(InvalidPriorityRequest);
        }

        // olad (PortManager::SetPriority*) acks without a change when the port cannot take the mode.
        if (port!.PriorityCapability == PriorityCapability.None
            || (mode == CorePriorityMode.Inherit && port.PriorityCapability != PriorityCapability.Full))
        {
            return Result.Acked;
        }

        return Core.Devices.TrySetPriority(port, mode, request.HasPriority ? request.Priority : null, out error)
            ? Result.Acked
            : Result.Fail(error ?? InvalidPriorityRequest);
    }

    private Result GetUniverseInfo(OptionalUniverseRequest request)
    {
        var reply = new UniverseInfoReply();
        if (request.HasUniverse)
        {
            if (!Core.Universes.TryGet(request.Universe, out Universe? u))
            {
                return Result.Fail(UniverseDoesNotExist);
            }

            reply.Universe.Add(ToUniverseInfo(u));
            return Result.Ok(reply);
        }

        foreach (Universe u in Core.Universes.All)
        {
            reply.Universe.Add(ToUniverseInfo(u));
        }

        return Result.Ok(reply);
    }

    private Result SetUniverseName(UniverseNameRequest request) =>
        Core.TrySetUniverseName(request.Universe, request.Name, out _) ? Result.Acked : Result.Fail(UniverseDoesNotExist);

    private Result SetMergeMode(MergeModeRequest request) =>
        Core.TrySetMergeMode(request.Universe, request.MergeMode == ProtoMergeMode.Htp ? CoreMergeMode.Htp : CoreMergeMode.Ltp, out _)
            ? Result.Acked
            : Result.Fail(UniverseDoesNotExist);

    private Result RegisterForDmx(RpcConnection connection, RegisterDmxRequest request)
    {
        if (request.Universe < 0)
        {
            return Result.Fail(UniverseDoesNotExist);
        }

        // olad: both REGISTER and UNREGISTER get-or-create the universe.
        Universe u = Core.Universes.GetOrCreate(request.Universe);
        if (request.Action == RegisterAction.Register)
        {
            connection.Register(u);
        }
        else
        {
            connection.Unregister(u.Id);
        }

        return Result.Acked;
    }

    private Result UpdateDmxData(RpcConnection connection, DmxData request, bool reportMissing)
    {
        string? error = ApplyDmx(connection, request.Universe, request.Data.Span, request.HasPriority ? request.Priority : null, reportMissing);
        return error is null ? Result.Acked : Result.Fail(error);
    }

    /// <summary>
    /// The DMX path without message objects (ola-rpc.md section 7): returns null or the error text.
    /// Stores the frame as this connection's source and merges; registered sinks get the push
    /// from the universe's Updated event before this returns, so before the sender's Ack.
    /// </summary>
    private string? ApplyDmx(RpcConnection connection, int universe, ReadOnlySpan<byte> data, int? priority, bool reportMissing)
    {
        if (!Core.Universes.TryGet(universe, out Universe? u))
        {
            // StreamDmxData to a missing universe is dropped silently, as in olad.
            return reportMissing ? UniverseDoesNotExist : null;
        }

        DmxSource source = connection.SourceFor(u);
        u.Update(source, data, priority ?? OlaSharp.Core.Priority.Default);
        return null;
    }

    /// <summary>
    /// Handles UpdateDmxData/StreamDmxData straight from the frame bytes when they have the plain shape
    /// (<see cref="FastDecoder"/>); false sends the frame down the general path. <paramref name="reply"/>
    /// is the queued answer, to be awaited.
    /// </summary>
    public bool TryHandleDmxFast(RpcConnection connection, ReadOnlySpan<byte> body, CancellationToken cancellationToken, out ValueTask reply)
    {
        reply = ValueTask.CompletedTask;
        if (!FastDecoder.TryDecodeDmxCall(body, out FastDecoder.DmxCall call))
        {
            return false;
        }

        if (!call.Valid)
        {
            Counters.Increment(RpcCounters.BadRequests);
            Log.BadRequest(_logger, connection.Name, call.IsStream ? "StreamDmxData" : "UpdateDmxData");
            if (!call.IsStream)
            {
                reply = connection.SendFailedAsync(call.Id, InvalidRequest, cancellationToken);
            }

            return true;
        }

        string? error = ApplyDmx(connection, call.Universe, call.Data, call.Priority, reportMissing: !call.IsStream);
        if (!call.IsStream)
        {
            reply = error is null
                ? connection.SendResponseAsync(call.Id, s_ack, cancellationToken)
                : connection.SendFailedAsync(call.Id, error, cancellationToken);
        }

        return true;
    }

    private Result GetDmx(UniverseRequest request)
    {
        if (!Core.Universes.TryGet(request.Universe, out Universe? u))
        {
            return Result.Fail(UniverseDoesNotExist);
        }

        Span<byte> slots = stackalloc byte[DmxFrame.MaxSlots];
        int n = u.CopyMerged(slots);
        return Result.Ok(new DmxData { Universe = u.Id, Data = ByteString.CopyFrom(slots[..n]) });
    }

    private static PluginInfo ToPluginInfo(Plugin p) =>
        new() { PluginId = p.Id, Name = p.Name, Active = DeviceHealthReport.IsActive(p), Enabled = p.IsEnabled };

    private static DeviceInfo NewDeviceInfo(Device d) =>
        new() { DeviceAlias = d.Alias, PluginId = d.Owner.Id, DeviceName = d.Name, DeviceId = d.UniqueId };

    // olad's rules: id, capability, description and active always; universe only when patched;
    // priority_mode only with a capability; priority only in static mode; supports_rdm always.
    internal static PortInfo ToPortInfo(Port p)
    {
        var info = new PortInfo
        {
            PortId = p.Index,
            PriorityCapability = (int)p.PriorityCapability,
            Description = p.Description,
            Active = p.Universe is not null,
            SupportsRdm = p.SupportsRdm,
        };
        if (p.Universe is Universe u)
        {
            info.Universe = u.Id;
        }

        if (p.PriorityCapability != PriorityCapability.None)
        {
            info.PriorityMode = (int)p.PriorityMode;
            if (p.PriorityMode == CorePriorityMode.Static)
            {
                info.Priority = p.Priority;
            }
        }

        return info;
    }

    private UniverseInfo ToUniverseInfo(Universe u)
    {
        var info = new UniverseInfo
        {
            Universe = u.Id,
            Name = u.Name,
            MergeMode = u.MergeMode == CoreMergeMode.Htp ? ProtoMergeMode.Htp : ProtoMergeMode.Ltp,
            InputPortCount = u.InputPortCount,
            OutputPortCount = u.OutputPortCount,
            RdmDevices = 0,
        };
        foreach (Port p in Core.Devices.PortsOf(u.Id))
        {
            (p.IsOutput ? info.OutputPorts : info.InputPorts).Add(ToPortInfo(p));
        }

        return info;
    }
}
