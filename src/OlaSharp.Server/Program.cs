// Licensed under the MIT License. See LICENSE in the repository root.
using System.Net;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OlaSharp.Server;
using OlaSharp.Server.Http;

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
builder.Logging.AddSimpleConsole(o =>
{
    o.SingleLine = true;
    o.TimestampFormat = "yyyy-MM-dd HH:mm:ss.fff ";
});
builder.Logging.SetMinimumLevel(options.MinimumLevel);
builder.Logging.AddFilter("Microsoft", options.MinimumLevel > LogLevel.Warning ? options.MinimumLevel : LogLevel.Warning);
builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(10));

builder.WebHost.ConfigureKestrel(k =>
{
    if (!options.NoHttp)
    {
        // olad binds HTTP on all IPv4 interfaces.
        k.Listen(options.Bind ?? IPAddress.Any, options.HttpPort);
    }
});

OlaServerRuntime runtime;
using (ILoggerFactory bootLogs = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(options.MinimumLevel)))
{
    try
    {
        // Built before the host so a bad config dir fails fast with one clear line.
        runtime = new OlaServerRuntime(options, configDir, bootLogs);
    }
    catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
    {
        await Console.Error.WriteLineAsync($"olasharpd: cannot use config dir {configDir}: {ex.Message}");
        return 1;
    }
}

builder.Services.AddSingleton(runtime);
builder.Services.AddHostedService(sp => sp.GetRequiredService<OlaServerRuntime>());
WebApplication app = builder.Build();
if (!options.NoHttp)
{
    OlaHttpApi.Map(app, runtime);
}

app.Lifetime.ApplicationStarted.Register(() =>
{
    int? http = null;
    if (!options.NoHttp)
    {
        string? address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        http = address is null ? null : new Uri(address.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal)).Port;
    }

    var ready = new Dictionary<string, object?>
    {
        ["http"] = http,
        ["rpc"] = null,
        ["grpc"] = null,
        ["config_dir"] = configDir,
        ["pid"] = Environment.ProcessId,
    };
    Console.Out.WriteLine("OLASHARPD_READY " + JsonSerializer.Serialize(ready, ReadyJson.Default.DictionaryStringObject));
    Console.Out.Flush();
});

using PosixSignalRegistration hup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, ctx =>
{
    ctx.Cancel = true;
    _ = Task.Run(() => runtime.ReloadAsync(app.Lifetime.ApplicationStopping));
});

if (options.NoHttp)
{
    // No HTTP endpoint: Kestrel would otherwise bind its default localhost:5000.
    IHost host = Host.CreateDefaultBuilder()
        .ConfigureLogging(l =>
        {
            l.ClearProviders();
            l.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "yyyy-MM-dd HH:mm:ss.fff ";
            });
            l.SetMinimumLevel(options.MinimumLevel);
        })
        .ConfigureServices(s =>
        {
            s.AddSingleton(runtime);
            s.AddHostedService(sp => sp.GetRequiredService<OlaServerRuntime>());
        })
        .Build();
    host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStarted.Register(() =>
    {
        Console.Out.WriteLine("OLASHARPD_READY " + JsonSerializer.Serialize(
            new Dictionary<string, object?> { ["http"] = null, ["rpc"] = null, ["grpc"] = null, ["config_dir"] = configDir, ["pid"] = Environment.ProcessId },
            ReadyJson.Default.DictionaryStringObject));
        Console.Out.Flush();
    });
    await host.RunAsync();
}
else
{
    await app.RunAsync();
}

runtime.Dispose();
return 0;
