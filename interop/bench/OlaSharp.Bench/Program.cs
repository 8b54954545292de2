// Licensed under the MIT License. See LICENSE in the repository root.
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using OlaSharp.Bench;
using OlaSharp.Interop;

const string Usage = """
    usage: olasharp-bench MODE [options]     (root: it makes network namespaces)
      MODE  smoke         4 universes, 5 s, olad then olasharpd; fails if either forwards nothing
            side-by-side  N = 4, 64, 512: olad then olasharpd, one table and the OlaSharp/olad ratios
            scale         olasharpd alone, N = 512, 1000, 2000, 4000; the largest held with zero gaps
            soak          olasharpd alone, 512 universes for 600 s, RSS every 60 s
            run           one run per --servers x --universes
    options:
      --olasharpd PATH    olasharpd apphost or olasharpd.dll (default: src/OlaSharp.Server/bin/Release/net10.0/olasharpd)
      --duration S        measured seconds per run (smoke 5, side-by-side and scale 60, soak 600)
      --warmup S          seconds sent before the window (smoke 2, else 5)
      --rate HZ           frames per second per universe (default 44)
      --universes A,B,..  universe counts (defaults per mode)
      --servers LIST      olad,olasharp (defaults per mode)
      --json FILE         also write the results as JSON
      --olasharpd-env L   NAME=value[,NAME=value] for olasharpd (runtime knobs, e.g. DOTNET_TieredPGO=0)
    """;

if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.Error.WriteLine(Usage);
    return args.Length == 0 ? 2 : 0;
}

string mode = args[0];
var options = new Dictionary<string, string>(StringComparer.Ordinal);
for (int i = 1; i < args.Length; i++)
{
    if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
    {
        Console.Error.WriteLine($"bad argument '{args[i]}'\n{Usage}");
        return 2;
    }

    options[args[i][2..]] = args[++i];
}

(int[] defaultUniverses, string defaultServers, double defaultDuration) = mode switch
{
    "smoke" => (new[] { 4 }, "olad,olasharp", 5.0),
    "side-by-side" => (new[] { 4, 64, 512 }, "olad,olasharp", 60.0),
    "scale" => (new[] { 512, 1000, 2000, 4000 }, "olasharp", 60.0),
    "soak" => (new[] { 512 }, "olasharp", 600.0),
    "run" => (new[] { 4 }, "olad,olasharp", 10.0),
    _ => (Array.Empty<int>(), string.Empty, 0.0),
};
if (defaultUniverses.Length == 0)
{
    Console.Error.WriteLine($"unknown mode '{mode}'\n{Usage}");
    return 2;
}

Peers.RequireRoot();
double rate = Option("rate", 44.0);
double duration = Option("duration", defaultDuration);
// Long enough for olasharpd's tiered JIT to settle (tier-1 code and OSR within a few seconds).
double warmup = Option("warmup", mode == "smoke" ? 2.0 : 5.0);
int[] universes = options.TryGetValue("universes", out string? u)
    ? [.. u.Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture))]
    : defaultUniverses;
ServerKind[] servers = [.. (options.GetValueOrDefault("servers") ?? defaultServers).Split(',').Select(s => s.Trim() switch
{
    "olad" => ServerKind.Olad,
    "olasharp" or "olasharpd" => ServerKind.OlaSharp,
    _ => throw new ArgumentException($"unknown server '{s}' (olad, olasharp)"),
})];
string olasharpd = options.GetValueOrDefault("olasharpd") ?? DefaultOlasharpd();
string[] olasharpdEnv = options.TryGetValue("olasharpd-env", out string? env) ? env.Split(',', StringSplitOptions.RemoveEmptyEntries) : [];
if (servers.Contains(ServerKind.OlaSharp) && !File.Exists(olasharpd))
{
    Console.Error.WriteLine($"olasharpd not found at {olasharpd}: build it (dotnet build src/OlaSharp.Server -c Release) or pass --olasharpd");
    return 2;
}

// SIGINT/SIGTERM: cancel, so every namespace and process is removed on the way out.
using var stop = new CancellationTokenSource();
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Cancel);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Cancel);

