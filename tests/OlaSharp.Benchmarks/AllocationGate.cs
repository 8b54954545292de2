// Licensed under the MIT License. See LICENSE in the repository root.
using BenchmarkDotNet.Reports;

namespace OlaSharp.Benchmarks;

/// <summary>
/// Fails the run when a benchmark marked <see cref="ZeroAllocationAttribute"/> allocated anything
/// (garnet's BDN expected-allocation gate, in miniature).
/// </summary>
public static class AllocationGate
{
    /// <summary>True when every zero-allocation benchmark allocated 0 bytes per operation.</summary>
    public static bool Check(IEnumerable<Summary> summaries)
    {
        bool ok = true;
        foreach (Summary summary in summaries)
        {
            foreach (BenchmarkReport report in summary.Reports)
            {
                bool gated = report.BenchmarkCase.Descriptor.WorkloadMethod.GetCustomAttributes(typeof(ZeroAllocationAttribute), false).Length > 0;
                long? bytes = report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase);
                if (gated && bytes is > 0)
                {
                    Console.Error.WriteLine($"ALLOCATION GATE: {report.BenchmarkCase.DisplayInfo} allocated {bytes} B/op (expected 0)");
                    ok = false;
                }
            }
        }

        return ok;
    }
}

/// <summary>Marks a benchmark whose steady state must allocate nothing.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ZeroAllocationAttribute : Attribute;
