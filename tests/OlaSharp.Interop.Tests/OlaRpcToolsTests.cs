// Licensed under the MIT License. See LICENSE in the repository root.
using System.Text;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace OlaSharp.Interop.Tests;

/// <summary>
/// OLA's own CLI tools and Python client against olasharpd on 127.0.0.1:9010, each server in its own
/// namespace: the same command sequence runs against a real olad 0.10.9 (dummy plugin only) and
/// against olasharpd, and the transcripts must match except where the difference is legitimate
/// (plugins olasharpd does not ship, plugin descriptions, the dummy's emulated RDM).
/// </summary>
[Collection(InteropCollection.Name)]
public sealed partial class OlaRpcToolsTests(ITestOutputHelper output)
{
    private static readonly TimeSpan s_toolTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(60);

    private enum Rule
    {
        /// <summary>Output must be identical.</summary>
        Exact,

        /// <summary>ola_plugin_info: the rows olasharpd lists must be olad's rows for those ids.</summary>
        PluginRows,

        /// <summary>Only the title line must match (descriptions are ours).</summary>
        FirstLine,
    }

    // OursOnly: not compared with olad, whose result races there; olasharpd's output must contain it.
    private sealed record Step(string File, string[] Args, Rule Rule = Rule.Exact, int? Plugin = null, string? OursOnly = null)
    {
        public override string ToString() => $"{File} {string.Join(' ', Args)}";
    }

    private static string Script(string name) => Path.Combine(AppContext.BaseDirectory, "Scripts", name);

    private static Step[] Steps(string showFile) =>
    [
        new("ola_plugin_info", [], Rule.PluginRows),
        new("ola_plugin_info", ["-p", "1"], Rule.FirstLine),
        new("ola_plugin_info", ["-p", "20"], Rule.FirstLine, Plugin: 20),
        new("ola_plugin_state", ["-p", "1"]),
        new("ola_plugin_state", ["-p", "2"], Plugin: 2),
        new("ola_dev_info", []),
        new("ola_uni_info", []),
        new("ola_set_dmx", ["-u", "1", "-d", "255,0,10"]),
        new("ola_patch", ["-d", "1", "-p", "0", "-u", "1"]),
        new("ola_dev_info", []),
        new("ola_dev_info", ["-p", "1"]),
        new("ola_dev_info", ["-p", "2"]),
        new("ola_uni_info", []),
        new("ola_uni_name", ["-u", "1", "-n", "Stage left"]),
        new("ola_uni_merge", ["-u", "1"]),
        new("ola_uni_info", []),
        new("ola_uni_merge", ["-u", "1", "-l"]),
        new("ola_uni_info", []),
        new("ola_set_priority", ["-d", "1", "-p", "0", "-o", "150"]),
        new("ola_set_priority", ["-d", "1", "-p", "0"]),
        new("ola_set_priority", ["-d", "9", "-p", "0"]),
        new("ola_set_dmx", ["-u", "1", "-d", "255,0,10"]),
        new("/usr/bin/python3", [Script("fetch_dmx.py"), "1"]),
        new("ola_streaming_client", ["-u", "1", "-d", "1,2,3"]),
        // ola_streaming_client sends its frame and closes at once; olad 0.10.9 sometimes drops that last
        // frame (seen under load: the fetch still shows 255,0,10). olasharpd handles buffered frames first.
        new("/usr/bin/python3", [Script("fetch_dmx.py"), "1"], OursOnly: "fetch True 1 [1, 2, 3] None"),
        new("/usr/bin/python3", [Script("fetch_dmx.py"), "7"]),
        new("ola_set_dmx", ["-u", "7", "-d", "1"]),
        new("ola_patch", ["-d", "1", "-p", "3", "-u", "2"]),
        new("ola_patch", ["-d", "7", "-p", "0", "-u", "2"]),
        new("ola_patch", ["-d", "1", "-p", "0", "-u", "2", "-i"]),
        new("/usr/bin/python3", [Script("ola_client_flow.py")]),
        new("/bin/sh", [Script("recorder_flow.sh"), showFile]),
        // Playback streams each frame and closes; olad sometimes drops the last one here too.
        new("/usr/bin/python3", [Script("fetch_dmx.py"), "1"], OursOnly: "fetch True 1 [4, 5, 6] None"),
        new("ola_patch", ["-r", "-d", "1", "-p", "0"]),
        new("ola_dev_info", []),
    ];

