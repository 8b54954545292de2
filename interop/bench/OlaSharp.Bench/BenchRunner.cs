// Licensed under the MIT License. See LICENSE in the repository root.
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using OlaSharp.Interop;

namespace OlaSharp.Bench;

/// <summary>One measured run: which server, how many universes, how fast, for how long.</summary>
public sealed record BenchSpec(ServerKind Server, int Universes, double Rate, TimeSpan Duration, TimeSpan Warmup, string Olasharpd)
{
    /// <summary>A label for tables (e.g. a load-equivalent run).</summary>
    public string? Label { get; init; }

    /// <summary>Extra environment for olasharpd (<c>NAME=value</c>, e.g. runtime knobs), passed through <c>env</c>.</summary>
    public IReadOnlyList<string> OlasharpdEnvironment { get; init; } = [];

    /// <summary>Print RSS every this often during the run (soak); null for never.</summary>
    public TimeSpan? RssReportInterval { get; init; }
}

/// <summary>What one run measured. Latency and jitter in µs, CPU in seconds, memory in KiB.</summary>
public sealed record BenchResult(BenchSpec Spec)
{
    public long Sent { get; init; }

    public long Received { get; init; }

    public long Lost => Math.Max(0, Sent - Received);

    public long Gaps { get; init; }

    public long Stale { get; init; }

    public int SilentUniverses { get; init; }

    public long LatencyP50 { get; init; }

    public long LatencyP99 { get; init; }

    public long LatencyMax { get; init; }

    public long JitterP50 { get; init; }

    public long JitterP99 { get; init; }

    /// <summary>p99 of the generator's own period jitter (the floor under <see cref="JitterP99"/>).</summary>
    public long InputJitterP99 { get; init; }

    public double CpuSeconds { get; init; }

    public long RssStartKib { get; init; }

    public long RssPeakKib { get; init; }

    public long RssFinalKib { get; init; }

    /// <summary>olasharpd's allocation rate, bytes per second, between two /metrics scrapes around the window.</summary>
    public double? AllocatedPerSecond { get; init; }

    /// <summary>How long one /metrics scrape of olasharpd took at this load.</summary>
    public double? ScrapeMilliseconds { get; init; }

    /// <summary>Packets the generator sent in the window over what it should have (below 1: the generator fell behind).</summary>
    public double GeneratorPace { get; init; }

    public long SendErrors { get; init; }

    /// <summary>The server's busiest threads in the window (by name, summed), e.g. "sacn-rx 3.10 s, ...".</summary>
    public string TopThreads { get; init; } = string.Empty;

    /// <summary>Where packets went over the whole run (warm-up and tail included), from the server namespace's Udp counters.</summary>
    public string WhereLost { get; init; } = string.Empty;

    /// <summary>Warnings the server logged during the run (first few), e.g. olasharpd's dropped RPC pushes.</summary>
    public string ServerWarnings { get; init; } = string.Empty;

    /// <summary>UDP datagrams the server's kernel dropped in the window because the socket's receive buffer was full (Udp RcvbufErrors).</summary>
    public long KernelDrops { get; init; }

    public double Seconds { get; init; }

    /// <summary>Server CPU seconds per 100 000 forwarded frames.</summary>
    public double CpuPer100k => Received > 0 ? CpuSeconds / Received * 100_000 : double.NaN;

    /// <summary>Bytes allocated per forwarded frame: the allocation rate over the forwarding rate in the window.</summary>
    public double? AllocatedPerFrame => AllocatedPerSecond is double a && Received > 0 ? a * Seconds / Received : null;
}

/// <summary>
/// Runs one <see cref="BenchSpec"/>: a two-host veth network (generator 198.18.0.1, server 198.18.0.2),
/// the server, the RPC sink in the server's namespace and the paced sACN generator; measures during the
/// window after the warm-up; removes everything again (also on failure or cancellation).
/// </summary>
public static class BenchRunner
{
    /// <summary>Drain time after the last packet, for frames still in flight.</summary>
    private static readonly TimeSpan s_drain = TimeSpan.FromMilliseconds(700);

