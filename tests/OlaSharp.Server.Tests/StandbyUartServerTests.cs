// Licensed under the MIT License. See LICENSE in the repository root.
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using OlaSharp.Uart.Tests;

namespace OlaSharp.Server.Tests;

/// <summary>
/// The UART case of hot standby with two real servers on 127.0.0.1 (heartbeats unicast between two ports), each
/// with a UART device on its own pseudo-terminal patched to universe 1 and fed the same look over /set_dmx: only
/// the active one's line carries frames; kill -9 it and the standby's line carries the current look within 1 s
/// (its first frame is not zeros); the killed one, restarted, stays standby with its line silent.
/// (The driver-enable pins need GPIO: the fake GPIO chips of OlaSharp.Uart.Tests cover them.)
/// </summary>
public sealed class StandbyUartServerTests : IDisposable
{
    // Values clear of the tty's control characters (LF, CR, XON, XOFF), though the writer sets the line raw.
    private static readonly byte[] s_look1 = [0, 21, 22, 23, 24];
    private static readonly byte[] s_look2 = [0, 51, 52, 53, 54];
    private readonly string[] _dirs = [Directory.CreateTempSubdirectory("olas-sb-uart-a-").FullName, Directory.CreateTempSubdirectory("olas-sb-uart-b-").FullName];

    public void Dispose()
    {
        foreach (string d in _dirs)
        {
            Directory.Delete(d, true);
        }
    }

    [Fact]
    public async Task TwoServersOnePtyEach_OnlyActiveDrives_KillActive_StandbyLineCarriesTheLookWithinASecond_RestartedStaysSilent()
    {
        using var ptyA = new PtyPair();
        using var ptyB = new PtyPair();
        int portA = FreeUdpPort();
        int portB = FreeUdpPort();
        Configure(0, ptyA, portA, portB, "primary");
        Configure(1, ptyB, portB, portA, "backup");

        ServerProcess a = await StartAsync(0);
        await using ServerProcess b = await StartAsync(1);
        try
        {
            await WaitForRoleAsync(a, "active");
            await WaitForRoleAsync(b, "standby");
            await SetLookAsync(a, b, "21,22,23,24");

            // Only A's line carries frames; B's is silent for a second.
            Assert.True(Carries(ptyA, s_look1), "A's line does not carry the look\n" + a.Output);
            Assert.Equal(0, ptyB.Drain(TimeSpan.FromSeconds(1)));

            // The look moves on; then A dies.
            await SetLookAsync(a, b, "51,52,53,54");
            Assert.True(Carries(ptyA, s_look2), "A's line does not carry the new look");
            var sw = Stopwatch.StartNew();
            a.Signal(9);
            await a.WaitExitAsync(TimeSpan.FromSeconds(10));

            // B's first bytes are a whole frame of the current look, within a second of the kill.
            byte[] first = ptyB.Read(s_look2.Length, TimeSpan.FromSeconds(1));
            double ms = sw.Elapsed.TotalMilliseconds;
            Assert.True(first.Length == s_look2.Length, $"B's line got {first.Length} bytes within 1 s of the kill\n{b.Output}");
            Assert.Equal(s_look2, first);
            Assert.True(ms <= 1000, $"B's first frame {ms:0} ms after the kill");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"STANDBY-UART kill -9 of the active -> the standby's first UART frame: {ms:0} ms"));
            await WaitForRoleAsync(b, "active");

            // A restarted: it stays standby, its line silent, B's line keeps the look.
            await a.DisposeAsync();
            ptyA.Drain(TimeSpan.FromMilliseconds(100));
            a = await StartAsync(0);
            await WaitForRoleAsync(a, "standby");
            Assert.Equal(0, ptyA.Drain(TimeSpan.FromSeconds(1)));
            Assert.True(Carries(ptyB, s_look2), "B's line does not carry the look after A's restart");
            Assert.Equal("active", (await StatusAsync(b)).GetProperty("role").GetString());
            Assert.DoesNotContain("standby -> active", a.Output, StringComparison.Ordinal);
        }
        finally
        {
            await a.DisposeAsync();
        }
    }

    // The line carries whole frames of the look (start code and slots, back to back) within 5 s.
    private static bool Carries(PtyPair pty, byte[] frame)
    {
        byte[] twice = [.. frame, .. frame];
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < TimeSpan.FromSeconds(5))
        {
            if (pty.Read(4096, TimeSpan.FromMilliseconds(200)).AsSpan().IndexOf(twice) >= 0)
            {
                return true;
            }
        }

        return false;
    }

    private static int FreeUdpPort()
    {
        using var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        s.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)s.LocalEndPoint!).Port;
    }

    private void Configure(int i, PtyPair pty, int port, int partnerPort, string role)
    {
        string dir = _dirs[i];
        File.WriteAllText(Path.Combine(dir, "ola-uartdmx.conf"), $"{pty.SlavePath}-malf = 1000\ndevice = {pty.SlavePath}\nenabled = true\n");
        File.WriteAllText(Path.Combine(dir, "ola-port.conf"), $"20-{pty.SlavePath}-O-0 = 1\n");
        File.WriteAllText(Path.Combine(dir, "ola-dummy.conf"), "enabled = false\n");
        File.WriteAllText(Path.Combine(dir, "ola-standby.conf"),
            $"enabled = true\npartner = 127.0.0.1:{partnerPort}\nport = {port}\nrole = {role}\ninterface = 127.0.0.1\n");
    }

    private async Task<ServerProcess> StartAsync(int i)
    {
        ServerProcess server = ServerProcess.Start(_dirs[i], "--bind", "127.0.0.1");
        await server.WaitReadyAsync(TimeSpan.FromSeconds(60));
        return server;
    }

    private static async Task SetLookAsync(ServerProcess a, ServerProcess b, string look)
    {
        foreach (ServerProcess s in new[] { a, b })
        {
            using HttpClient http = s.Http();
            using var form = new FormUrlEncodedContent([new("u", "1"), new("d", look)]);
            using HttpResponseMessage r = await http.PostAsync("/set_dmx", form);
            Assert.Equal("ok", await r.Content.ReadAsStringAsync());
        }
    }

    private static async Task<JsonElement> StatusAsync(ServerProcess s)
    {
        using HttpClient http = s.Http();
        return JsonDocument.Parse(await http.GetStringAsync("/json/standby")).RootElement.Clone();
    }

    private static async Task WaitForRoleAsync(ServerProcess s, string role)
    {
        var sw = Stopwatch.StartNew();
        string? now = null;
        while (sw.Elapsed < TimeSpan.FromSeconds(10))
        {
            now = (await StatusAsync(s)).GetProperty("role").GetString();
            if (now == role)
            {
                return;
            }

            await Task.Delay(50);
        }

        Assert.Fail($"role {now}, wanted {role}\n{s.Output}");
    }
}
