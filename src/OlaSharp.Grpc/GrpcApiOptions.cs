// Licensed under the MIT License. See LICENSE in the repository root.
namespace OlaSharp.Grpc;

/// <summary>Settings of the gRPC API (from <c>ola-grpc.conf</c> in the server).</summary>
public sealed record GrpcApiOptions
{
    /// <summary>Conf prefix: the server reads <c>ola-grpc.conf</c>.</summary>
    public const string ConfPrefix = "grpc";

    /// <summary>Conf key of the bearer token.</summary>
    public const string AuthTokenKey = OlaSharp.Core.Security.BearerToken.ConfKey;

    /// <summary>Refresh interval a watcher gets when it does not ask for one.</summary>
    public static readonly TimeSpan DefaultRefreshInterval = TimeSpan.FromSeconds(1);

    /// <summary>
    /// When set, calls that change state (sending frames, renaming, merge mode, patching) need
    /// <c>authorization: Bearer &lt;token&gt;</c>; reads and watches stay open. Blank means no token;
    /// surrounding spaces are ignored (<see cref="OlaSharp.Core.Security.BearerToken.Parse"/>).
    /// </summary>
    public string? AuthToken { get; init; }

    /// <summary>
    /// The token as it changes on reload (the server's, shared with the HTTP API); when set it is read per
    /// call and <see cref="AuthToken"/> is not used.
    /// </summary>
    public OlaSharp.Core.Security.BearerTokenSource? AuthTokens { get; init; }
}