    public static async Task<BenchResult> RunAsync(BenchSpec spec, TextWriter log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(log);
        await using VethNetwork net = await VethNetwork.CreateAsync(2, "olasb", cancellationToken).ConfigureAwait(false);
        NetworkNamespace generatorHost = net.Hosts[0];
        NetworkNamespace serverHost = net.Hosts[1];

        // One multicast join per patched input (both servers join 239.255.x.y even though we send unicast);
        // the default of 20 memberships per socket would make the joins fail. Per network namespace.
        (await serverHost.RunAsync("sysctl", ["-q", "-w", "net.ipv4.igmp_max_memberships=8192"], TimeSpan.FromSeconds(10), cancellationToken: cancellationToken).ConfigureAwait(false))
            .EnsureSuccess("sysctl igmp_max_memberships");

        await using ServerUnderTest server = await ServerUnderTest.StartAsync(spec.Server, serverHost, spec.Universes, spec.Olasharpd, spec.OlasharpdEnvironment, cancellationToken).ConfigureAwait(false);

        long firstFrame = (long)Math.Ceiling(spec.Warmup.TotalSeconds * spec.Rate);
        long endFrame = firstFrame + (long)Math.Round(spec.Duration.TotalSeconds * spec.Rate);
        var recorder = new Recorder(spec.Universes, spec.Rate, firstFrame, endFrame);

        using var sink = new RpcSink(serverHost.CreateSocket(System.Net.Sockets.AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp), recorder);
        sink.Connect(ServerUnderTest.RpcPort, spec.Universes);
        sink.Start();
        if (!await WaitAsync(() => sink.Responses >= spec.Universes || sink.Error is not null, TimeSpan.FromSeconds(20), cancellationToken).ConfigureAwait(false))
        {
            throw new InvalidOperationException($"{spec.Server}: only {sink.Responses} of {spec.Universes} RegisterForDmx answered ({sink.Error})\n{server.Log}");
        }

        using Socket udp = generatorHost.CreateSocket(System.Net.Sockets.AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        udp.SendBufferSize = 4 << 20;
        udp.Bind(new System.Net.IPEndPoint(generatorHost.Address!, 0));
        var sender = new SacnSender(udp, serverHost.Address!, spec.Universes, spec.Rate);

        (long read0, long rcvbuf0) = await UdpCountersAsync(serverHost, cancellationToken).ConfigureAwait(false);
        long start = Stopwatch.GetTimestamp();
        long windowStart = start + (long)(firstFrame / spec.Rate * Stopwatch.Frequency);
        long windowEnd = start + (long)(endFrame / spec.Rate * Stopwatch.Frequency);
        long stop = windowEnd + (long)(0.3 * Stopwatch.Frequency);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var senderThread = new Thread(() => sender.Run(start, stop, cts.Token)) { IsBackground = true, Name = "bench-sacn-tx", Priority = ThreadPriority.AboveNormal };
        senderThread.Start();

        try
        {
            // The first /metrics scrape happens in the warm-up: a scrape walks every universe and, at 512
            // universes on 2 busy cores, stalls sacn-rx long enough for the kernel to drop packets. In the
            // window it would count as the server's loss although it is ours.
            await DelayUntilAsync(windowStart - (long)(Math.Min(1.5, spec.Warmup.TotalSeconds / 2) * Stopwatch.Frequency), cancellationToken).ConfigureAwait(false);
            long? alloc0 = await server.AllocatedBytesAsync(cancellationToken).ConfigureAwait(false);
            long allocAt0 = Stopwatch.GetTimestamp();
            await DelayUntilAsync(windowStart, cancellationToken).ConfigureAwait(false);
            double cpu0 = ProcStats.CpuSeconds(server.Pid);
            var threads0 = ProcStats.ThreadCpu(server.Pid);
            long sent0 = sender.Sent;
            long due0 = sender.Due(start, Stopwatch.GetTimestamp());
            long drops0 = await RcvbufErrorsAsync(serverHost, cancellationToken).ConfigureAwait(false);
            (long rss0, _) = ProcStats.Memory(server.Pid);
            long nextReport = Stopwatch.GetTimestamp();

            while (Stopwatch.GetTimestamp() < windowEnd)
            {
                if (!server.IsRunning)
                {
                    throw new InvalidOperationException($"{spec.Server} exited during the run:\n{server.Log}");
                }

                if (spec.RssReportInterval is TimeSpan every && Stopwatch.GetTimestamp() >= nextReport)
                {
                    (long rss, _) = ProcStats.Memory(server.Pid);
                    double t = Stopwatch.GetElapsedTime(windowStart).TotalSeconds;
                    log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  t={t,6:0}s  RSS {rss / 1024.0,7:0.0} MiB  received {recorder.Received}  gaps {recorder.Gaps}"));
                    nextReport += (long)(every.TotalSeconds * Stopwatch.Frequency);
                }

                await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken).ConfigureAwait(false);
            }

            double cpu1 = ProcStats.CpuSeconds(server.Pid);
            var threads1 = ProcStats.ThreadCpu(server.Pid);
            long sent1 = sender.Sent;
            long due1 = sender.Due(start, Stopwatch.GetTimestamp());
            (long rss1, long peak) = ProcStats.Memory(server.Pid);
            long drops1 = await RcvbufErrorsAsync(serverHost, cancellationToken).ConfigureAwait(false);
            long? alloc1 = await server.AllocatedBytesAsync(cancellationToken).ConfigureAwait(false);
            long allocAt1 = Stopwatch.GetTimestamp();
            // A scrape allocates too: measure one and take it off (between the two reads lies about one
            // scrape's worth). The rate is over the time between the scrapes (the window plus up to 1.5 s).
            long? alloc2 = await server.AllocatedBytesAsync(cancellationToken).ConfigureAwait(false);
            double scrapeMs = Stopwatch.GetElapsedTime(allocAt1).TotalMilliseconds;
            double? allocRate = alloc0 is long a0 && alloc1 is long a1 && alloc2 is long a2
                ? Math.Max(0, (a1 - a0) - (a2 - a1)) / Stopwatch.GetElapsedTime(allocAt0, allocAt1).TotalSeconds
                : null;

            senderThread.Join(TimeSpan.FromSeconds(10));
            await Task.Delay(s_drain, cancellationToken).ConfigureAwait(false);
            sink.Dispose();
            (long read1, long rcvbuf1) = await UdpCountersAsync(serverHost, cancellationToken).ConfigureAwait(false);
            long read = read1 - read0, rcvbuf = rcvbuf1 - rcvbuf0;
            string whereLost = string.Create(
                CultureInfo.InvariantCulture,
                $"whole run: sent {sender.Sent}, dropped before the server's socket {sender.Sent - read - rcvbuf}, socket buffer full {rcvbuf}, read by the server {read}, held before each universe's first output {recorder.HeldAtStart}, read but not forwarded otherwise {read - recorder.ReceivedTotal - recorder.HeldAtStart}");
            if (sink.Error is not null)
            {
                log.WriteLine($"  warning: {spec.Server} sink: {sink.Error}; server log tail:\n{Tail(server.Log, 15)}");
            }

            return new BenchResult(spec)
            {
                // Packets of the window that actually left (all of them unless the generator fell behind).
                Sent = Math.Clamp(sender.Sent, firstFrame * spec.Universes, endFrame * spec.Universes) - (firstFrame * spec.Universes),
                Received = recorder.Received,
                Gaps = recorder.Gaps,
                Stale = recorder.Stale,
                SilentUniverses = recorder.SilentUniverses,
                LatencyP50 = recorder.Latency.Percentile(0.50),
                LatencyP99 = recorder.Latency.Percentile(0.99),
                LatencyMax = recorder.Latency.Max,
                JitterP50 = recorder.Jitter.Percentile(0.50),
                JitterP99 = recorder.Jitter.Percentile(0.99),
                InputJitterP99 = recorder.InputJitter.Percentile(0.99),
                CpuSeconds = cpu1 - cpu0,
                RssStartKib = rss0,
                RssPeakKib = peak,
                RssFinalKib = rss1,
                AllocatedPerSecond = allocRate,
                ScrapeMilliseconds = alloc2 is null ? null : scrapeMs,
                GeneratorPace = due1 - due0 > 0 ? (double)(sent1 - sent0) / (due1 - due0) : 0,
                SendErrors = sender.Errors,
                KernelDrops = drops1 - drops0,
                TopThreads = ProcStats.TopThreads(threads0, threads1, 5),
                ServerWarnings = Warnings(server.Log),
                WhereLost = whereLost,
                Seconds = spec.Duration.TotalSeconds,
            };
        }
        finally
        {
            await cts.CancelAsync().ConfigureAwait(false);
            senderThread.Join(TimeSpan.FromSeconds(10));
        }
    }

