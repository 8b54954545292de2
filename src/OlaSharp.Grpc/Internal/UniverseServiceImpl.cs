// Licensed under the MIT License. See LICENSE in the repository root.
using OlaSharp.Grpc.V1;
using CoreMergeMode = OlaSharp.Core.MergeMode;
using CoreUniverse = OlaSharp.Core.Universe;

namespace OlaSharp.Grpc.Internal;

/// <summary>UniverseService: lists and edits universes through <see cref="Core.UniverseRegistry"/>.</summary>
internal sealed partial class UniverseServiceImpl : UniverseService.UniverseServiceBase
{
    private readonly ServerCore _core;

    public UniverseServiceImpl(ServerCore core)
    {
        _core = core;
    }

    public override Task<ListUniversesResponse> ListUniverses(ListUniversesRequest request, ServerCallContext context)
    {
        var response = new ListUniversesResponse();
        foreach (CoreUniverse u in _core.Universes.All)
        {
            response.Universes.Add(Map.ToMessage(u, _core.Devices));
        }

        return Task.FromResult(response);
    }

    public override Task<Universe> GetUniverse(GetUniverseRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        CoreUniverse u = Validate.ExistingUniverse(_core.Universes, request.Universe);
        return Task.FromResult(Map.ToMessage(u, _core.Devices));
    }

    public override Task<Universe> SetUniverseName(SetUniverseNameRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        CoreUniverse u = Validate.ExistingUniverse(_core.Universes, request.Universe);
        _core.TrySetUniverseName(u.Id, request.Name, out _);
        return Task.FromResult(Map.ToMessage(u, _core.Devices));
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
        CoreUniverse u = Validate.ExistingUniverse(_core.Universes, request.Universe);
        _core.TrySetMergeMode(u.Id, mode, out _);
        return Task.FromResult(Map.ToMessage(u, _core.Devices));
    }
}
