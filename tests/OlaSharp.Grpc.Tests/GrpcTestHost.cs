// Licensed under the MIT License. See LICENSE in the repository root.
using System.Collections.Concurrent;
using System.Net;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OlaSharp.Core;
using OlaSharp.Core.Clock;
using OlaSharp.Core.Conf;
using OlaSharp.Core.Plugins;
using OlaSharp.Core.Plugins.Dummy;
using OlaSharp.Core.Server;
using OlaSharp.Core.Standby;
using OlaSharp.Grpc.V1;
using Universe = OlaSharp.Core.Universe;

namespace OlaSharp.Grpc.Tests;

/// <summary>
/// The gRPC API on real Kestrel at 127.0.0.1:0 in this process, over real Core objects with the dummy
/// plugin (port 1-1-O-0) and the refresh clock running. Collects warnings and errors so tests can
/// assert none were logged.
/// </summary>
internal sealed class GrpcTestHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _dir;
    private readonly PluginManager _plugins;

    private GrpcTestHost(WebApplication app, string dir, PluginManager plugins, ServerCore core, RefreshScheduler clock, DummyPlugin dummy, LogSink logs)
    {
        _app = app;
        _dir = dir;
        _plugins = plugins;
        Core = core;
        Clock = clock;
        Dummy = dummy;
        Logs = logs;
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Port = new Uri(address).Port;
        Channel = GrpcChannel.ForAddress($"http://127.0.0.1:{Port}");
        Frames = new FrameService.FrameServiceClient(Channel);
        Universes = new UniverseService.UniverseServiceClient(Channel);
        Ports = new PortService.PortServiceClient(Channel);
    }

    public ServerCore Core { get; }

    public RefreshScheduler Clock { get; }

    public DummyPlugin Dummy { get; }

    public LogSink Logs { get; }

    public int Port { get; }

    public GrpcChannel Channel { get; }

    public FrameService.FrameServiceClient Frames { get; }

    public UniverseService.UniverseServiceClient Universes { get; }

    public PortService.PortServiceClient Ports { get; }

    public DummyOutputPort DummyPort => Dummy.Device!.Port;

    /// <summary>Starts the host; <paramref name="prepareDir"/> writes conf files first, <paramref name="extraPlugins"/> run beside the dummy.</summary>
    public static Task<GrpcTestHost> StartAsync(GrpcApiOptions? options = null, Action<string>? prepareDir = null, params Plugin[] extraPlugins) =>
        StartAsync(options, prepareDir, null, extraPlugins);

    /// <summary>Starts the host with <paramref name="standby"/> as the server's hot-standby controller (standalone when null).</summary>
    public static async Task<GrpcTestHost> StartAsync(GrpcApiOptions? options, Action<string>? prepareDir, IStandbyController? standby, params Plugin[] extraPlugins)
    {
        string dir = Directory.CreateTempSubdirectory("olas-grpc-").FullName;
        prepareDir?.Invoke(dir);
        var logs = new LogSink();
        ILoggerFactory loggerFactory = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Information));
        var conf = new ConfStore(dir);
        var universes = new UniverseRegistry();
        var clock = new RefreshScheduler();
        var devices = new DeviceRegistry(universes, clock, conf);
        var context = new PluginContext(universes, clock, conf, devices, loggerFactory);
        var dummy = new DummyPlugin();
        var plugins = new PluginManager([dummy, .. extraPlugins], context);
        await plugins.StartAllAsync();
        clock.Start();
        var core = new ServerCore(universes, devices, plugins, conf) { Standby = standby ?? new StandaloneController(DateTimeOffset.UtcNow) };

        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(logs);
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, lo => lo.Protocols = HttpProtocols.Http2));
        builder.Services.AddOlaSharpGrpc(_ => core, options);
        WebApplication app = builder.Build();
        app.MapOlaSharpGrpc();
        await app.StartAsync();
        return new GrpcTestHost(app, dir, plugins, core, clock, dummy, logs);
    }

    public static Frame Frame(uint universe, params byte[] slots) => new() { Universe = universe, Slots = Google.Protobuf.ByteString.CopyFrom(slots) };

    public Universe Universe(int id) => Core.Universes.TryGet(id, out Universe? u) ? u : throw new InvalidOperationException($"no universe {id}");

    /// <summary>Polls until <paramref name="condition"/> holds (loose bound for slow CI).</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, string what, int timeoutMs = 10_000)
    {
        var sw = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            if (sw.ElapsedMilliseconds > timeoutMs)
            {
                throw new TimeoutException("timed out waiting for " + what);
            }

            await Task.Delay(10);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _plugins.StopAllAsync();
        Clock.Dispose();
        Directory.Delete(_dir, true);
    }

    /// <summary>Keeps warnings and errors (by category) so tests can fail on unexpected ones.</summary>
    internal sealed class LogSink : ILoggerProvider
    {
        private readonly ConcurrentQueue<string> _entries = new();

        public IReadOnlyList<string> WarningsAndErrors => [.. _entries];

        public IReadOnlyList<string> Errors => [.. _entries.Where(e => e.StartsWith("Error", StringComparison.Ordinal) || e.StartsWith("Critical", StringComparison.Ordinal))];

        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _entries);

        public void Dispose()
        {
        }

        private sealed class Logger(string category, ConcurrentQueue<string> entries) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (IsEnabled(logLevel))
                {
                    entries.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception}");
                }
            }
        }
    }
}

internal static class TaskTimeoutExtensions
{
    public static readonly TimeSpan Default = TimeSpan.FromSeconds(15);

    public static Task<T> DefaultTimeout<T>(this Task<T> task) => task.WaitAsync(Default);

    public static Task DefaultTimeout(this Task task) => task.WaitAsync(Default);

    public static async Task<T> NextAsync<T>(this IAsyncStreamReader<T> reader)
    {
        bool more = await reader.MoveNext(CancellationToken.None).WaitAsync(Default);
        Assert.True(more, "the stream ended");
        return reader.Current;
    }
}
