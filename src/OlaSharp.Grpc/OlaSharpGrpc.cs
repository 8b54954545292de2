// Licensed under the MIT License. See LICENSE in the repository root.
using Grpc.Health.V1;
using Grpc.Reflection;
using Grpc.Reflection.V1Alpha;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OlaSharp.Grpc.Internal;
using OlaSharp.Grpc.V1;
using ProtoServiceDescriptor = Google.Protobuf.Reflection.ServiceDescriptor;

namespace OlaSharp.Grpc;

/// <summary>Registers and maps the OlaSharp gRPC API (package <c>olasharp.v1</c>), health checking and reflection.</summary>
public static class OlaSharpGrpc
{
    /// <summary>Name of the health check (and of the health service entry besides the overall "").</summary>
    public const string HealthServiceName = "olasharp.v1";

    /// <summary>What server reflection describes: every service <see cref="MapOlaSharpGrpc"/> maps. Listed here rather
    /// than found from the mapped types by reflection (Grpc.AspNetCore.Server.Reflection), which native AOT trims.</summary>
    internal static readonly ProtoServiceDescriptor[] ReflectedServices =
    [
        FrameService.Descriptor,
        UniverseService.Descriptor,
        PortService.Descriptor,
        DeviceService.Descriptor,
        StandbyService.Descriptor,
        Health.Descriptor,
        ServerReflection.Descriptor,
    ];

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
        services.AddSingleton(new ReflectionServiceImpl(ReflectedServices));
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
        endpoints.MapGrpcService<StandbyServiceImpl>();
        endpoints.MapGrpcHealthChecksService();
        endpoints.MapGrpcService<ReflectionServiceImpl>();
        return endpoints;
    }
}
