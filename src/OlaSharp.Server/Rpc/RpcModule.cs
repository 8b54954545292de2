// Licensed under the MIT License. See LICENSE in the repository root.
using Microsoft.AspNetCore.Connections;
using OlaSharp.OlaRpc;

namespace OlaSharp.Server.Rpc;

/// <summary>
/// OLA's client protocol on 127.0.0.1:<c>--rpc-port</c> (default 9010), loopback only like olad. olad has no
/// switch to turn its RPC port off, so neither do we: Kestrel always has this listener, even with <c>--no-http</c>.
/// </summary>
internal sealed class RpcModule : IServerModule
{
    public void ConfigureServices(IServiceCollection services, ServerOptions options)
    {
        services.AddSingleton(sp =>
        {
            OlaServerRuntime runtime = sp.GetRequiredService<OlaServerRuntime>();
            var handler = new OlaRpcConnectionHandler(runtime.Core, sp.GetRequiredService<ILoggerFactory>());
            runtime.Counters.Register(handler);
            return handler;
        });
    }

    public void ConfigureKestrel(KestrelServerOptions kestrel, ServerOptions options, ListenerSet listeners)
    {
        listeners.Listen(kestrel, "rpc", IPAddress.Loopback, options.RpcPort, lo =>
        {
            lo.Protocols = HttpProtocols.None;
            lo.UseConnectionHandler<OlaRpcConnectionHandler>();
        });
    }

    public void Map(WebApplication app, OlaServerRuntime runtime)
    {
        // Created now rather than by the first connection, so /metrics shows the RPC counters from the start.
        _ = app.Services.GetRequiredService<OlaRpcConnectionHandler>();
    }
}
