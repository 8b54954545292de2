// Licensed under the MIT License. See LICENSE in the repository root.
using Google.Protobuf;
using OlaSharp.Grpc.V1;
using CoreFailsafeError = OlaSharp.Core.FailsafeError;
using CoreFailsafeResult = OlaSharp.Core.FailsafeResult;
using CoreFailsafeSettings = OlaSharp.Core.FailsafeSettings;
using CoreFailsafeStatus = OlaSharp.Core.FailsafeStatus;
using CoreLossPolicy = OlaSharp.Core.LossPolicy;
using CoreSceneInfo = OlaSharp.Core.SceneInfo;
using CoreUniverse = OlaSharp.Core.Universe;

namespace OlaSharp.Grpc.Internal;

/// <summary>UniverseService's failsafe, scenes and startup scene: thin adapters over <see cref="ServerCore"/>.</summary>
internal sealed partial class UniverseServiceImpl
{
    public override Task<Failsafe> GetFailsafe(GetFailsafeRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Task.FromResult(ToMessage(Validate.ExistingUniverse(Server.Universes, request.Universe)));
    }

    public override Task<Failsafe> SetFailsafe(SetFailsafeRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        CoreLossPolicy mode = request.Mode switch
        {
            FailsafeMode.Hold => CoreLossPolicy.Hold,
            FailsafeMode.Blackout => CoreLossPolicy.Blackout,
            FailsafeMode.Full => CoreLossPolicy.Full,
            FailsafeMode.Scene => CoreLossPolicy.Scene,
            _ => throw new RpcException(new Status(StatusCode.InvalidArgument, $"mode must be FAILSAFE_MODE_HOLD, _BLACKOUT, _FULL or _SCENE, got {request.Mode}")),
        };
        TimeSpan? after = request.HasAfterMs ? TimeSpan.FromMilliseconds(request.AfterMs) : null;
        int id = Validate.UniverseId(request.Universe);
        return Answer(request.Universe, Server.SetFailsafe(id, new CoreFailsafeSettings(mode, after, request.Scene.Length == 0 ? null : request.Scene)));
    }

    public override Task<Failsafe> CaptureScene(CaptureSceneRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Answer(request.Universe, Server.CaptureScene(Validate.UniverseId(request.Universe), request.Name));
    }

    public override Task<ListScenesResponse> ListScenes(ListScenesRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        CoreUniverse u = Validate.ExistingUniverse(Server.Universes, request.Universe);
        var response = new ListScenesResponse();
        foreach (CoreSceneInfo scene in u.GetScenes())
        {
            response.Scenes.Add(new Scene { Name = scene.Name, Slots = ByteString.CopyFrom(scene.Slots) });
        }

        return Task.FromResult(response);
    }

    public override Task<Failsafe> DeleteScene(DeleteSceneRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Answer(request.Universe, Server.DeleteScene(Validate.UniverseId(request.Universe), request.Name));
    }

    public override Task<Failsafe> SetStartupScene(SetStartupSceneRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Answer(request.Universe, Server.SetStartupScene(Validate.UniverseId(request.Universe), request.Name));
    }

    // A change's answer: the universe's failsafe as it now stands, or the change's refusal as a status.
    private Task<Failsafe> Answer(uint universe, CoreFailsafeResult result)
    {
        if (result.Ok)
        {
            return Task.FromResult(ToMessage(Validate.ExistingUniverse(Server.Universes, universe)));
        }

        StatusCode code = result.Error switch
        {
            CoreFailsafeError.UniverseNotFound or CoreFailsafeError.SceneNotFound => StatusCode.NotFound,
            CoreFailsafeError.FailedPrecondition => StatusCode.FailedPrecondition,
            _ => StatusCode.InvalidArgument,
        };
        throw new RpcException(new Status(code, result.Message));
    }

    private static FailsafeMode ToMessage(CoreLossPolicy mode) => mode switch
    {
        CoreLossPolicy.Blackout => FailsafeMode.Blackout,
        CoreLossPolicy.Full => FailsafeMode.Full,
        CoreLossPolicy.Scene => FailsafeMode.Scene,
        _ => FailsafeMode.Hold,
    };

    private static Failsafe ToMessage(CoreUniverse u)
    {
        CoreFailsafeSettings f = u.Failsafe;
        CoreFailsafeStatus s = u.GetFailsafeStatus();
        var message = new Failsafe
        {
            Universe = (uint)u.Id,
            Mode = ToMessage(f.Mode),
            Scene = f.Scene ?? string.Empty,
            Configured = u.FailsafeConfigured,
            StartupScene = u.StartupScene ?? string.Empty,
            Active = s.Active,
            ActiveMode = s.Active ? ToMessage(s.Mode) : FailsafeMode.Unspecified,
            SinceUnixMs = s.Since?.ToUnixTimeMilliseconds() ?? 0,
            StartupSceneShown = s.StartupSceneShown,
            Activations = (ulong)s.Activations,
        };
        if (f.After is TimeSpan after)
        {
            message.AfterMs = (uint)after.TotalMilliseconds;
        }

        foreach (CoreSceneInfo scene in u.GetScenes())
        {
            message.SceneNames.Add(scene.Name);
        }

        return message;
    }
}