    /// <summary>Udp RcvbufErrors of the namespace (/proc/net/snmp is per network namespace).</summary>
    private static async Task<long> RcvbufErrorsAsync(NetworkNamespace ns, CancellationToken cancellationToken) =>
        (await UdpCountersAsync(ns, cancellationToken).ConfigureAwait(false)).RcvbufErrors;

    /// <summary>
    /// Udp InDatagrams (datagrams the server's sockets read: the kernel counts them in recvmsg) and
    /// RcvbufErrors of the namespace.
    /// </summary>
    private static async Task<(long InDatagrams, long RcvbufErrors)> UdpCountersAsync(NetworkNamespace ns, CancellationToken cancellationToken)
    {
        CommandResult r = await ns.RunAsync("cat", ["/proc/net/snmp"], TimeSpan.FromSeconds(10), cancellationToken: cancellationToken).ConfigureAwait(false);
        string[] udp = [.. r.StandardOutput.Split('\n').Where(l => l.StartsWith("Udp: ", StringComparison.Ordinal))];
        if (udp.Length < 2)
        {
            return (0, 0);
        }

        string[] names = udp[0].Split(' ');
        string[] values = udp[1].Split(' ');
        long Value(string name) => Array.IndexOf(names, name) is int i and >= 0 ? long.Parse(values[i], CultureInfo.InvariantCulture) : 0;
        return (Value("InDatagrams"), Value("RcvbufErrors"));
    }

    /// <summary>Warning lines of the server's log (olasharpd's single-line "warn:"/"fail:", olad's "WARN"), at most 3.</summary>
    private static string Warnings(string log)
    {
        string[] lines = log.Split('\n');
        var found = new List<string>();
        for (int i = 0; i < lines.Length && found.Count < 3; i++)
        {
            if (lines[i].Contains("warn:", StringComparison.Ordinal) || lines[i].Contains("fail:", StringComparison.Ordinal) || lines[i].Contains("WARN", StringComparison.Ordinal))
            {
                found.Add(lines[i].Trim());
            }
        }

        return string.Join(" | ", found);
    }

    private static string Tail(string text, int lines) =>
        string.Join('\n', text.Split('\n').TakeLast(lines));

    private static async Task DelayUntilAsync(long timestamp, CancellationToken cancellationToken)
    {
        TimeSpan wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), timestamp);
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<bool> WaitAsync(Func<bool> condition, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < timeout)
        {
            if (condition())
            {
                return true;
            }

            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }

        return condition();
    }
}