    [Fact]
    public async Task ToolsAndPythonClient_TranscriptMatchesOlad()
    {
        foreach (string tool in new[] { "olad", "ola_plugin_info", "ola_plugin_state", "ola_dev_info", "ola_patch", "ola_uni_info", "ola_uni_name", "ola_uni_merge", "ola_set_priority", "ola_set_dmx", "ola_streaming_client", "ola_recorder" })
        {
            Peers.Require(tool, "ola");
        }

        Peers.Require("/usr/bin/python3", "python3");
        string showDir = Directory.CreateTempSubdirectory("olas-show-").FullName;
        string showFile = Path.Combine(showDir, "flow.show");
        try
        {
            IReadOnlyList<string> olad;
            await using (var ns = await NetworkNamespace.CreateAsync())
            await using (var server = await OladInstance.StartAsync(ns, ["dummy"]))
            {
                olad = await RunStepsAsync(ns, Steps(showFile));
            }

            // The same path for both servers, so the command lines in the transcripts match.
            File.Delete(showFile);

            IReadOnlyList<string> ours;
            string serverLog;
            await using (var ns = await NetworkNamespace.CreateAsync())
            await using (var server = await OlasharpdInNamespace.StartAsync(ns, s_startTimeout))
            {
                ours = await RunStepsAsync(ns, Steps(showFile));
                serverLog = server.Output.StandardOutput + server.Output.StandardError;
            }

            Step[] steps = Steps(showFile);
            HashSet<int> shipped = PluginIds(ours[0]);
            Assert.Contains(1, shipped);
            // Plugins of our own (outside OLA's id range) have no olad row to compare with.
            HashSet<int> common = [.. shipped.Intersect(PluginIds(olad[0]))];
            Assert.All(shipped.Except(common), id => Assert.True(id >= 10000, $"plugin {id} is in OLA's id range but olad does not list it"));
            var expected = new StringBuilder();
            var actual = new StringBuilder();
            for (int i = 0; i < steps.Length; i++)
            {
                Step step = steps[i];
                if (step.Plugin is int id && !shipped.Contains(id))
                {
                    // Not shipped yet (its own issue): olasharpd must say so the way olad does for unknown ids.
                    Assert.Contains("Plugin not loaded", ours[i], StringComparison.Ordinal);
                    continue;
                }

                if (step.OursOnly is string mustContain)
                {
                    Assert.Contains(mustContain, ours[i], StringComparison.Ordinal);
                    continue;
                }

                expected.Append(Normalize(step, olad[i], common));
                actual.Append(Normalize(step, ours[i], common));
            }

            output.WriteLine(actual.ToString());
            Assert.Equal(expected.ToString(), actual.ToString());
            Assert.DoesNotMatch(@"\b(fail|crit|error)\b", serverLog);
        }
        finally
        {
            Directory.Delete(showDir, recursive: true);
        }
    }

