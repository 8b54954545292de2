// Licensed under the MIT License. See LICENSE in the repository root.
using System.Globalization;
using System.Threading.Channels;
using OlaSharp.Core.Standby;
using OlaSharp.Grpc.V1;
using CoreStatus = OlaSharp.Core.Standby.StandbyStatus;
using StandbyStatus = OlaSharp.Grpc.V1.StandbyStatus;

namespace OlaSharp.Grpc.Internal;

/// <summary>StandbyService: the hot-standby state of <see cref="ServerCore.Standby"/> and the manual switch-over.</summary>
internal sealed class StandbyServiceImpl : StandbyService.StandbyServiceBase
{
    private readonly ServerCore _core;

    public StandbyServiceImpl(ServerCore core)
    {
        _core = core;
    }

    public override Task<StandbyStatus> GetStatus(GetStandbyStatusRequest request, ServerCallContext context) =>
        Task.FromResult(ToMessage(_core.Standby.Status));

    public override async Task WatchStatus(WatchStandbyStatusRequest request, IServerStreamWriter<StandbyStatus> responseStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(responseStream);
        ArgumentNullException.ThrowIfNull(context);
        IStandbyController standby = _core.Standby;

        // The controller's thread only queues; this call's task writes. A slow client loses the oldest changes,
        // never the newest (the last message is always the state now).
        var changes = Channel.CreateBounded<CoreStatus>(new BoundedChannelOptions(16)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        });
        void OnChanged(CoreStatus s) => changes.Writer.TryWrite(s);
        standby.StatusChanged += OnChanged;
        try
        {
            await responseStream.WriteAsync(ToMessage(standby.Status), context.CancellationToken).ConfigureAwait(false);
            await foreach (CoreStatus s in changes.Reader.ReadAllAsync(context.CancellationToken).ConfigureAwait(false))
            {
                await responseStream.WriteAsync(ToMessage(s), context.CancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            // The client cancelled or went away: the normal end of a watch.
        }
        finally
        {
            standby.StatusChanged -= OnChanged;
        }
    }

    public override Task<StandbyStatus> SwitchOver(SwitchOverRequest request, ServerCallContext context)
    {
        IStandbyController standby = _core.Standby;
        if (!standby.TrySwitchOver(out string? error))
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, error ?? "the switch-over was refused"));
        }

        return Task.FromResult(ToMessage(standby.Status));
    }

    internal static StandbyStatus ToMessage(CoreStatus s) => new()
    {
        Role = Role(s.Role),
        RoleName = StandbyText.RoleName(s.Role),
        Partner = s.Partner,
        PartnerRole = Role(s.PartnerRole),
        PartnerLastHeardMs = s.PartnerLastHeard is TimeSpan heard ? (long)heard.TotalMilliseconds : -1,
        Since = s.Since.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        Reason = s.Reason,
        Transitions = (ulong)Math.Max(0, s.Transitions),
        OutputsDriven = StandbyText.DrivesOutputs(s.Role),
        Outputs = StandbyText.Outputs(s),
    };

    private static V1.StandbyRole Role(Core.Standby.StandbyRole role) => role switch
    {
        Core.Standby.StandbyRole.Active => V1.StandbyRole.Active,
        Core.Standby.StandbyRole.Standby => V1.StandbyRole.Standby,
        Core.Standby.StandbyRole.Starting => V1.StandbyRole.Starting,
        _ => V1.StandbyRole.Standalone,
    };
}
