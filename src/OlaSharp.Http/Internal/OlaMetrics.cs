// Licensed under the MIT License. See LICENSE in the repository root.
using System.Diagnostics;
using System.Globalization;
using OlaSharp.Core.Clock;
using OlaSharp.Core.Stats;
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
    private readonly Gauge _failsafeActive;
    private readonly Counter _failsafeActivations;
    private readonly Counter _clockFrames;
    private readonly Counter _clockSkipped;
    private readonly Counter _clockErrors;
    private readonly Gauge _clockLateness;
    private readonly Counter _clockWakeups;
    private readonly Counter _framesIn;
    private readonly Counter _framesOut;
    private readonly Counter _packetsReceived;
    private readonly Counter _packetsSent;
    private readonly Counter _packetsMalformed;
    private readonly Counter _packetsDropped;
    private readonly Counter _sendErrors;
    private readonly LabelTracker _framesInLabels = new();
    private readonly LabelTracker _framesOutLabels = new();
    private readonly Dictionary<string, PortCount> _portCounts = new(StringComparer.Ordinal);
    private readonly Gauge _deviceState;
    private readonly HashSet<(string Plugin, string Device)> _deviceLabels = [];
    private readonly Gauge _gcAllocated;
    private readonly Gauge _gcCollections;
    private readonly HashSet<string> _universeLabels = new(StringComparer.Ordinal);
    private readonly HashSet<(string Universe, string Protocol)> _sourceLabels = [];
    private readonly StandbyMetrics _standby;

    public OlaMetrics(OlaHttpHost host)
    {
        _host = host;
        MetricFactory f = Metrics.WithCustomRegistry(_registry);
        _universeUpdates = f.CreateCounter("olasharp_universe_updates_total", "Updates accepted by the merge (frames in) per universe.", "universe");
        _sourceFrames = f.CreateGauge("olasharp_source_frames_received", "Frames received from the universe's current sources, by protocol (drops when a source goes away).", "universe", "protocol");
        _sources = f.CreateGauge("olasharp_universe_sources", "Sources currently attached to the universe, by protocol.", "universe", "protocol");
        _slots = f.CreateGauge("olasharp_universe_slots", "Length of the universe's merged buffer.", "universe");
        _activePriority = f.CreateGauge("olasharp_universe_active_priority", "The priority currently winning the merge.", "universe");
        _failsafeActive = f.CreateGauge("olasharp_universe_failsafe_active", "1 while the universe's failsafe frame is its output (its data was lost and no source has sent since), else 0.", "universe");
        _failsafeActivations = f.CreateCounter("olasharp_universe_failsafe_activations_total", "Times the universe's failsafe acted since the universe was created.", "universe");
        _clockFrames = f.CreateCounter("olasharp_output_frames_total", "Frames emitted to output ports by the refresh clock (frames out), by reason.", "reason");
        _clockSkipped = f.CreateCounter("olasharp_clock_skipped_ticks_total", "Fixed-rate ticks skipped because the clock woke more than a period late.");
        _clockErrors = f.CreateCounter("olasharp_output_errors_total", "Output emits that failed.");
        _clockLateness = f.CreateGauge("olasharp_clock_lateness_seconds", "Refresh clock wake-up lateness (jitter): last and max.", "stat");
        _framesIn = f.CreateCounter("olasharp_frames_in_total", "Frames received into the universe, by protocol (source kind); kept when sources go.", "universe", "protocol");
        _framesOut = f.CreateCounter("olasharp_frames_out_total", "Frames sent by each patched output port, by universe and protocol (plugin).", "universe", "protocol", "port");
        _packetsReceived = f.CreateCounter("olasharp_packets_received_total", "Packets, frames or requests received by a protocol endpoint; type empty = all.", "protocol", "type");
        _packetsSent = f.CreateCounter("olasharp_packets_sent_total", "Packets or messages sent by a protocol endpoint, by type.", "protocol", "type");
        _packetsMalformed = f.CreateCounter("olasharp_packets_malformed_total", "Input that failed to parse (bad framing, lengths, vectors, versions) and was dropped.", "protocol");
        _packetsDropped = f.CreateCounter("olasharp_packets_dropped_total", "Valid input not used, by reason.", "protocol", "reason");
        _sendErrors = f.CreateCounter("olasharp_send_errors_total", "Sends that failed, by protocol.", "protocol");
        _clockWakeups = f.CreateCounter("olasharp_clock_wakeups_total", "Fixed-rate clock wake-ups with lateness (jitter) at or under le seconds, cumulative like a histogram's buckets.", "le");
        _deviceState = f.CreateGauge("olasharp_device_state", "Each plugin device's health: 1 for its current state, 0 for the others (see /json/health for the fix).", "plugin", "device", "state");
        // For the load harness (interop/bench): bytes allocated per forwarded frame without EventPipe.
        _gcAllocated = f.CreateGauge("dotnet_gc_allocated_bytes_total", "Bytes allocated on the managed heap since start (GC.GetTotalAllocatedBytes(precise: true)).");
        _gcCollections = f.CreateGauge("dotnet_gc_collection_count_total", "Garbage collections since start, by generation.", "generation");
        _standby = new StandbyMetrics(f);
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
            _gcCollections.WithLabels(gen.ToString(CultureInfo.InvariantCulture)).Set(GC.CollectionCount(gen));
        }

        var seenUniverses = new HashSet<string>(StringComparer.Ordinal);
        var seenSources = new HashSet<(string, string)>();
        foreach (Universe u in _host.Core.Universes.All)
        {
            string id = u.Id.ToString(CultureInfo.InvariantCulture);
            seenUniverses.Add(id);
            _universeUpdates.WithLabels(id).IncTo(u.UpdateCount);
            _slots.WithLabels(id).Set(u.Length);
            _activePriority.WithLabels(id).Set(u.ActivePriority);
            FailsafeStatus failsafe = u.GetFailsafeStatus();
            _failsafeActive.WithLabels(id).Set(failsafe.Active ? 1 : 0);
            _failsafeActivations.WithLabels(id).IncTo(failsafe.Activations);
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
            _failsafeActive.RemoveLabelled(gone);
            _failsafeActivations.RemoveLabelled(gone);
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

        UpdateFrames();
        UpdateProtocolCounters();
        UpdateDeviceHealth();
        _standby.Update(_host.Core.Standby);

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
            long[] buckets = c.LatenessHistogram();
            ReadOnlySpan<int> bounds = ClockStatistics.LatenessBucketsMicroseconds;
            long cumulative = 0;
            for (int i = 0; i < buckets.Length; i++)
            {
                cumulative += buckets[i];
                string le = i < bounds.Length ? (bounds[i] / 1e6).ToString("R", CultureInfo.InvariantCulture) : "+Inf";
                _clockWakeups.WithLabels(le).IncTo(cumulative);
            }
        }
    }

    private void UpdateFrames()
    {
        foreach (Universe u in _host.Core.Universes.All)
        {
            string id = u.Id.ToString(CultureInfo.InvariantCulture);
            foreach ((string kind, long frames) in u.GetFramesInByKind())
            {
                _framesInLabels.Seen(id, kind);
                _framesIn.WithLabels(id, kind).IncTo(frames);
            }
        }

        _framesInLabels.RemoveUnseen(_framesIn);

        // Ports are new objects after a plugin reload: a port's count continues from where the old one left.
        var live = new HashSet<string>(StringComparer.Ordinal);
        foreach (Device d in _host.Core.Devices.Devices)
        {
            foreach (OutputPort p in d.OutputPorts)
            {
                if (p.Universe is not { } u)
                {
                    continue;
                }

                string key = p.Id;
                live.Add(key);
                if (!_portCounts.TryGetValue(key, out PortCount? pc))
                {
                    pc = new PortCount(p);
                    _portCounts.Add(key, pc);
                }
                else if (!ReferenceEquals(pc.Port, p))
                {
                    pc.Offset += pc.Last;
                    pc.Port = p;
                }

                pc.Last = p.FramesSent;
                string universe = u.Id.ToString(CultureInfo.InvariantCulture);
                _framesOutLabels.Seen(universe, d.Owner.ConfPrefix, key);
                _framesOut.WithLabels(universe, d.Owner.ConfPrefix, key).IncTo(pc.Offset + pc.Last);
            }
        }

        _framesOutLabels.RemoveUnseen(_framesOut);
        foreach (KeyValuePair<string, PortCount> kv in _portCounts)
        {
            if (!live.Contains(kv.Key))
            {
                // Unpatched or gone: keep the offset so a reload that brings it back continues the count.
                kv.Value.Port = null;
            }
        }
    }

    private void UpdateProtocolCounters()
    {
        if (_host.Counters is not { } registry)
        {
            return;
        }

        foreach (ProtocolCounter c in registry.Collect())
        {
            // Received, sent and dropped are labelled by type or reason; malformed and send errors by protocol only.
            (Counter? counter, bool byReason) = c.Kind switch
            {
                ProtocolCounterKind.Received => (_packetsReceived, true),
                ProtocolCounterKind.Sent => (_packetsSent, true),
                ProtocolCounterKind.Dropped => (_packetsDropped, true),
                ProtocolCounterKind.Malformed => (_packetsMalformed, false),
                ProtocolCounterKind.SendErrors => (_sendErrors, false),
                _ => (null, false),
            };
            if (counter is null)
            {
                continue;
            }

            (byReason ? counter.WithLabels(c.Protocol, c.Reason) : counter.WithLabels(c.Protocol)).IncTo(c.Value);
        }
    }

    // One series per state and device; devices no longer configured (a reload, a disabled plugin) are dropped.
    private void UpdateDeviceHealth()
    {
        var seen = new HashSet<(string, string)>();
        foreach (DeviceHealth d in DeviceHealthReport.Collect(_host.Core.Plugins))
        {
            seen.Add((d.PluginKey, d.Path));
            foreach (DeviceHealthState state in DeviceHealthReport.States)
            {
                _deviceState.WithLabels(d.PluginKey, d.Path, DeviceHealthReport.StateName(state)).Set(state == d.State ? 1 : 0);
            }
        }

        foreach ((string plugin, string device) in _deviceLabels.Except(seen).ToList())
        {
            foreach (DeviceHealthState state in DeviceHealthReport.States)
            {
                _deviceState.RemoveLabelled(plugin, device, DeviceHealthReport.StateName(state));
            }
        }

        _deviceLabels.Clear();
        _deviceLabels.UnionWith(seen);
    }

    private sealed class PortCount(OutputPort port)
    {
        public OutputPort? Port { get; set; } = port;

        public long Offset { get; set; }

        public long Last { get; set; }
    }

    /// <summary>The label sets reported in this scrape and the last one, so series that went away are removed.</summary>
    private sealed class LabelTracker
    {
        private HashSet<string[]> _previous = new(LabelComparer.Instance);
        private HashSet<string[]> _current = new(LabelComparer.Instance);

        public void Seen(params string[] labels) => _current.Add(labels);

        public void RemoveUnseen(Counter counter)
        {
            foreach (string[] gone in _previous)
            {
                if (!_current.Contains(gone))
                {
                    counter.RemoveLabelled(gone);
                }
            }

            (_previous, _current) = (_current, _previous);
            _current.Clear();
        }
    }

    private sealed class LabelComparer : IEqualityComparer<string[]>
    {
        public static readonly LabelComparer Instance = new();

        public bool Equals(string[]? x, string[]? y) => x is not null && y is not null && x.AsSpan().SequenceEqual(y);

        public int GetHashCode(string[] obj)
        {
            var h = default(HashCode);
            foreach (string s in obj)
            {
                h.Add(s, StringComparer.Ordinal);
            }

            return h.ToHashCode();
        }
    }
}