    [Fact]
    public async Task Olasharpd_StartedFirst_ToolsDoNotForkOlad()
    {
        Peers.Require("ola_dev_info", "ola");
        await using var ns = await NetworkNamespace.CreateAsync();
        await using var server = await OlasharpdInNamespace.StartAsync(ns, s_startTimeout);
        CommandResult devices = (await ns.RunAsync("ola_dev_info", [], s_toolTimeout)).EnsureSuccess("ola_dev_info");
        Assert.Contains("Device 1: Dummy Device", devices.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("port 0, OUT Dummy Port", devices.StandardOutput, StringComparison.Ordinal);
        // The ready line reports the RPC port; no olad was forked in the namespace.
        Assert.Contains("\"rpc\":9010", server.Output.StandardOutput, StringComparison.Ordinal);
        CommandResult pids = (await Host.RunAsync(Peers.Require("ip", "iproute2"), ["netns", "pids", ns.Name])).EnsureSuccess("ip netns pids");
        foreach (string pid in pids.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string comm = File.Exists($"/proc/{pid}/comm") ? (await File.ReadAllTextAsync($"/proc/{pid}/comm")).Trim() : string.Empty;
            Assert.NotEqual("olad", comm);
        }
    }

    [Fact]
    public async Task SetDmx_FromTheRealTool_ReachesThePatchedDummyOutputPort()
    {
        Peers.Require("ola_set_dmx", "ola");
        Peers.Require("ola_patch", "ola");
        await using var ns = await NetworkNamespace.CreateAsync();
        await using var server = await OlasharpdInNamespace.StartAsync(ns, s_startTimeout);
        (await ns.RunAsync("ola_patch", ["-d", "1", "-p", "0", "-u", "1"], s_toolTimeout)).EnsureSuccess("ola_patch");
        (await ns.RunAsync("ola_set_dmx", ["-u", "1", "-d", "255,0,10"], s_toolTimeout)).EnsureSuccess("ola_set_dmx");
        // The dummy port logs each new frame it is given by the refresh clock (like olad's dummy port).
        bool seen = await server.Output.WaitForLineAsync(
            l => l.Contains("Dummy port 1-1-O-0: 3 slots, priority 100: ff 00 0a", StringComparison.Ordinal),
            TimeSpan.FromSeconds(10));
        Assert.True(seen, "the frame never reached the dummy output port:\n" + server.Output.StandardOutput);
    }

    private static async Task<IReadOnlyList<string>> RunStepsAsync(NetworkNamespace ns, Step[] steps)
    {
        var transcript = new List<string>(steps.Length);
        foreach (Step step in steps)
        {
            CommandResult r = await ns.RunAsync(step.File, step.Args, s_toolTimeout);
            transcript.Add($"$ {step}\nexit {(r.TimedOut ? "timeout" : r.ExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture))}\nstdout:\n{r.StandardOutput}stderr:\n{r.StandardError}");
        }

        return transcript;
    }

    private static HashSet<int> PluginIds(string pluginInfoTranscript) =>
        [.. PluginRow().Matches(pluginInfoTranscript).Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture))];

    private static string Normalize(Step step, string transcript, HashSet<int> compared)
    {
        // olad's dummy emulates RDM responders; olasharpd has no RDM yet.
        string text = transcript.Replace(", RDM supported", string.Empty, StringComparison.Ordinal);

        // OLA's tools themselves sometimes print this at exit (a race in their own signal thread, whatever the
        // server: CI saw it once from ola_recorder against olasharpd, where olad's run had none).
        text = ToolSignalThreadNoise().Replace(text, string.Empty);
        switch (step.Rule)
        {
            case Rule.PluginRows:
                text = PluginRow().Replace(text, m => compared.Contains(int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)) ? m.Value : string.Empty);
                break;
            case Rule.FirstLine:
                int start = text.IndexOf("stdout:\n", StringComparison.Ordinal) + "stdout:\n".Length;
                int end = text.IndexOf('\n', start);
                text = text[..end] + "\n";
                break;
        }

        return text;
    }

    [GeneratedRegex(@"(?m)^\s*(\d+)\t[^\n]*\n")]
    private static partial Regex PluginRow();

    [GeneratedRegex(@"(?m)^common/thread/SignalThread\.cpp:\d+: Failed to add [^\n]* to the signal set[^\n]*\n")]
    private static partial Regex ToolSignalThreadNoise();
}
