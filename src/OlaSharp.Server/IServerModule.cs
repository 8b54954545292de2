// Licensed under the MIT License. See LICENSE in the repository root.

namespace OlaSharp.Server;

/// <summary>
/// A listener-owning part of the host (HTTP API, OLA RPC, gRPC). Modules add their services, bind
/// their Kestrel endpoints through <see cref="ListenerSet"/> (so port 0 is reported in the ready
/// line under the module's name), and map their routes.
/// </summary>
internal interface IServerModule
{
    /// <summary>Adds services before the host is built.</summary>
    void ConfigureServices(IServiceCollection services, ServerOptions options);

    /// <summary>Binds endpoints (nothing when disabled by options).</summary>
    void ConfigureKestrel(KestrelServerOptions kestrel, ServerOptions options, ListenerSet listeners);

    /// <summary>Maps routes or services once the app is built.</summary>
    void Map(WebApplication app, OlaServerRuntime runtime);
}

/// <summary>Named Kestrel endpoints; after start, each one's bound port (port 0 resolved).</summary>
internal sealed class ListenerSet
{
    private readonly Dictionary<string, ListenOptions> _byName = new(StringComparer.Ordinal);

    /// <summary>The names the ready line always reports, null when not listening.</summary>
    public static readonly string[] ReadyNames = ["http", "rpc", "grpc"];

    /// <summary>True when at least one endpoint is bound.</summary>
    public bool Any => _byName.Count > 0;

    /// <summary>Binds <paramref name="name"/> on <paramref name="address"/>:<paramref name="port"/>.</summary>
    public void Listen(KestrelServerOptions kestrel, string name, IPAddress address, int port, Action<ListenOptions>? configure = null)
    {
        kestrel.Listen(address, port, lo =>
        {
            configure?.Invoke(lo);
            _byName[name] = lo;
        });
    }

    /// <summary>The bound port of <paramref name="name"/>, or null.</summary>
    public int? PortOf(string name) =>
        _byName.TryGetValue(name, out ListenOptions? lo) && lo.EndPoint is IPEndPoint ep ? ep.Port : null;
}