Console.WriteLine($"# olasharp-bench {mode}: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, {MemoryGiB():0.#} GiB, rate {rate} Hz, window {duration} s after {warmup} s warm-up");
Console.WriteLine("# path: sACN unicast 198.18.0.1 -> server 198.18.0.2:5568 (E1.31 input port i = universe i+1) -> merge -> OLA RPC RegisterForDmx sink on 127.0.0.1:9010 in the server's namespace");
var results = new List<BenchResult>();
var total = Stopwatch.StartNew();
try
{
    if (mode == "scale")
    {
        await ScaleAsync();
    }
    else
    {
        foreach (int n in universes)
        {
            foreach (ServerKind server in servers)
            {
                var spec = new BenchSpec(server, n, rate, TimeSpan.FromSeconds(duration), TimeSpan.FromSeconds(warmup), olasharpd)
                {
                    RssReportInterval = mode == "soak" ? TimeSpan.FromSeconds(60) : null,
                    OlasharpdEnvironment = olasharpdEnv,
                };
                results.Add(await RunOneAsync(spec));
            }
        }
    }
}
catch (OperationCanceledException) when (stop.IsCancellationRequested)
{
    Console.Error.WriteLine("olasharp-bench: interrupted; namespaces and servers removed");
    Print();
    return 130;
}

Print();
Console.WriteLine($"# total {total.Elapsed.TotalSeconds:0} s");
if (options.TryGetValue("json", out string? jsonPath))
{
    await File.WriteAllTextAsync(jsonPath, JsonSerializer.Serialize(results, JsonOptions.Indented));
}

// Smoke (and every mode): a run that forwarded nothing is a failure.
return results.All(r => r.Received > 0) ? 0 : 1;

async Task ScaleAsync()
{
    // olasharpd takes up to 4096 E1.31 input ports (olad: 512), so every step runs n real universes.
    const int MaxPorts = 4096;
    int? held = null;
    foreach (int n in universes)
    {
        int real = Math.Min(n, MaxPorts);
        double stepRate = rate * n / real;
        var spec = new BenchSpec(ServerKind.OlaSharp, real, stepRate, TimeSpan.FromSeconds(duration), TimeSpan.FromSeconds(warmup), olasharpd)
        {
            Label = n > MaxPorts ? string.Create(CultureInfo.InvariantCulture, $"{n} ({MaxPorts} u x {stepRate:0.#} Hz)") : null,
            OlasharpdEnvironment = olasharpdEnv,
        };
        BenchResult r = await RunOneAsync(spec);
        results.Add(r);
        // Every step runs (there are four), so the loss rate is seen as the load rises even when a noisy
        // machine makes an early step lose a few frames.
        if (r.GeneratorPace < 0.99)
        {
            Console.WriteLine($"# step {n}: the generator fell behind ({r.GeneratorPace:P0} of the due packets); the step does not count");
        }
        else if (r.Lost == 0 && r.Gaps == 0)
        {
            held = n;
        }
    }

    Console.WriteLine(held is int h
        ? $"# scale: largest load held with zero gaps at {rate} Hz: {h} universes' worth ({h * rate:0} frames/s)"
        : "# scale: no step held with zero gaps");
}

async Task<BenchResult> RunOneAsync(BenchSpec spec)
{
    Console.WriteLine($"# {spec.Server} N={spec.Universes} rate={spec.Rate:0.#} Hz, load average {LoadAverage()} ...");
    using var bound = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
    bound.CancelAfter(spec.Warmup + spec.Duration + TimeSpan.FromSeconds(120));
    BenchResult r = await BenchRunner.RunAsync(spec, Console.Out, bound.Token);
    Console.WriteLine("  " + Table.Row(r));
    Console.WriteLine("  busiest threads: " + r.TopThreads + "; load average after: " + LoadAverage());
    Console.WriteLine("  " + r.WhereLost + (r.ScrapeMilliseconds is double ms ? $"; one /metrics scrape took {ms:0} ms" : string.Empty));
    if (r.ServerWarnings.Length > 0)
    {
        Console.WriteLine("  server warnings: " + r.ServerWarnings);
    }
    return r;
}

void Print()
{
    if (results.Count == 0)
    {
        return;
    }

    Console.WriteLine();
    Console.WriteLine(Table.Header);
    foreach (BenchResult r in results)
    {
        Console.WriteLine(Table.Row(r));
    }

    string ratios = Table.Ratios(results);
    if (ratios.Length > 0)
    {
        Console.WriteLine();
        Console.WriteLine(ratios);
    }
}

void Cancel(PosixSignalContext context)
{
    context.Cancel = true;
    stop.Cancel();
}

double Option(string name, double fallback) =>
    options.TryGetValue(name, out string? v) ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;

static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

static double MemoryGiB() => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024);

static string DefaultOlasharpd()
{
    // From interop/bench/OlaSharp.Bench/bin/<cfg>/net10.0 up to the repository root.
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        string candidate = Path.Combine(dir.FullName, "src", "OlaSharp.Server", "bin", "Release", "net10.0", "olasharpd");
        if (File.Exists(candidate))
        {
            return candidate;
        }
    }

    return Path.Combine(AppContext.BaseDirectory, "olasharpd.dll");
}

/// <summary>Shared JSON options.</summary>
internal static class JsonOptions
{
    public static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
}
