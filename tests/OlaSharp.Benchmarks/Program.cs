// Licensed under the MIT License. See LICENSE in the repository root.
using BenchmarkDotNet.Running;

namespace OlaSharp.Benchmarks;

/// <summary>
/// Entry point: <c>dotnet run -c Release --project tests/OlaSharp.Benchmarks -- --filter '*'</c>;
/// <c>-- grpc</c> runs the gRPC throughput and fan-out measurement instead.
/// </summary>
public static class Program
{
    /// <summary>Runs the benchmarks selected on the command line.</summary>
    public static int Main(string[] args)
    {
        if (args is ["grpc", ..])
        {
            return GrpcThroughput.RunAsync(args[1..]).GetAwaiter().GetResult();
        }

        var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return AllocationGate.Check(summaries) ? 0 : 1;
    }
}
