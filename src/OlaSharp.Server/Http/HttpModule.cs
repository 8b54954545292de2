// Licensed under the MIT License. See LICENSE in the repository root.
using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace OlaSharp.Server.Http;

/// <summary>OLA's HTTP API on <c>--http-port</c> (default 9090), all interfaces like olad unless <c>--bind</c>.</summary>
internal sealed class HttpModule : IServerModule
{
    public void ConfigureServices(IServiceCollection services, ServerOptions options)
    {
    }

    public void ConfigureKestrel(KestrelServerOptions kestrel, ServerOptions options, ListenerSet listeners)
    {
        if (!options.NoHttp)
        {
            listeners.Listen(kestrel, "http", options.Bind ?? IPAddress.Any, options.HttpPort, lo => lo.Protocols = HttpProtocols.Http1);
        }
    }

    public void Map(WebApplication app, OlaServerRuntime runtime)
    {
        if (!app.Services.GetRequiredService<ServerOptions>().NoHttp)
        {
            OlaHttpApi.Map(app, runtime);
        }
    }
}
