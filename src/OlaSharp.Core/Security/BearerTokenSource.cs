// Licensed under the MIT License. See LICENSE in the repository root.

namespace OlaSharp.Core.Security;

/// <summary>
/// The current <c>auth_token</c> of <c>ola-grpc.conf</c>, shared by the HTTP API's request guard and the gRPC
/// interceptor, which read it per request. The server sets it at start-up and again on each reload
/// (SIGHUP, <c>/reload</c>, ReloadPlugins), so a changed token applies without a restart.
/// </summary>
public sealed class BearerTokenSource
{
    private BearerToken? _current;

    /// <summary>Creates the source with <paramref name="initial"/> (null: no token needed).</summary>
    public BearerTokenSource(BearerToken? initial = null) => _current = initial;

    /// <summary>The token calls need now, or null when none is set.</summary>
    public BearerToken? Current => Volatile.Read(ref _current);

    /// <summary>Replaces the token (null: no token needed from now on).</summary>
    public void Set(BearerToken? token) => Volatile.Write(ref _current, token);

    /// <summary>Reads <c>ola-grpc.conf</c> through <paramref name="conf"/> and takes its token.</summary>
    /// <returns>The file as read (its other keys are the caller's).</returns>
    public ConfFile Reload(ConfStore conf)
    {
        ArgumentNullException.ThrowIfNull(conf);
        ConfFile file = conf.Load(BearerToken.ConfPrefix);
        Set(BearerToken.FromConf(file));
        return file;
    }
}
