// Licensed under the MIT License. See LICENSE in the repository root.
using System.Globalization;

namespace OlaSharp.Bench;

/// <summary>CPU time and memory of a process, from /proc.</summary>
internal static class ProcStats
{
    /// <summary>USER_HZ: /proc/&lt;pid&gt;/stat counts in 1/100 s on every Linux this runs on (sysconf(_SC_CLK_TCK)).</summary>
    private const double ClockTicksPerSecond = 100;

    /// <summary>utime + stime of <paramref name="pid"/> in seconds (all its threads), or NaN if it is gone.</summary>
    public static double CpuSeconds(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return double.NaN;
        }

        // Fields after "(comm)": state is field 3, utime 14, stime 15 (proc(5)).
        string[] f = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        long utime = long.Parse(f[11], CultureInfo.InvariantCulture);
        long stime = long.Parse(f[12], CultureInfo.InvariantCulture);
        return (utime + stime) / ClockTicksPerSecond;
    }

    /// <summary>CPU seconds per thread (tid → (name, seconds)); empty if the process is gone.</summary>
    public static Dictionary<int, (string Name, double Seconds)> ThreadCpu(int pid)
    {
        var result = new Dictionary<int, (string, double)>();
        try
        {
            foreach (string dir in Directory.EnumerateDirectories($"/proc/{pid}/task"))
            {
                try
                {
                    string stat = File.ReadAllText(Path.Combine(dir, "stat"));
                    int open = stat.IndexOf('(', StringComparison.Ordinal);
                    int close = stat.LastIndexOf(')');
                    string[] f = stat[(close + 2)..].Split(' ');
                    double seconds = (long.Parse(f[11], CultureInfo.InvariantCulture) + long.Parse(f[12], CultureInfo.InvariantCulture)) / ClockTicksPerSecond;
                    result[int.Parse(Path.GetFileName(dir), CultureInfo.InvariantCulture)] = (stat[(open + 1)..close], seconds);
                }
                catch (IOException)
                {
                    // The thread ended.
                }
            }
        }
        catch (IOException)
        {
            // The process ended.
        }

        return result;
    }

    /// <summary>The threads that used the most CPU between two <see cref="ThreadCpu"/> samples, as "name 1.23 s, ...".</summary>
    public static string TopThreads(Dictionary<int, (string Name, double Seconds)> before, Dictionary<int, (string Name, double Seconds)> after, int count)
    {
        return string.Join(", ", after
            .Select(kv => (kv.Value.Name, Seconds: kv.Value.Seconds - (before.TryGetValue(kv.Key, out var b) ? b.Seconds : 0)))
            .GroupBy(t => t.Name, StringComparer.Ordinal)
            .Select(g => (Name: g.Key, Seconds: g.Sum(t => t.Seconds)))
            .OrderByDescending(t => t.Seconds)
            .Take(count)
            .Select(t => string.Create(CultureInfo.InvariantCulture, $"{t.Name} {t.Seconds:0.00} s")));
    }

    /// <summary>VmRSS and VmHWM (peak RSS) of <paramref name="pid"/> in KiB; zeros if it is gone.</summary>
    public static (long Rss, long Peak) Memory(int pid)
    {
        long rss = 0, peak = 0;
        try
        {
            foreach (string line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    rss = Kib(line);
                }
                else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    peak = Kib(line);
                }
            }
        }
        catch (IOException)
        {
            return (0, 0);
        }

        return (rss, peak);
    }

    private static long Kib(string line) =>
        long.Parse(line.AsSpan(line.IndexOf(':', StringComparison.Ordinal) + 1).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);
}
