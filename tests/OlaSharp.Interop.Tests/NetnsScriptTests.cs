// Licensed under the MIT License. See LICENSE in the repository root.

using System.Globalization;

namespace OlaSharp.Interop.Tests;

/// <summary>The shell harness, interop/netns.sh, driven the way a developer would.</summary>
[Collection(InteropCollection.Name)]
public sealed class NetnsScriptTests
{
    [Fact]
    public async Task Run_Command_SeesOnlyLoopbackAndPropagatesExitCode()
    {
        var result = await Host.RunAsync("/bin/bash", [Host.NetnsScript, "run", "--", "/bin/sh", "-c", "ip -o link show; ip route show; exit 7"]);

        Assert.Equal(7, result.ExitCode);
        Assert.Contains("1: lo:", result.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("2:", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("224.0.0.0/4 dev lo", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HostsCreate_ThreeHosts_ReachableAndDeletedAgain()
    {
        var prefix = string.Create(CultureInfo.InvariantCulture, $"olass-{Environment.ProcessId}");
        try
        {
            (await Host.RunAsync("/bin/bash", [Host.NetnsScript, "hosts", "create", prefix, "3"])).EnsureSuccess("hosts create");
            var names = await Host.ListNamespacesAsync();
            Assert.Contains(prefix + "-sw", names);
            Assert.Contains(prefix + "-3", names);

            var addr = await Host.RunAsync("/bin/bash", [Host.NetnsScript, "exec", prefix + "-3", "ip", "-o", "-4", "addr", "show", "dev", "eth0"]);
            Assert.Contains("198.18.0.3/24 brd 198.18.0.255", addr.EnsureSuccess("exec ip addr").StandardOutput, StringComparison.Ordinal);

            var user = await Host.RunAsync("/bin/bash", [Host.NetnsScript, "exec", prefix + "-1", "--user", "olad", "id", "-un"]);
            Assert.Equal("olad", user.EnsureSuccess("exec --user").StandardOutput.Trim());
        }
        finally
        {
            (await Host.RunAsync("/bin/bash", [Host.NetnsScript, "hosts", "delete", prefix, "3"])).EnsureSuccess("hosts delete");
        }

        var remaining = await Host.ListNamespacesAsync();
        Assert.DoesNotContain(remaining, n => n.StartsWith(prefix + "-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Olad_DummyOnly_PrintsPidAndAnswers()
    {
        var name = string.Create(CultureInfo.InvariantCulture, $"olass-{Environment.ProcessId}-olad");
        var dir = Path.Combine(Path.GetTempPath(), name);
        var pid = 0;
        try
        {
            (await Host.RunAsync("/bin/bash", [Host.NetnsScript, "create", name])).EnsureSuccess("create");
            var start = (await Host.RunAsync("/bin/bash", [Host.NetnsScript, "olad", name, dir, "dummy"])).EnsureSuccess("olad");
            pid = int.Parse(start.StandardOutput.Trim(), CultureInfo.InvariantCulture);

            var devices = (await Host.RunAsync("/bin/bash", [Host.NetnsScript, "exec", name, "ola_dev_info"])).EnsureSuccess("ola_dev_info");
            Assert.Contains("Device 1: Dummy Device", devices.StandardOutput, StringComparison.Ordinal);
            var e131 = await File.ReadAllTextAsync(Path.Combine(dir, "ola-e131.conf"));
            Assert.Contains("enabled = false", e131, StringComparison.Ordinal);
        }
        finally
        {
            if (pid > 0)
            {
                await StopAsync(pid);
            }

            await Host.RunAsync("/bin/bash", [Host.NetnsScript, "delete", name]);
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }

        Assert.DoesNotContain(name, await Host.ListNamespacesAsync());
    }

    // The script's olad is not our child, so stop it by pid and poll /proc, bounded.
    private static async Task StopAsync(int pid)
    {
        await Host.RunAsync("/bin/kill", ["-TERM", pid.ToString(CultureInfo.InvariantCulture)]);
        for (var i = 0; i < 50 && Host.ProcessExists(pid); i++)
        {
            await Task.Delay(100);
        }

        if (Host.ProcessExists(pid))
        {
            await Host.RunAsync("/bin/kill", ["-KILL", pid.ToString(CultureInfo.InvariantCulture)]);
        }
    }
}
