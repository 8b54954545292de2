// Licensed under the MIT License. See LICENSE in the repository root.
using OlaSharp.Core.Plugins;
using OlaSharp.Grpc.V1;
using CorePort = OlaSharp.Core.Plugins.Port;

namespace OlaSharp.Grpc.Internal;

/// <summary>PortService: lists ports and patches them through <see cref="DeviceRegistry"/> (OLA's patch rules apply).</summary>
internal sealed class PortServiceImpl(ServerCore core, ILogger<PortServiceImpl> logger) : PortService.PortServiceBase
{
    public override Task<ListPortsResponse> ListPorts(ListPortsRequest request, ServerCallContext context)
    {
        var response = new ListPortsResponse();
        foreach (Device d in core.Devices.Devices)
        {
            foreach (CorePort p in d.Ports)
            {
                response.Ports.Add(Map.ToMessage(p));
            }
        }

        return Task.FromResult(response);
    }

    public override Task<V1.Port> PatchPort(PatchPortRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        int universe = Validate.UniverseId(request.Universe);
        CorePort port = FindPort(request.PortId);
        if (!core.TryPatch(port, universe, out string? error))
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, $"cannot patch {port.Id} to universe {universe}: {error}"));
        }

        Log.Patched(logger, port.Id, universe);
        return Task.FromResult(Map.ToMessage(port));
    }

    public override Task<V1.Port> UnpatchPort(UnpatchPortRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        CorePort port = FindPort(request.PortId);
        if (core.Unpatch(port))
        {
            Log.Unpatched(logger, port.Id);
        }

        return Task.FromResult(Map.ToMessage(port));
    }

    private CorePort FindPort(string id)
    {
        if (string.IsNullOrEmpty(id))
        {
            Validate.ThrowInvalid("port_id is required (e.g. \"1-1-O-0\")");
        }

        return core.FindPort(id) ?? throw new RpcException(new Status(StatusCode.NotFound, $"port {id} does not exist"));
    }
}
