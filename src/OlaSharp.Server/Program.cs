// Licensed under the MIT License. See LICENSE in the repository root.
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.Json;
using OlaSharp.Server;
using OlaSharp.Server.Grpc;
using OlaSharp.Server.Http;
using OlaSharp.Server.Rpc;

// `olasharpd doctor ...` checks the Pi's UART setup and exits; it starts nothing.
if (args.Length > 0 && args[0] == "doctor")
{
    return DoctorCommand.Run(args[1..], Console.Out, Console.Error);
}

// `olasharpd release-line [-c DIR]` drives the UARTs' driver-enable pins to receive and exits (ExecStopPost=).
if (args.Length > 0 && args[0] == "release-line")
{
    if (args.Length is not (1 or 3) || (args.Length == 3 && args[1] is not ("-c" or "--config-dir")))
    {
        await Console.Error.WriteLineAsync("usage: olasharpd release-line [-c DIR]");
        return 2;
    }

    string dir = args.Length == 3 ? args[2] : ServerOptions.DefaultConfigDir();
    return OlaSharp.Uart.Gpio.DriverEnableRelease.Run(dir, OlaSharp.Uart.Gpio.LinuxGpioChips.Instance, Console.Out, Console.Error);
}

if (!ServerOptions.TryParse(args, out ServerOptions options, out string? error))
{
    await Console.Error.WriteLineAsync($"olasharpd: {error}\nTry 'olasharpd --help'.");
    return 2;
}

if (options.ShowHelp)
{
    Console.WriteLine(ServerOptions.HelpText);
    return 0;
}

if (options.ShowVersion)
{
    string version = typeof(ServerOptions).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0";
    Console.WriteLine($"OlaSharp olasharpd version: {version.Split('+')[0]}");
    return 0;
}

string configDir = Path.GetFullPath(options.ConfigDir ?? ServerOptions.DefaultConfigDir());
var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
builder.Logging.ClearProviders();
builder.Logging.AddSimpleConsole(ConfigureConsole);
builder.Logging.SetMinimumLevel(options.MinimumLevel);
builder.Logging.AddFilter("Microsoft", options.MinimumLevel > LogLevel.Warning ? options.MinimumLevel : LogLevel.Warning);
builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(10));
builder.Services.AddSingleton(options);

// ola-grpc.conf decides whether the gRPC listener exists, so it is read before the host (and its logging) exists.
using ILoggerFactory earlyLogging = LoggerFactory.Create(b => b.AddSimpleConsole(ConfigureConsole).SetMinimumLevel(options.MinimumLevel));
var grpcModule = new GrpcModule(configDir, earlyLogging.CreateLogger<GrpcModule>());

// Each module owns its listener(s); the ready line reports them by name.
IServerModule[] modules = [new HttpModule(grpcModule.AuthTokens, grpcModule.SettingsPage), new RpcModule(), grpcModule];
var listeners = new ListenerSet();
foreach (IServerModule module in modules)
{
    module.ConfigureServices(builder.Services, options);
}

// Socket completions and Kestrel's pipes run inline (on the epoll thread, or the thread that flushed) instead of
// being queued to the thread pool: every OLA RPC push crossed the pool twice more for its send and its client's
// ack. sACN -> OLA RPC at 4 universes, same run, 15 s windows: 1.26 / 1.64 -> 0.98 / 1.11 CPU s, the pool
// 0.66 / 0.87 -> 0.53 / 0.66 s (interop/bench, docs/benchmarks.md). "Unsafe" because a handler that blocks
// holds up the other TCP connections meanwhile: ours do not block (no sync-over-async; conf writes are small
// files), and UDP, the UART and the refresh clock have threads of their own.
builder.WebHost.UseSockets(o => o.UnsafePreferInlineScheduling = true);
builder.WebHost.ConfigureKestrel(k =>
{
    foreach (IServerModule module in modules)
    {
        module.ConfigureKestrel(k, options, listeners);
    }
});

builder.Services.AddSingleton(sp => new OlaServerRuntime(options, configDir, sp.GetRequiredService<ILoggerFactory>()));
builder.Services.AddHostedService(sp => sp.GetRequiredService<OlaServerRuntime>());

WebApplication app;
OlaServerRuntime runtime;
try
{
    // Build() already creates Kestrel, whose listeners resolve the runtime, so both are inside the try. The
    // runtime itself runs on defaults when the config dir cannot be created, read or written (one warning
    // per file); this is the last resort for what is left, in one line.
    app = builder.Build();
    runtime = app.Services.GetRequiredService<OlaServerRuntime>();
}
catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
{
    await Console.Error.WriteLineAsync($"olasharpd: cannot start with config dir {configDir}: {ex.Message}");
    return 2;
}

foreach (IServerModule module in modules)
{
    module.Map(app, runtime);
}

app.Lifetime.ApplicationStarted.Register(() =>
{
    var ready = new Dictionary<string, object?>();
    foreach (string name in ListenerSet.ReadyNames)
    {
        ready[name] = listeners.PortOf(name);
    }

    ready["config_dir"] = configDir;
    ready["pid"] = Environment.ProcessId;
    Console.Out.WriteLine("OLASHARPD_READY " + JsonSerializer.Serialize(ready, ReadyJson.Default.DictionaryStringObject));
    Console.Out.Flush();
});

using PosixSignalRegistration hup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, ctx =>
{
    ctx.Cancel = true;
    _ = Task.Run(() => runtime.ReloadAsync(app.Lifetime.ApplicationStopping));
});

await app.RunAsync();
runtime.Dispose();
return 0;

static void ConfigureConsole(Microsoft.Extensions.Logging.Console.SimpleConsoleFormatterOptions o)
{
    o.SingleLine = true;
    o.TimestampFormat = "yyyy-MM-dd HH:mm:ss.fff ";
}
