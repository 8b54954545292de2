// Licensed under the MIT License. See LICENSE in the repository root.
using System.Globalization;
using System.Text.Json;
using OlaSharp.Uart.Tests;

namespace OlaSharp.Server.Tests;

/// <summary>
/// Device health on the real olasharpd: <c>/json/health</c>, the plugin lists' active flag, <c>/metrics</c>'
/// <c>olasharp_device_state</c>, a device that appears while the server runs, and permission denied for a
/// server running as an unprivileged user (the fix names the node's group and that user).
/// </summary>
public sealed class DeviceHealthTests
{
    [Fact]
    public async Task Health_MissingDevices_ReportedEverywhere_ThenOneAppearsAndTurnsOpen()
    {
        string dir = Directory.CreateTempSubdirectory("olas-srv-health-").FullName;
        using var pty = new PtyPair();
        string link = Path.Combine(dir, "ttyDMX");
        try
        {
            File.WriteAllText(Path.Combine(dir, "ola-uartdmx.conf"), $"{link}-malf = 1000\ndevice = /dev/ttyNOPE\ndevice = {link}\nenabled = true\n");
            File.WriteAllText(Path.Combine(dir, "ola-port.conf"), $"20-/dev/ttyNOPE-O-0 = 1\n20-{link}-O-0 = 2\n");
            await using ServerProcess server = ServerProcess.Start(dir, "--bind", "127.0.0.1");
            await server.WaitReadyAsync();
            using HttpClient http = server.Http();

            JsonElement health = await GetJsonAsync(http, "/json/health");
            JsonElement nope = Device(health, "/dev/ttyNOPE");
            Assert.Equal("20-/dev/ttyNOPE", nope.GetProperty("device").GetString());
            Assert.Equal(20, nope.GetProperty("plugin_id").GetInt32());
            Assert.Equal("UART native DMX", nope.GetProperty("plugin").GetString());
            Assert.Equal("missing", nope.GetProperty("state").GetString());
            Assert.Equal("Could not open /dev/ttyNOPE: No such file or directory", nope.GetProperty("last_error").GetString());
            Assert.Equal([1], nope.GetProperty("waiting_universes").EnumerateArray().Select(u => u.GetInt32()));
            Assert.Equal("/dev/ttyNOPE does not exist, so the DMX line is dark.", nope.GetProperty("problem").GetString());
            Assert.Contains($"set device = <your UART> in {Path.Combine(dir, "ola-uartdmx.conf")}", nope.GetProperty("fix").GetString(), StringComparison.Ordinal);
            DateTimeOffset since = DateTimeOffset.ParseExact(nope.GetProperty("since").GetString()!, "yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
            Assert.InRange(DateTimeOffset.UtcNow - since, TimeSpan.Zero, TimeSpan.FromMinutes(2));
            Assert.True(nope.GetProperty("seconds").GetInt64() >= 0);
            Assert.Equal("missing", Device(health, link).GetProperty("state").GetString());
            Assert.Equal([2], Device(health, link).GetProperty("waiting_universes").EnumerateArray().Select(u => u.GetInt32()));

            JsonElement plugin = Assert.Single(health.GetProperty("plugins").EnumerateArray(), p => p.GetProperty("id").GetInt32() == 20);
            Assert.False(plugin.GetProperty("active").GetBoolean());
            Assert.True(plugin.GetProperty("enabled").GetBoolean());
            Assert.Equal($"none of its devices is usable (/dev/ttyNOPE: missing; {link}: missing)", plugin.GetProperty("reason").GetString());

            // olad would say "active": ours says not, in its own lists too.
            JsonElement list = await GetJsonAsync(http, "/json/universe_plugin_list");
            Assert.False(Assert.Single(list.GetProperty("plugins").EnumerateArray(), p => p.GetProperty("id").GetInt32() == 20).GetProperty("active").GetBoolean());
            Assert.False((await GetJsonAsync(http, "/json/plugin_info?id=20")).GetProperty("active").GetBoolean());

            string metrics = await http.GetStringAsync("/metrics");
            Assert.Equal(1, Value(metrics, "olasharp_device_state{plugin=\"uartdmx\",device=\"/dev/ttyNOPE\",state=\"missing\"}"));
            Assert.Equal(0, Value(metrics, "olasharp_device_state{plugin=\"uartdmx\",device=\"/dev/ttyNOPE\",state=\"open\"}"));
            Assert.Equal(0, Value(metrics, "olasharp_device_state{plugin=\"uartdmx\",device=\"/dev/ttyNOPE\",state=\"permission_denied\"}"));

            // The device appears (udev made its node): open within the 1 s retry, with a new since, patched to 2.
            File.CreateSymbolicLink(link, pty.SlavePath);
            var appeared = System.Diagnostics.Stopwatch.StartNew();
            JsonElement opened = default;
            while (appeared.Elapsed < TimeSpan.FromSeconds(10))
            {
                opened = Device(await GetJsonAsync(http, "/json/health"), link);
                if (opened.GetProperty("state").GetString() == "open")
                {
                    break;
                }

                await Task.Delay(50);
            }

            Assert.Equal("open", opened.GetProperty("state").GetString());
            Assert.True(appeared.Elapsed < TimeSpan.FromSeconds(3), $"open after {appeared.Elapsed}");
            Assert.Equal((string.Empty, string.Empty), (opened.GetProperty("problem").GetString(), opened.GetProperty("fix").GetString()));
            Assert.Equal([2], opened.GetProperty("waiting_universes").EnumerateArray().Select(u => u.GetInt32()));
            Assert.NotEmpty(pty.Read(1, TimeSpan.FromSeconds(5)));

            health = await GetJsonAsync(http, "/json/health");
            Assert.True(Assert.Single(health.GetProperty("plugins").EnumerateArray(), p => p.GetProperty("id").GetInt32() == 20).GetProperty("active").GetBoolean());
            metrics = await http.GetStringAsync("/metrics");
            Assert.Equal(1, Value(metrics, $"olasharp_device_state{{plugin=\"uartdmx\",device=\"{link}\",state=\"open\"}}"));
            Assert.Equal(0, Value(metrics, $"olasharp_device_state{{plugin=\"uartdmx\",device=\"{link}\",state=\"missing\"}}"));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public async Task Health_PermissionDenied_ServerAsNobody_FixNamesGroupAndUser()
    {
        if (!RootOrFailInCi())
        {
            return;
        }

        string dir = Directory.CreateTempSubdirectory("olas-srv-perm-").FullName;
        using var closed = new PtyPair();
        using var groupOnly = new PtyPair();
        try
        {
            // 0600 root:dialout: not even the group may open it. 0660 root:dialout: the group may, nobody is not in it.
            await RunAsync("chown", "root:dialout", closed.SlavePath, groupOnly.SlavePath);
            await RunAsync("chmod", "600", closed.SlavePath);
            await RunAsync("chmod", "660", groupOnly.SlavePath);
            File.WriteAllText(Path.Combine(dir, "ola-uartdmx.conf"), $"device = {closed.SlavePath}\ndevice = {groupOnly.SlavePath}\nenabled = true\n");
            await using ServerProcess server = ServerProcess.StartAs("nobody", "nogroup", dir, "--bind", "127.0.0.1");
            await server.WaitReadyAsync();
            using HttpClient http = server.Http();
            JsonElement health = await GetJsonAsync(http, "/json/health");

            JsonElement a = Device(health, closed.SlavePath);
            Assert.Equal("permission_denied", a.GetProperty("state").GetString());
            Assert.Equal($"Could not open {closed.SlavePath}: Permission denied", a.GetProperty("last_error").GetString());
            Assert.Equal(
                $"The service user nobody may not open {closed.SlavePath} (Could not open {closed.SlavePath}: Permission denied): {closed.SlavePath} is 0600 root:dialout, so not even group dialout may open it.",
                a.GetProperty("problem").GetString());
            Assert.Equal(
                $"Give the group access: sudo chmod g+rw {closed.SlavePath} (a udev rule makes it last: MODE=\"0660\", GROUP=\"dialout\"), add the user: sudo usermod -aG dialout nobody, then restart the service.",
                a.GetProperty("fix").GetString());

            JsonElement b = Device(health, groupOnly.SlavePath);
            Assert.Equal("permission_denied", b.GetProperty("state").GetString());
            Assert.EndsWith($"{groupOnly.SlavePath} is 0660 root:dialout and nobody is not in group dialout.", b.GetProperty("problem").GetString(), StringComparison.Ordinal);
            Assert.Equal("sudo usermod -aG dialout nobody, then restart the service (sudo systemctl restart olasharpd).", b.GetProperty("fix").GetString());
            Assert.False(Assert.Single(health.GetProperty("plugins").EnumerateArray(), p => p.GetProperty("id").GetInt32() == 20).GetProperty("active").GetBoolean());
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    /// <summary>True when running as root; otherwise fails in CI (where the tests run as root) and returns false elsewhere.</summary>
    internal static bool RootOrFailInCi()
    {
        if (Environment.UserName == "root")
        {
            return true;
        }

        Assert.True(string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")), "This test runs olasharpd as user nobody through setpriv and needs root; CI runs the tests as root.");
        return false;
    }

    internal static JsonElement Device(JsonElement health, string path) =>
        Assert.Single(health.GetProperty("devices").EnumerateArray(), d => d.GetProperty("path").GetString() == path);

    private static async Task<JsonElement> GetJsonAsync(HttpClient http, string path)
    {
        using JsonDocument doc = JsonDocument.Parse(await http.GetStringAsync(path));
        return doc.RootElement.Clone();
    }

    private static async Task RunAsync(string file, params string[] args)
    {
        using var p = System.Diagnostics.Process.Start(file, args) ?? throw new InvalidOperationException($"{file} did not start");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await p.WaitForExitAsync(cts.Token);
        Assert.True(p.ExitCode == 0, $"{file} {string.Join(' ', args)} failed");
    }

    private static double Value(string metrics, string series)
    {
        foreach (string line in metrics.Split('\n'))
        {
            if (line.StartsWith(series + " ", StringComparison.Ordinal))
            {
                return double.Parse(line.AsSpan(series.Length + 1), CultureInfo.InvariantCulture);
            }
        }

        return double.NaN;
    }
}
