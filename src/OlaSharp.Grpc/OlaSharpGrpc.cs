// Licensed under the MIT License. See LICENSE in the repository root.
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OlaSharp.Grpc.Internal;

namespace OlaSharp.Grpc;

/// <summary>Registers and maps the OlaSharp gRPC API (package <c>olasharp.v1</c>), health checking and reflection.</summary>
public static class OlaSharpGrpc
{
    /// <summary>Name of the health check (and of the health service entry besides the overall "").</summary>
    public const string HealthServiceName = "olasharp.v1";

    /// <summary>Adds the gRPC services; <paramref name="core"/> gives the server core once services resolve.</summary>
    public static IServiceCollection AddOlaSharpGrpc(this IServiceCollection services, Func<IServiceProvider, ServerCore> core, GrpcApiOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(core);
        options ??= new GrpcApiOptions();
        services.AddSingleton(options);
        services.AddSingleton(core);
        services.AddSingleton<GrpcCounterSource>();
        services.AddSingleton<UnarySources>();
        services.AddSingleton<BearerTokenInterceptor>();
        services.AddGrpc(o =>
        {
            o.EnableDetailedErrors = false;
            o.Interceptors.Add<BearerTokenInterceptor>();
        });
        services.AddGrpcReflection();
        services.AddGrpcHealthChecks(o => o.Services.Map(HealthServiceName, _ => true)).AddCheck(HealthServiceName, () => HealthCheckResult.Healthy());
        return services;
    }

    /// <summary>The gRPC API's counters (frames in, invalid frames, frames sent to watchers) for <c>/metrics</c>.</summary>
    public static IProtocolCounterSource GetCounters(IServiceProvider services) => services.GetRequiredService<GrpcCounterSource>();

    /// <summary>Maps the services, health checking and reflection.</summary>
    public static IEndpointRouteBuilder MapOlaSharpGrpc(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapGrpcService<FrameServiceImpl>();
        endpoints.MapGrpcService<UniverseServiceImpl>();
        endpoints.MapGrpcService<PortServiceImpl>();
        endpoints.MapGrpcService<DeviceServiceImpl>();
        endpoints.MapGrpcHealthChecksService();
        endpoints.MapGrpcReflectionService();
        return endpoints;
    }
}
