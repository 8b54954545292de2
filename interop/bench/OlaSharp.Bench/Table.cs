// Licensed under the MIT License. See LICENSE in the repository root.
using System.Globalization;
using System.Text;

namespace OlaSharp.Bench;

/// <summary>Markdown tables of results, and the OlaSharp/olad ratios for runs of the same N.</summary>
public static class Table
{
    public const string Header =
        "| N | server | sent | received | lost | gaps | kernel drops | latency p50 / p99 / max (ms) | period jitter p50 / p99 (ms) [generator p99] | CPU s | CPU s per 1e5 frames | RSS start / peak / final (MiB) | alloc B/frame (rate) |\n" +
        "|---|---|---:|---:|---:|---:|---:|---|---|---:|---:|---|---:|";

    public static string Row(BenchResult r)
    {
        ArgumentNullException.ThrowIfNull(r);
        string n = r.Spec.Label ?? r.Spec.Universes.ToString(CultureInfo.InvariantCulture);
        string server = r.Spec.Server == ServerKind.Olad ? "olad" : "olasharpd";
        string alloc = r.AllocatedPerFrame is double a ? F($"{a:0.0} ({r.AllocatedPerSecond / 1e6:0.00} MB/s)") : "n/a";
        string pace = r.GeneratorPace < 0.99 ? F($" (generator at {r.GeneratorPace:P0})") : string.Empty;
        return F($"| {n} | {server}{pace} | {r.Sent} | {r.Received} | {r.Lost}{LossRate(r)} | {r.Gaps} | {r.KernelDrops} | {Ms(r.LatencyP50)} / {Ms(r.LatencyP99)} / {Ms(r.LatencyMax)} | {Ms(r.JitterP50)} / {Ms(r.JitterP99)} [{Ms(r.InputJitterP99)}] | {r.CpuSeconds:0.00} | {r.CpuPer100k:0.000} | {Mib(r.RssStartKib)} / {Mib(r.RssPeakKib)} / {Mib(r.RssFinalKib)} | {alloc} |");
    }

    /// <summary>OlaSharp/olad for each N measured with both (empty if none).</summary>
    public static string Ratios(IReadOnlyList<BenchResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var sb = new StringBuilder();
        foreach (var group in results.GroupBy(r => r.Spec.Universes))
        {
            BenchResult? olad = group.LastOrDefault(r => r.Spec.Server == ServerKind.Olad);
            BenchResult? ours = group.LastOrDefault(r => r.Spec.Server == ServerKind.OlaSharp);
            if (olad is null || ours is null)
            {
                continue;
            }

            if (sb.Length == 0)
            {
                sb.AppendLine("| N | CPU per 1e5 frames, OlaSharp/olad | latency p50, OlaSharp/olad | latency p99, OlaSharp/olad | lost olad / OlaSharp |");
                sb.AppendLine("|---|---:|---:|---:|---|");
            }

            sb.AppendLine(F($"| {group.Key} | {Ratio(ours.CpuPer100k, olad.CpuPer100k)} | {Ratio(ours.LatencyP50, olad.LatencyP50)} | {Ratio(ours.LatencyP99, olad.LatencyP99)} | {olad.Lost} / {ours.Lost} |"));
        }

        return sb.ToString().TrimEnd();
    }

    private static string LossRate(BenchResult r) => r.Lost > 0 && r.Sent > 0 ? F($" ({(double)r.Lost / r.Sent:0.###%})") : string.Empty;

    private static string Ratio(double ours, double theirs) =>
        theirs > 0 && !double.IsNaN(ours) ? F($"{ours / theirs:0.00}x") : "n/a";

    private static string Ms(long micros) => F($"{micros / 1000.0:0.000}");

    private static string Mib(long kib) => F($"{kib / 1024.0:0.0}");

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
