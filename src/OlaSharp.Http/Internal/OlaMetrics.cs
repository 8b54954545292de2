// Licensed under the MIT License. See LICENSE in the repository root.
using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using OlaSharp.Core;
using OlaSharp.Core.Clock;
using Prometheus;

namespace OlaSharp.Http.Internal;

/// <summary>
/// <c>GET /metrics</c> in Prometheus text format, written by prometheus-net from a registry of our own
/// (no process-wide default metrics). Values are read from the model just before each scrape.
/// </summary>
internal sealed class OlaMetrics
{
    private readonly CollectorRegistry _registry = Metrics.NewCustomRegistry();
    private readonly OlaHttpHost _host;
    private readonly Counter _universeUpdates;
    private readonly Gauge _sourceFrames;
    private readonly Gauge _sources;
    private readonly Gauge _slots;
    private readonly Gauge _activePriority;
    private readonly Counter _clockFrames;
    private readonly Counter _clockSkipped;
    private readonly Counter _clockErrors;
    private readonly Gauge _clockLateness;
    private readonly Gauge _gcAllocated;
    private readonly Gauge _gcCollections;
    private readonly HashSet<string> _universeLabels = new(StringComparer.Ordinal);
    private readonly HashSet<(string Universe, string Protocol)> _sourceLabels = [];

    public OlaMetrics(OlaHttpHost host)
    {
        _host = host;
        MetricFactory f = Metrics.WithCustomRegistry(_registry);
        _universeUpdates = f.CreateCounter("olasharp_universe_updates_total", "Updates accepted by the merge (frames in) per universe.", "universe");
        _sourceFrames = f.CreateGauge("olasharp_source_frames_received", "Frames received from the universe's current sources, by protocol (drops when a source goes away).", "universe", "protocol");
        _sources = f.CreateGauge("olasharp_universe_sources", "Sources currently attached to the universe, by protocol.", "universe", "protocol");
        _slots = f.CreateGauge("olasharp_universe_slots", "Length of the universe's merged buffer.", "universe");
        _activePriority = f.CreateGauge("olasharp_universe_active_priority", "The priority currently winning the merge.", "universe");
        _clockFrames = f.CreateCounter("olasharp_output_frames_total", "Frames emitted to output ports by the refresh clock (frames out), by reason.", "reason");
        _clockSkipped = f.CreateCounter("olasharp_clock_skipped_ticks_total", "Fixed-rate ticks skipped because the clock woke more than a period late.");
        _clockErrors = f.CreateCounter("olasharp_output_errors_total", "Output emits that failed.");
        _clockLateness = f.CreateGauge("olasharp_clock_lateness_seconds", "Refresh clock wake-up lateness (jitter): last and max.", "stat");
        // For the load harness (interop/bench): bytes allocated per forwarded frame without EventPipe.
        _gcAllocated = f.CreateGauge("dotnet_gc_allocated_bytes_total", "Bytes allocated on the managed heap since start (GC.GetTotalAllocatedBytes(precise: true)).");
        _gcCollections = f.CreateGauge("dotnet_gc_collection_count_total", "Garbage collections since start, by generation.", "generation");
        _registry.AddBeforeCollectCallback(Update);
    }

    public async Task WriteAsync(HttpContext ctx)
    {
        ctx.Response.ContentType = PrometheusConstants.ExporterContentTypeValue.ToString();
        await _registry.CollectAndExportAsTextAsync(ctx.Response.Body, ctx.RequestAborted).ConfigureAwait(false);
    }

    private void Update()
    {
        _gcAllocated.Set(GC.GetTotalAllocatedBytes(precise: true));
        for (int gen = 0; gen <= GC.MaxGeneration; gen++)
        {
            _gcCollections.WithLabels(gen.ToString(System.Globalization.CultureInfo.InvariantCulture)).Set(GC.CollectionCount(gen));
        }

        var seenUniverses = new HashSet<string>(StringComparer.Ordinal);
        var seenSources = new HashSet<(string, string)>();
        foreach (Universe u in _host.Universes.All)
        {
            string id = u.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
            seenUniverses.Add(id);
            _universeUpdates.WithLabels(id).IncTo(u.UpdateCount);
            _slots.WithLabels(id).Set(u.Length);
            _activePriority.WithLabels(id).Set(u.ActivePriority);
            foreach (IGrouping<string, SourceInfo> byKind in u.GetSources().GroupBy(s => s.Kind, StringComparer.Ordinal))
            {
                seenSources.Add((id, byKind.Key));
                _sources.WithLabels(id, byKind.Key).Set(byKind.Count());
                _sourceFrames.WithLabels(id, byKind.Key).Set(byKind.Sum(s => s.FramesReceived));
            }
        }

        // Universes and sources that went away stop being reported.
        foreach (string gone in _universeLabels.Except(seenUniverses).ToList())
        {
            _universeUpdates.RemoveLabelled(gone);
            _slots.RemoveLabelled(gone);
            _activePriority.RemoveLabelled(gone);
        }

        foreach ((string u, string kind) in _sourceLabels.Except(seenSources).ToList())
        {
            _sources.RemoveLabelled(u, kind);
            _sourceFrames.RemoveLabelled(u, kind);
        }

        _universeLabels.Clear();
        _universeLabels.UnionWith(seenUniverses);
        _sourceLabels.Clear();
        _sourceLabels.UnionWith(seenSources);

        if (_host.ClockStatistics is ClockStatistics c)
        {
            _clockFrames.WithLabels("tick").IncTo(c.Ticks);
            _clockFrames.WithLabels("change").IncTo(c.Changes);
            _clockFrames.WithLabels("repeat").IncTo(c.Repeats);
            _clockFrames.WithLabels("keepalive").IncTo(c.KeepAlives);
            _clockSkipped.IncTo(c.Skipped);
            _clockErrors.IncTo(c.Errors);
            _clockLateness.WithLabels("last").Set((double)c.LastLateness / Stopwatch.Frequency);
            _clockLateness.WithLabels("max").Set((double)c.MaxLateness / Stopwatch.Frequency);
        }
    }
}
