// Licensed under the MIT License. See LICENSE in the repository root.
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace OlaSharp.Server.Tests;

/// <summary>
/// Issue 13 defect 5: a config dir that cannot be created, read or written must not abort the server. Each
/// case runs the real olasharpd in a private network and mount namespace (every plugin on its defaults, as a
/// user would start it) and checks: the ready line comes, HTTP answers, every affected conf file is named in
/// exactly one warning line, no stack trace, and SIGTERM still exits 0.
/// </summary>
[Collection("olasharpd processes")]
public sealed partial class ConfDirTests(ITestOutputHelper output) : IDisposable
{
    private const int SigTerm = 15;
    private readonly string _root = Directory.CreateTempSubdirectory("olas-confdir-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task ConfigDir_ParentsMissing_CreatesThemAndRuns()
    {
        string dir = Path.Combine(_root, "a", "b", "ola");
        string log = await RunAsync(dir, readOnly: false);
        Assert.True(File.Exists(Path.Combine(dir, "ola-server.conf")), log);
        Assert.Empty(WarningLines(log));
    }

    [Fact]
    public async Task ConfigDir_ReadOnly_RunsOnWhatItReadAndWarnsOncePerFile()
    {
        string dir = Path.Combine(_root, "ro");
        Directory.CreateDirectory(dir);
        await File.WriteAllTextAsync(Path.Combine(dir, "ola-dummy.conf"), "enabled = true\n");
        string log = await RunAsync(dir, readOnly: true, async server =>
        {
            // Each of these saves ola-universe.conf and ola-port.conf; they must be named once, not per save.
            Assert.Equal(200, await server.CurlAsync("/new_universe", "-d", "id=1&name=One&add_ports=1-O-0"));
            Assert.Equal(200, await server.CurlAsync("/new_universe", "-d", "id=2&name=Two"));
            Assert.Equal(200, await server.CurlAsync("/modify_universe", "-d", "id=1&name=Uno&merge_mode=HTP"));
        });
        string[] files = ["ola-server.conf", "ola-standby.conf", "ola-dummy.conf", "ola-universe.conf", "ola-port.conf", "ola-artnet.conf", "ola-e131.conf", "ola-uartdmx.conf"];
        foreach (string file in files)
        {
            Assert.True(WarningLines(log).Count(l => l.Contains($"{dir}/{file} (Read-only file system)", StringComparison.Ordinal)) == 1, $"{file} must be named in exactly one warning:\n{log}");
        }

        Assert.Equal(files.Length, WarningLines(log).Count);

        Assert.Equal("enabled = true\n", await File.ReadAllTextAsync(Path.Combine(dir, "ola-dummy.conf")));
    }

    [Fact]
    public async Task ConfigDir_IsAFile_RunsOnDefaultsAndWarnsOncePerFile()
    {
        string file = Path.Combine(_root, "not-a-dir");
        await File.WriteAllTextAsync(file, "keep me\n");
        string log = await RunAsync(file, readOnly: false, async server =>
            Assert.Equal(200, await server.CurlAsync("/new_universe", "-d", "id=1&name=One&add_ports=1-O-0")));
        // One line says it all: the directory cannot be used, nothing will be saved.
        Assert.Equal($"Cannot use config directory {file} (it is a file); running on defaults, and settings will not be saved", Assert.Single(WarningLines(log)).Split("] ", 2)[1]);

        Assert.Equal("keep me\n", await File.ReadAllTextAsync(file));
    }

    [Fact]
    public async Task ServerConf_IsADirectory_OneWarningAndRuns()
    {
        string dir = Path.Combine(_root, "srvdir");
        Directory.CreateDirectory(Path.Combine(dir, "ola-server.conf"));
        string log = await RunAsync(dir, readOnly: false);
        Assert.Single(WarningLines(log), l => l.Contains($"{dir}/ola-server.conf (it is a directory); using defaults", StringComparison.Ordinal));
        Assert.Single(WarningLines(log), l => l.Contains("ola-server.conf", StringComparison.Ordinal));
        Assert.True(Directory.Exists(Path.Combine(dir, "ola-server.conf")));
    }

    [Fact]
    public async Task ServerConf_SymlinkLoop_OneWarningAndRuns()
    {
        string dir = Path.Combine(_root, "loop");
        Directory.CreateDirectory(dir);
        File.CreateSymbolicLink(Path.Combine(dir, "ola-server.conf"), "ola-server.conf");
        string log = await RunAsync(dir, readOnly: false);
        Assert.Single(WarningLines(log), l => l.Contains($"{dir}/ola-server.conf (Too many levels of symbolic links); using defaults", StringComparison.Ordinal));
        Assert.Single(WarningLines(log), l => l.Contains("ola-server.conf", StringComparison.Ordinal));
        Assert.Equal("ola-server.conf", new FileInfo(Path.Combine(dir, "ola-server.conf")).LinkTarget);
    }

    [Fact]
    public async Task ArtNetAndE131_IpNotOnThisHost_OneWarningEachNamingWhatIsUsed()
    {
        // olad: "Could not convert address"; olasharpd said nothing and used another interface.
        string dir = Path.Combine(_root, "ip");
        Directory.CreateDirectory(dir);
        await File.WriteAllTextAsync(Path.Combine(dir, "ola-artnet.conf"), "ip = 999.999.1.1\nuse_loopback = true\n");
        await File.WriteAllTextAsync(Path.Combine(dir, "ola-e131.conf"), "ip = no-such-interface\n");
        string log = await RunAsync(dir, readOnly: false);
        Assert.Single(WarningLines(log), l => l.Contains("ola-artnet.conf: ip = '999.999.1.1' is not an IPv4 address or interface name of this host; using lo (127.0.0.1)", StringComparison.Ordinal));
        Assert.Single(WarningLines(log), l => l.Contains("ola-e131.conf: ip = 'no-such-interface' is not a non-loopback IPv4 address or interface name of this host; using no interface", StringComparison.Ordinal));
    }

    // Starts the server in its namespaces, waits for the ready line, checks HTTP, runs the extra steps,
    // stops it with SIGTERM and checks the common promises; returns the whole output.
    private async Task<string> RunAsync(string dir, bool readOnly, Func<ServerProcess, Task>? steps = null)
    {
        await using ServerProcess server = ServerProcess.StartInNamespace(dir, readOnly);
        try
        {
            await server.WaitReadyAsync(TimeSpan.FromSeconds(60));
            Assert.Equal(200, await server.CurlAsync("/get_dmx?u=1"));
            if (steps is not null)
            {
                await steps(server);
            }

            server.Signal(SigTerm);
            Assert.Equal(0, await server.WaitExitAsync(TimeSpan.FromSeconds(30)));
        }
        finally
        {
            output.WriteLine(server.Output);
        }

        string log = server.Output;
        Assert.DoesNotContain("Unhandled exception", log, StringComparison.Ordinal);
        Assert.DoesNotMatch(StackFrame(), log);
        return log;
    }

    private static List<string> WarningLines(string log) =>
        [.. log.Split('\n').Where(l => l.Contains(" warn: ", StringComparison.Ordinal) || l.Contains(" fail: ", StringComparison.Ordinal) || l.Contains(" crit: ", StringComparison.Ordinal))
            .Where(l => l.Contains(".conf", StringComparison.Ordinal) || l.Contains("onfig", StringComparison.Ordinal))];

    [GeneratedRegex(@"(?m)^\s+at \S+\(")]
    private static partial Regex StackFrame();
}
