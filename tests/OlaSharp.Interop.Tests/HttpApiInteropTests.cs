// Licensed under the MIT License. See LICENSE in the repository root.
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace OlaSharp.Interop.Tests;

/// <summary>
/// OLA's HTTP API: the same requests, sent with curl inside each server's private namespace, to a real
/// olad 0.10.9 (HTTP on 9090) and to olasharpd, both with the dummy plugin only. JSON replies are
/// compared parsed (structure and values); status codes and error bodies are compared as text.
/// </summary>
[Collection(InteropCollection.Name)]
public sealed partial class HttpApiInteropTests(ITestOutputHelper output)
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);

    private enum Compare
    {
        /// <summary>Status and body identical (as parsed JSON when it parses).</summary>
        Exact,

        /// <summary>Status and body identical byte for byte (olad's formatting too).</summary>
        Raw,

        /// <summary>Only the status and the JSON object's key names.</summary>
        Keys,

        /// <summary>universe_plugin_list: universes identical but for rdm_devices (olad's dummy emulates RDM); plugin rows compared for the ids olasharpd ships.</summary>
        PluginList,
    }

    private sealed record Request(string Method, string Path, string? Form = null, Compare Compare = Compare.Exact)
    {
        public override string ToString() => Short($"{Method} {Path} {Form}", 100);
    }

    private static Request[] Requests =>
    [
        new("GET", "/json/universe_plugin_list", Compare: Compare.PluginList),
        new("GET", "/json/server_stats", Compare: Compare.Keys),
        new("GET", "/get_dmx?u=1", Compare: Compare.Raw),
        new("GET", "/get_dmx"),
        new("GET", "/get_dmx?u=abc"),
        new("GET", "/json/get_ports"),
        new("POST", "/new_universe", "id=1&name=Stage&add_ports=1-O-0"),
        new("POST", "/new_universe", "id=2&name=Nothing&add_ports="),
        new("POST", "/set_dmx", "u=1&d=1,2,3,300,,7"),
        new("GET", "/get_dmx?u=1", Compare: Compare.Raw),
        new("POST", "/set_dmx", "u=1&d="),
        new("POST", "/set_dmx", "u=77&d=1"),
        new("POST", "/set_dmx", "d=1"),
        new("GET", "/set_dmx"),
        new("GET", "/json/universe_info?id=1"),
        new("GET", "/json/universe_info?id=77"),
        new("GET", "/json/get_ports?id=1"),
        new("POST", "/modify_universe", "id=1&merge_mode=HTP"),
        new("POST", "/modify_universe", "id=1&name=Renamed&merge_mode=HTP"),
        new("POST", "/modify_universe", "id=77&name=x"),
        new("GET", "/json/universe_info?id=1"),
        new("GET", "/json/universe_plugin_list", Compare: Compare.PluginList),
        new("POST", "/set_dmx", "u=1&d=" + string.Join(',', Enumerable.Repeat("255", 10_000))),
        new("GET", "/get_dmx?u=1"),
        new("GET", "/json/plugin_info?id=1", Compare: Compare.Keys),
        new("GET", "/no/such/path"),
    ];

    [Fact]
    public async Task HttpApi_SameRequests_SameAnswersAsOlad()
    {
        Peers.Require("olad", "ola");
        Peers.Require("curl", "curl");
        IReadOnlyList<(int Status, string Body)> olad;
        await using (var ns = await NetworkNamespace.CreateAsync())
        await using (var server = await OladInstance.StartAsync(ns, ["dummy"], extraConf: null))
        {
            Assert.True(await ns.WaitForTcpAsync(OladInstance.HttpPort, s_timeout), "olad's HTTP server did not listen on 9090");
            olad = await RunAsync(ns, OladInstance.HttpPort);
        }

        IReadOnlyList<(int Status, string Body)> ours;
        string log;
        await using (var ns = await NetworkNamespace.CreateAsync())
        await using (var server = await OlasharpdInNamespace.StartAsync(ns, TimeSpan.FromSeconds(60)))
        {
            int port = int.Parse(HttpPortInReadyLine().Match(server.Output.StandardOutput).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            ours = await RunAsync(ns, port);
            log = server.Output.StandardOutput + server.Output.StandardError;
        }

        Request[] requests = Requests;
        var differences = new List<string>();
        for (int i = 0; i < requests.Length; i++)
        {
            Request r = requests[i];
            string expected = Normalize(r, olad[i]);
            string actual = Normalize(r, ours[i]);
            output.WriteLine($"{r}\n  olad:  {Short(expected)}\n  ours:  {Short(actual)}");
            if (expected != actual)
            {
                differences.Add($"{r}:\n  olad: {expected}\n  ours: {actual}");
            }
        }

        Assert.True(differences.Count == 0, string.Join('\n', differences));
        Assert.DoesNotMatch(@"\b(fail|crit|error)\b", log);
    }

    private static string Short(string s, int max = 300) => s.Length > max ? s[..max] + "…" : s;

    private static async Task<IReadOnlyList<(int Status, string Body)>> RunAsync(NetworkNamespace ns, int port)
    {
        var results = new List<(int, string)>();
        foreach (Request r in Requests)
        {
            var args = new List<string> { "-s", "-m", "10", "-o", "-", "-w", "\n%{http_code}" };
            if (r.Method == "POST")
            {
                args.AddRange(["-H", "Content-Type: application/x-www-form-urlencoded", "--data-binary", r.Form ?? string.Empty]);
            }

            args.Add($"http://127.0.0.1:{port}{r.Path}");
            CommandResult c = await ns.RunAsync("curl", args, s_timeout);
            string text = c.StandardOutput.TrimEnd('\n');
            int nl = text.LastIndexOf('\n');
            if (nl < 0 || !int.TryParse(text[(nl + 1)..], System.Globalization.CultureInfo.InvariantCulture, out int status))
            {
                throw new InvalidOperationException($"curl {string.Join(' ', args)}: exit {c.ExitCode}, stdout '{text}', stderr '{c.StandardError}'");
            }

            results.Add((status, text[..nl]));
        }

        return results;
    }

    private static string Normalize(Request r, (int Status, string Body) reply)
    {
        if (r.Compare == Compare.Raw)
        {
            return $"{reply.Status} {reply.Body}";
        }

        JsonNode? json = null;
        try
        {
            json = JsonNode.Parse(reply.Body);
        }
        catch (JsonException)
        {
        }

        if (json is null)
        {
            return $"{reply.Status} {reply.Body}";
        }

        switch (r.Compare)
        {
            case Compare.Keys:
                return $"{reply.Status} keys: {string.Join(',', json.AsObject().Select(p => p.Key))}";
            case Compare.PluginList:
                foreach (JsonNode? u in json["universes"]!.AsArray())
                {
                    u!.AsObject().Remove("rdm_devices");
                }

                // The plugin ids olasharpd ships (dummy, Art-Net, uartdmx); olad lists all it was built with.
                var plugins = new JsonArray();
                foreach (JsonNode? p in json["plugins"]!.AsArray())
                {
                    if (p!["id"]!.GetValue<int>() is 1 or 2 or 20)
                    {
                        plugins.Add(p.DeepClone());
                    }
                }

                json["plugins"] = plugins;
                break;
        }

        return $"{reply.Status} {json.ToJsonString()}";
    }

    [GeneratedRegex("\"http\":(\\d+)")]
    private static partial Regex HttpPortInReadyLine();
}
