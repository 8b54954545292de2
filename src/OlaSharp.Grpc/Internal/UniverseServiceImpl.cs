// Licensed under the MIT License. See LICENSE in the repository root.
using OlaSharp.Grpc.V1;
using CoreMergeMode = OlaSharp.Core.MergeMode;
using CoreUniverse = OlaSharp.Core.Universe;

namespace OlaSharp.Grpc.Internal;

/// <summary>UniverseService: lists and edits universes through <see cref="Core.UniverseRegistry"/>.</summary>
internal sealed partial class UniverseServiceImpl(ServerCore core) : UniverseService.UniverseServiceBase
{
    // For the other part (UniverseServiceImpl.Failsafe.cs): a primary constructor's parameters are in scope
    // only in the declaration that has them.
    private ServerCore Server => core;

    public override Task<ListUniversesResponse> ListUniverses(ListUniversesRequest request, ServerCallContext context)
    {
        var response = new ListUniversesResponse();
        foreach (CoreUniverse u in core.Universes.All)
        {
            response.Universes.Add(Map.ToMessage(u, core.Devices));
        }

        return Task.FromResult(response);
    }

    public override Task<Universe> GetUniverse(GetUniverseRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        CoreUniverse u = Validate.ExistingUniverse(core.Universes, request.Universe);
        return Task.FromResult(Map.ToMessage(u, core.Devices));
    }

    public override Task<Universe> SetUniverseName(SetUniverseNameRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        CoreUniverse u = Validate.ExistingUniverse(core.Universes, request.Universe);
        core.TrySetUniverseName(u.Id, request.Name, out _);
        return Task.FromResult(Map.ToMessage(u, core.Devices));
    }

    public override Task<Universe> SetMergeMode(SetMergeModeRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        CoreMergeMode mode = request.MergeMode switch
        {
            MergeMode.Htp => CoreMergeMode.Htp,
            MergeMode.Ltp => CoreMergeMode.Ltp,
            _ => throw new RpcException(new Status(StatusCode.InvalidArgument, $"merge_mode must be MERGE_MODE_HTP or MERGE_MODE_LTP, got {request.MergeMode}")),
        };
        CoreUniverse u = Validate.ExistingUniverse(core.Universes, request.Universe);
        core.TrySetMergeMode(u.Id, mode, out _);
        return Task.FromResult(Map.ToMessage(u, core.Devices));
    }
}
