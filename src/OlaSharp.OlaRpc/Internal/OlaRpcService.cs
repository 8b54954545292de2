// Licensed under the MIT License. See LICENSE in the repository root.
using RpcType = OlaSharp.OlaRpc.Protocol.Type;

namespace OlaSharp.OlaRpc.Internal;

/// <summary>
/// OLA's OlaServerService: dispatch on the bare method name (ola-rpc.md section 2), parse the
/// request, run the handler and answer with the request's id. Handlers run inline, one request at
/// a time per connection, so replies come back in request order as olad's do.
/// </summary>
internal sealed partial class OlaRpcService
{
    /// <summary>RESPONSE_FAILED text for a request that does not parse or lacks required fields (olad never answers those).</summary>
    public const string InvalidRequest = "Invalid request";

    private const long RefusalLogIntervalMs = 10_000;

    private static readonly Ack s_ack = new();

    private readonly ILogger _logger;
    private readonly Dictionary<string, Method> _methods;
    private long _lastRefusalLog;
    private long _refusedAtLastLog;

    public OlaRpcService(ServerCore core, ILogger logger, long partialFrameBudget = PartialFrameBudget.DefaultCapacity)
    {
        PartialFrames = new PartialFrameBudget(partialFrameBudget);
        Core = core ?? throw new ArgumentNullException(nameof(core));
        _logger = logger;
        _methods = CreateMethods();
    }

    /// <summary>The server this service adapts.</summary>
    public ServerCore Core { get; }

    /// <summary>Traffic counters of every connection.</summary>
    public CounterTable Counters { get; } = RpcCounters.Create();

    /// <summary>What every connection's unfinished large frames may hold together.</summary>
    public PartialFrameBudget PartialFrames { get; }

    /// <summary>
    /// Counts a connection closed because its partial frame did not fit in <see cref="PartialFrames"/>,
    /// and logs it: the first at once, then at most one line per 10 s with the number refused meanwhile,
    /// so a flood of stalled clients gives a line, not a flood.
    /// </summary>
    public void NotePartialFrameRefused(string name, long announced)
    {
        long refused = Counters.Increment(RpcCounters.PartialFramesRefused);
        long now = Environment.TickCount64;
        long last = Interlocked.Read(ref _lastRefusalLog);
        if (last != 0 && now - last < RefusalLogIntervalMs)
        {
            return;
        }

        if (Interlocked.CompareExchange(ref _lastRefusalLog, now, last) == last)
        {
            long since = refused - Interlocked.Exchange(ref _refusedAtLastLog, refused);
            Log.PartialFrameRefused(_logger, name, announced, PartialFrames.Capacity, since);
        }
    }

    /// <summary>Method names this server answers (besides NOT_IMPLEMENTED for the rest).</summary>
    public IEnumerable<string> MethodNames => _methods.Keys;

    public async ValueTask DispatchAsync(RpcConnection connection, RpcMessage message, CancellationToken cancellationToken)
    {
        switch (message.Type)
        {
            case RpcType.Request:
                await HandleRequestAsync(connection, message, cancellationToken).ConfigureAwait(false);
                break;
            case RpcType.StreamRequest:
                await HandleStreamAsync(connection, message, cancellationToken).ConfigureAwait(false);
                break;
            default:
                // RESPONSE (the client's Ack to a push) and anything else a client sends: nothing to do.
                break;
        }
    }

    private async ValueTask HandleRequestAsync(RpcConnection connection, RpcMessage message, CancellationToken cancellationToken)
    {
        uint id = message.Id;
        if (!_methods.TryGetValue(message.Name, out Method? method))
        {
            Counters.Increment(RpcCounters.UnknownMethods);
            Log.UnknownMethod(_logger, connection.Name, message.Name);
            await connection.SendNotImplementedAsync(id, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (!TryParseRequest(method, message.Buffer, out IMessage? request))
        {
            Counters.Increment(RpcCounters.BadRequests);
            Log.BadRequest(_logger, connection.Name, message.Name);
            await connection.SendFailedAsync(id, InvalidRequest, cancellationToken).ConfigureAwait(false);
            return;
        }

        Result result;
        try
        {
            result = await method.Handler(connection, request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.HandlerFailed(_logger, ex, connection.Name, message.Name);
            result = Result.Fail($"{message.Name} failed: {ex.Message}");
        }

        if (result.Error is string error)
        {
            await connection.SendFailedAsync(id, error, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await connection.SendResponseAsync(id, result.Reply ?? s_ack, cancellationToken).ConfigureAwait(false);
        }
    }

    private async ValueTask HandleStreamAsync(RpcConnection connection, RpcMessage message, CancellationToken cancellationToken)
    {
        if (!_methods.TryGetValue(message.Name, out Method? method))
        {
            // olad answers NOT_IMPLEMENTED for an unknown name even on a stream request.
            Counters.Increment(RpcCounters.UnknownMethods);
            Log.UnknownMethod(_logger, connection.Name, message.Name);
            await connection.SendNotImplementedAsync(message.Id, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (!method.Streaming)
        {
            Log.NotStreaming(_logger, connection.Name, message.Name);
            return;
        }

        if (!TryParseRequest(method, message.Buffer, out IMessage? request))
        {
            Counters.Increment(RpcCounters.BadRequests);
            Log.BadRequest(_logger, connection.Name, message.Name);
            return;
        }

        try
        {
            await method.Handler(connection, request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A stream request has nobody to tell; log it and keep the connection.
            Log.HandlerFailed(_logger, ex, connection.Name, message.Name);
        }
    }

    private static bool TryParseRequest(Method method, ByteString buffer, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IMessage? request)
    {
        try
        {
            request = method.Parser.ParseFrom(buffer);
        }
        catch (InvalidProtocolBufferException)
        {
            request = null;
            return false;
        }

        // Google.Protobuf does not check proto2 required fields; DmxData (the per-frame request) is checked by hand.
        return method.IsValid?.Invoke(request) ?? request.IsInitialized();
    }

    private sealed record Method(
        MessageParser Parser,
        Func<RpcConnection, IMessage, CancellationToken, ValueTask<Result>> Handler,
        bool Streaming = false,
        Func<IMessage, bool>? IsValid = null);

    private readonly record struct Result(IMessage? Reply, string? Error)
    {
        public static Result Ok(IMessage reply) => new(reply, null);

        public static Result Fail(string error) => new(null, error);

        public static readonly Result Acked = new(s_ack, null);
    }
}
