// Licensed under the MIT License. See LICENSE in the repository root.
using System.Security.Cryptography;
using System.Text;

namespace OlaSharp.Core.Security;

/// <summary>
/// The token of <c>auth_token</c> in <c>ola-grpc.conf</c>. When it is set, the state-changing calls of
/// both the gRPC API and the HTTP API need <c>Authorization: Bearer &lt;token&gt;</c>; reads stay open.
/// The server reads it once at start-up and gives the same value to both.
/// </summary>
public sealed class BearerToken
{
    /// <summary>Conf prefix of the file that holds the token: <c>ola-grpc.conf</c>.</summary>
    public const string ConfPrefix = "grpc";

    /// <summary>Conf key of the token.</summary>
    public const string ConfKey = "auth_token";

    private const string Scheme = "Bearer ";

    private readonly byte[] _hash;

    private BearerToken(string token) => _hash = SHA256.HashData(Encoding.UTF8.GetBytes(token));

    /// <summary>The token in <paramref name="value"/> (trimmed), or null when it is empty or blank (no token needed).</summary>
    public static BearerToken? Parse(string? value) => string.IsNullOrWhiteSpace(value) ? null : new BearerToken(value.Trim());

    /// <summary>The token <paramref name="conf"/> (<c>ola-grpc.conf</c>) sets, or null.</summary>
    public static BearerToken? FromConf(ConfFile conf)
    {
        ArgumentNullException.ThrowIfNull(conf);
        return Parse(conf.Get(ConfKey));
    }

    /// <summary>
    /// True when <paramref name="authorization"/> is <c>Bearer &lt;this token&gt;</c> (the scheme in any case,
    /// spaces around the token ignored). Both sides are hashed first, so the comparison takes the same
    /// time however much of a guess is right, whatever its length.
    /// </summary>
    public bool IsAuthorized(string? authorization)
    {
        if (authorization is null || !authorization.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        string given = authorization[Scheme.Length..].Trim();
        return given.Length > 0 && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(given)), _hash);
    }
}
