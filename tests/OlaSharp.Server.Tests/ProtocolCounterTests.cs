// Licensed under the MIT License. See LICENSE in the repository root.
using System.Reflection;
using OlaSharp.ArtNet;
using OlaSharp.Core;
using OlaSharp.Core.Stats;
using OlaSharp.Grpc;
using OlaSharp.Sacn;
using OlaSharp.Uart;

namespace OlaSharp.Server.Tests;

/// <summary>
/// Every protocol declares its counters once, as a <see cref="CounterSchema"/> whose rows are named by static
/// int fields of the declaring class; the shared <see cref="CounterTable"/> reports them. Over all of the
/// server's protocols: every row has a name and is reported by the protocol's counter source, with a defined
/// kind, a non-empty protocol label of its own, and no (protocol, kind, reason) twice.
/// </summary>
public class ProtocolCounterTests
{
    private static readonly string[] s_protocols = ["artnet", "e131", "uartdmx", "olarpc", "grpc"];

    [Fact]
    public void Schemas_AcrossAllProtocols_EachCounterNamedOnceWithKindAndUniqueLabels()
    {
        List<(Type Declarer, CounterSchema Schema)> schemas = DeclaredSchemas();
        Assert.Equal(s_protocols.Order(StringComparer.Ordinal), schemas.Select(s => s.Schema.Protocol).Order(StringComparer.Ordinal));

        var labels = new HashSet<(string, ProtocolCounterKind, string)>();
        foreach ((Type declarer, CounterSchema schema) in schemas)
        {
            Assert.False(string.IsNullOrWhiteSpace(schema.Protocol));
            Assert.NotEmpty(schema.Rows);

            // The declaring class names every row exactly once (the int fields are the indexes 0..n-1).
            int[] indexes = declarer.GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
                .Where(f => f.FieldType == typeof(int))
                .Select(f => (int)f.GetValue(null)!)
                .Order()
                .ToArray();
            Assert.Equal(Enumerable.Range(0, schema.Rows.Count), indexes);

            foreach (CounterRow row in schema.Rows)
            {
                Assert.True(Enum.IsDefined(row.Kind), $"{schema.Protocol}: undefined kind {row.Kind}");
                Assert.NotNull(row.Reason);
                Assert.True(labels.Add((schema.Protocol, row.Kind, row.Reason)), $"{schema.Protocol} {row.Kind} '{row.Reason}' declared twice");
            }
        }
    }

    [Fact]
    public void PluginSources_ReportEveryDeclaredCounter()
    {
        // The plugins' sources, as the server registers them (before start: all zero). The OLA RPC and gRPC
        // front ends report a CounterTable of their schema as it is (CounterTableTests covers that path).
        Dictionary<string, CounterSchema> schemas = DeclaredSchemas().ToDictionary(s => s.Schema.Protocol, s => s.Schema);
        IProtocolCounterSource[] sources = [new ArtNetPlugin(), new SacnPlugin(), new UartDmxPlugin()];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (IProtocolCounterSource source in sources)
        {
            var reported = new List<ProtocolCounter>();
            source.CollectCounters(reported);
            string protocol = Assert.Single(reported.Select(c => c.Protocol).Distinct());
            Assert.True(seen.Add(protocol), $"{protocol} reported by two sources");
            Assert.Equal(schemas[protocol].Rows, reported.Select(c => new CounterRow(c.Kind, c.Reason)));
            Assert.All(reported, c => Assert.Equal(0, c.Value));
        }

        Assert.Equal(new[] { "artnet", "e131", "uartdmx" }, seen.Order(StringComparer.Ordinal));
    }

    // Static CounterSchema fields in the server's assemblies (internal declaration classes included).
    private static List<(Type Declarer, CounterSchema Schema)> DeclaredSchemas()
    {
        Assembly[] assemblies =
        [
            typeof(ArtNetPlugin).Assembly, typeof(SacnPlugin).Assembly, typeof(UartDmxPlugin).Assembly,
            typeof(OlaSharpGrpc).Assembly, typeof(OlaSharp.OlaRpc.OlaRpcConnectionHandler).Assembly,
            typeof(Universe).Assembly, typeof(OlaSharp.Http.OlaHttpHost).Assembly,
        ];
        var result = new List<(Type Declarer, CounterSchema Schema)>();
        foreach (Type type in assemblies.SelectMany(a => a.GetTypes()))
        {
            foreach (FieldInfo field in type.GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.DeclaredOnly))
            {
                if (field.FieldType == typeof(CounterSchema))
                {
                    result.Add((type, (CounterSchema)field.GetValue(null)!));
                }
            }
        }

        return result;
    }
}
