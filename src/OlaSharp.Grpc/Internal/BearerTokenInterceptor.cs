// Licensed under the MIT License. See LICENSE in the repository root.
using Grpc.Core.Interceptors;
using OlaSharp.Core.Security;

namespace OlaSharp.Grpc.Internal;

/// <summary>
/// Checks <c>authorization: Bearer &lt;token&gt;</c> on calls that change state when a token is configured
/// (reads, watches, health and reflection stay open). The HTTP API checks the same token the same way
/// (<see cref="BearerToken"/>).
/// </summary>
internal sealed class BearerTokenInterceptor : Interceptor
{
    private static readonly HashSet<string> s_stateChanging = new(StringComparer.Ordinal)
    {
        "/olasharp.v1.FrameService/StreamFrames",
        "/olasharp.v1.FrameService/SetFrame",
        "/olasharp.v1.FrameService/ReleaseSource",
        "/olasharp.v1.UniverseService/SetUniverseName",
        "/olasharp.v1.UniverseService/SetMergeMode",
        "/olasharp.v1.UniverseService/SetFailsafe",
        "/olasharp.v1.UniverseService/CaptureScene",
        "/olasharp.v1.UniverseService/DeleteScene",
        "/olasharp.v1.UniverseService/SetStartupScene",
        "/olasharp.v1.PortService/PatchPort",
        "/olasharp.v1.PortService/UnpatchPort",
        "/olasharp.v1.StandbyService/SwitchOver",
    };

    private readonly BearerTokenSource _tokens;
    private readonly ILogger _logger;

    // Anyone who can reach the port can make calls: one line per 10 s, counting the others.
    private readonly CountingLogThrottle _refusedLog = new(TimeProvider.System, TimeSpan.FromSeconds(10));

    public BearerTokenInterceptor(GrpcApiOptions options, ILogger<BearerTokenInterceptor> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _tokens = options.AuthTokens ?? new BearerTokenSource(BearerToken.Parse(options.AuthToken));
        _logger = logger;
    }

    /// <summary>Methods that need the token.</summary>
    public static IReadOnlyCollection<string> StateChangingMethods => s_stateChanging;

    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        Check(context);
        return continuation(request, context);
    }

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        Check(context);
        return continuation(requestStream, context);
    }

    private void Check(ServerCallContext context)
    {
        // Read per call: a reload may have changed auth_token.
        BearerToken? expected = _tokens.Current;
        if (expected is null || !s_stateChanging.Contains(context.Method))
        {
            return;
        }

        if (expected.IsAuthorized(context.RequestHeaders.GetValue("authorization")))
        {
            return;
        }

        if (_refusedLog.TryEnter(out long suppressed))
        {
            Log.Unauthenticated(_logger, context.Method, context.Peer, suppressed);
        }

        throw new RpcException(new Status(StatusCode.Unauthenticated, "this call needs 'authorization: Bearer <token>' (auth_token in ola-grpc.conf)"));
    }
}
