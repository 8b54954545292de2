// Licensed under the MIT License. See LICENSE in the repository root.
using System.Reflection;
using Microsoft.Extensions.Logging;

namespace OlaSharp.Server.Tests;

/// <summary>
/// Every <c>[LoggerMessage]</c> in the server's assemblies has its own EventId, so a log filter or an
/// alert on an id names exactly one message (issue 16: DeviceRegistry and ArtNetNode both used 200-204).
/// </summary>
public class LogEventIdTests
{
    // The server references every plugin and front end, so they all sit beside this test assembly.
    private static readonly string[] s_expected =
    [
        "OlaSharp.Core", "OlaSharp.ArtNet", "OlaSharp.Sacn", "OlaSharp.Uart",
        "OlaSharp.OlaRpc", "OlaSharp.Http", "OlaSharp.Grpc", "olasharpd",
    ];

    [Fact]
    public void LoggerMessages_AcrossAllAssemblies_HaveUniqueEventIds()
    {
        List<Assembly> assemblies = LoadServerAssemblies();
        var names = assemblies.Select(a => a.GetName().Name!).ToHashSet(StringComparer.Ordinal);
        foreach (string expected in s_expected)
        {
            Assert.Contains(expected, names);
        }

        var byId = new Dictionary<int, List<string>>();
        int count = 0;
        foreach (Assembly assembly in assemblies)
        {
            foreach ((int id, string method) in LoggerMessages(assembly))
            {
                count++;
                if (!byId.TryGetValue(id, out List<string>? list))
                {
                    byId[id] = list = [];
                }

                list.Add(method);
            }
        }

        // A vacuous pass (no messages found) would hide a broken scan: the code has dozens.
        Assert.True(count > 50, $"found only {count} [LoggerMessage] methods");
        string[] duplicates = byId.Where(kv => kv.Value.Count > 1)
            .OrderBy(kv => kv.Key)
            .Select(kv => $"EventId {kv.Key}: {string.Join(" and ", kv.Value)}")
            .ToArray();
        Assert.True(duplicates.Length == 0, "duplicate EventIds:\n" + string.Join("\n", duplicates));
    }

    [Fact]
    public void LoggerMessages_Scan_FindsKnownMessage()
    {
        // The scan sees internal Log classes: DeviceRegistry's patch refusal is in Core's.
        Assembly core = typeof(OlaSharp.Core.Plugins.DeviceRegistry).Assembly;
        Assert.Contains(LoggerMessages(core), m => m.Method == "OlaSharp.Core.Log.PatchRefused");
    }

    private static List<Assembly> LoadServerAssemblies()
    {
        var result = new List<Assembly>();
        foreach (string path in Directory.EnumerateFiles(AppContext.BaseDirectory, "*.dll").Order(StringComparer.Ordinal))
        {
            string name = Path.GetFileNameWithoutExtension(path);
            bool ours = name == "olasharpd" || name.StartsWith("OlaSharp.", StringComparison.Ordinal);
            if (!ours || name.EndsWith(".Tests", StringComparison.Ordinal))
            {
                continue;
            }

            result.Add(Assembly.Load(AssemblyName.GetAssemblyName(path)));
        }

        return result;
    }

    private static IEnumerable<(int Id, string Method)> LoggerMessages(Assembly assembly)
    {
        const BindingFlags All = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static
            | BindingFlags.Instance | BindingFlags.DeclaredOnly;
        foreach (Type type in assembly.GetTypes())
        {
            foreach (MethodInfo method in type.GetMethods(All))
            {
                LoggerMessageAttribute? attribute = method.GetCustomAttribute<LoggerMessageAttribute>();
                if (attribute is not null && attribute.EventId >= 0)
                {
                    yield return (attribute.EventId, $"{type.FullName}.{method.Name}");
                }
            }
        }
    }
}
