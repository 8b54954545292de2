// Licensed under the MIT License. See LICENSE in the repository root.
using OlaSharp.Core;
using OlaSharp.Grpc.V1;
using Universe = OlaSharp.Core.Universe;

namespace OlaSharp.Grpc.Internal;

/// <summary>FrameService: a thin adapter from gRPC calls to <see cref="Universe"/> sources and sinks.</summary>
internal sealed class FrameServiceImpl : FrameService.FrameServiceBase
{
    private const string DefaultUnaryName = "grpc";

    private readonly ServerCore _core;
    private readonly UnarySources _unary;
    private readonly CounterTable _counters;
    private readonly ILogger _logger;

    public FrameServiceImpl(ServerCore core, UnarySources unary, GrpcCounterSource counters, ILogger<FrameServiceImpl> logger)
    {
        _core = core;
        _unary = unary;
        _counters = counters.Counters;
        _logger = logger;
    }

    public override async Task<StreamFramesResponse> StreamFrames(IAsyncStreamReader<StreamFramesRequest> requestStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(requestStream);
        ArgumentNullException.ThrowIfNull(context);
        CancellationToken ct = context.CancellationToken;

        // One source per universe this stream feeds; a stream usually feeds one or a few.
        using ClientSources sources = _core.OpenClient("grpc:" + context.Peer, "grpc");
        long received = 0;
        long accepted = 0;
        Log.StreamOpened(_logger, context.Peer);
        try
        {
            while (await requestStream.MoveNext(ct).ConfigureAwait(false))
            {
                StreamFramesRequest request = requestStream.Current;
                int id = CheckFrame(request.Frame);
                received++;
                DmxSource source = sources.For(_core.Universes.GetOrCreate(id), string.IsNullOrEmpty(request.SourceName) ? null : request.SourceName);
                if (Apply(source, request.Frame))
                {
                    accepted++;
                }
            }

            return new StreamFramesResponse { FramesReceived = (ulong)received, FramesAccepted = (ulong)accepted };
        }
        finally
        {
            // Ends, errors and vanished clients all come through here: the stream's sources go with it (using).
            Log.StreamClosed(_logger, context.Peer, received, sources.Count);
        }
    }

    public override Task<SetFrameResponse> SetFrame(SetFrameRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        int id = CheckFrame(request.Frame);
        string name = string.IsNullOrEmpty(request.SourceName) ? DefaultUnaryName : request.SourceName;
        DmxSource source = _unary.GetOrAdd(_core.Universes.GetOrCreate(id), name);
        return Task.FromResult(new SetFrameResponse { Accepted = Apply(source, request.Frame) });
    }

    public override Task<ReleaseSourceResponse> ReleaseSource(ReleaseSourceRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        int id = Validate.UniverseId(request.Universe);
        string name = string.IsNullOrEmpty(request.SourceName) ? DefaultUnaryName : request.SourceName;
        return Task.FromResult(new ReleaseSourceResponse { Released = _unary.Release(id, name) });
    }

    public override async Task WatchFrames(WatchFramesRequest request, IServerStreamWriter<WatchFramesResponse> responseStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        if (request.Universes.Count == 0)
        {
            Validate.ThrowInvalid("universes must name at least one universe");
        }

        var ids = new List<int>(request.Universes.Count);
        foreach (uint u in request.Universes)
        {
            int id = Validate.UniverseId(u, "universes");
            if (!ids.Contains(id))
            {
                ids.Add(id);
            }
        }

        TimeSpan refresh = request.RefreshIntervalMs is uint ms ? TimeSpan.FromMilliseconds(ms) : GrpcApiOptions.DefaultRefreshInterval;
        var universes = ids.ConvertAll(_core.Universes.GetOrCreate);
        using var watcher = new FrameWatcher(universes, _core.Time, refresh, _counters);
        Log.WatchOpened(_logger, context.Peer, universes.Count);
        try
        {
            await watcher.RunAsync(responseStream, context.CancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            // The client cancelled or went away: a normal end of a watch.
        }
        finally
        {
            Log.WatchClosed(_logger, context.Peer, watcher.Sent);
        }
    }

    // Counts every frame a client sends, and the ones refused as invalid.
    private int CheckFrame(Frame frame)
    {
        _counters.Increment(GrpcCounters.FramesReceived);
        try
        {
            return Validate.Frame(frame);
        }
        catch (RpcException)
        {
            _counters.Increment(GrpcCounters.Invalid);
            throw;
        }
    }

    private static bool Apply(DmxSource source, Frame frame)
    {
        Universe u = source.Universe;
        int? priority = frame.Priority is uint p ? (int)p : null;
        if (frame.StartCode == Validate.SlotPriorityStartCode)
        {
            u.SetSlotPriorities(source, frame.Slots.Span);
            if (priority is int sp)
            {
                u.SetSourcePriority(source, sp);
            }

            return true;
        }

        return u.Update(source, frame.Slots.Span, priority);
    }
}
