// Licensed under the MIT License. See LICENSE in the repository root.
using System.Globalization;
using System.Net.Sockets;
using System.Text.Json;
using OlaSharp.Uart.Tests;

namespace OlaSharp.Server.Tests;

/// <summary>
/// <c>/metrics</c> on the real olasharpd: frames in per universe and protocol, frames out per patched
/// port, and the protocol endpoints' received/malformed/dropped counters.
/// </summary>
public sealed class MetricsTests
{
    [Fact]
    public async Task Metrics_CountFramesInAndOut_AndMalformedRpcInput()
    {
        await using ServerProcess server = ServerProcess.Start(null, "--bind", "127.0.0.1");
        JsonElement ready = await server.WaitReadyAsync();
        using HttpClient http = server.Http();
        await PostAsync(http, "/new_universe", ("id", "5"), ("add_ports", "1-O-0"));
        for (int i = 1; i <= 3; i++)
        {
            await PostAsync(http, "/set_dmx", ("u", "5"), ("d", i.ToString(CultureInfo.InvariantCulture)));
        }

        // An OLA RPC client that speaks protocol version 2: the header is refused and the connection closed.
        using (var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            await socket.ConnectAsync("127.0.0.1", ready.GetProperty("rpc").GetInt32());
            byte[] header = BitConverter.GetBytes((2u << 28) | 4u);
            await socket.SendAsync(header.Concat(new byte[] { 1, 2, 3, 4 }).ToArray());
            byte[] buffer = new byte[16];
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            Assert.Equal(0, await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token));
        }

        // The dummy output emits on the refresh clock (change mode): wait for its count to settle at >= 3.
        string text = "";
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!wait.IsCancellationRequested)
        {
            text = await http.GetStringAsync("/metrics");
            if (Value(text, "olasharp_frames_out_total{universe=\"5\",protocol=\"dummy\",port=\"1-1-O-0\"}") >= 3)
            {
                break;
            }

            await Task.Delay(50);
        }

        Assert.Contains("# TYPE olasharp_frames_in_total counter", text, StringComparison.Ordinal);
        Assert.Equal(3, Value(text, "olasharp_frames_in_total{universe=\"5\",protocol=\"http\"}"));
        Assert.True(Value(text, "olasharp_frames_out_total{universe=\"5\",protocol=\"dummy\",port=\"1-1-O-0\"}") >= 3, text);
        Assert.Equal(1, Value(text, "olasharp_packets_malformed_total{protocol=\"olarpc\"}"));
        Assert.Equal(1, Value(text, "olasharp_packets_received_total{protocol=\"olarpc\",type=\"connection\"}"));

        Assert.True(Value(text, "olasharp_clock_wakeups_total{le=\"+Inf\"}") >= 0, text);

        // Art-Net and E1.31 are off here (network safety), but their counters are reported from the start.
        Assert.Equal(0, Value(text, "olasharp_packets_malformed_total{protocol=\"e131\"}"));
        Assert.Equal(0, Value(text, "olasharp_packets_dropped_total{protocol=\"artnet\",reason=\"out_of_sequence\"}"));
        Assert.Equal(0, Value(text, "olasharp_packets_malformed_total{protocol=\"grpc\"}"));
    }

    [Fact]
    public async Task Metrics_UartLine_FramesSentAndSendErrorsAsUartdmx()
    {
        string dir = Directory.CreateTempSubdirectory("olas-srv-uart-").FullName;
        var pty = new PtyPair();
        using var stopDrain = new CancellationTokenSource();
        Task drain = Task.CompletedTask;
        try
        {
            File.WriteAllText(Path.Combine(dir, "ola-uartdmx.conf"), $"{pty.SlavePath}-malf = 1000\ndevice = {pty.SlavePath}\nenabled = true\n");

            // Read the master side so the line never blocks on a full pty buffer.
            drain = Task.Run(() =>
            {
                while (!stopDrain.IsCancellationRequested)
                {
                    pty.Read(1 << 20, TimeSpan.FromMilliseconds(50));
                }
            });
            await using ServerProcess server = ServerProcess.Start(dir, "--bind", "127.0.0.1");
            await server.WaitReadyAsync();
            using HttpClient http = server.Http();
            const string Sent = "olasharp_packets_sent_total{protocol=\"uartdmx\",type=\"dmx\"}";
            const string Errors = "olasharp_send_errors_total{protocol=\"uartdmx\"}";
            string text = await WaitForAsync(http, t => Value(t, Sent) >= 5);
            Assert.True(Value(text, Sent) >= 5, text);

            // The line's failures are exported beside them (counted in Counters_FramesAndLineFailures_... of the UART tests).
            Assert.Equal(0, Value(text, Errors));
        }
        finally
        {
            await stopDrain.CancelAsync();
            await drain;
            pty.Dispose();
            Directory.Delete(dir, true);
        }
    }

    private static async Task<string> WaitForAsync(HttpClient http, Func<string, bool> done)
    {
        string text = "";
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!wait.IsCancellationRequested)
        {
            text = await http.GetStringAsync("/metrics");
            if (done(text))
            {
                break;
            }

            await Task.Delay(50);
        }

        return text;
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

    private static async Task PostAsync(HttpClient http, string path, params (string Key, string Value)[] form)
    {
        using var content = new FormUrlEncodedContent(form.Select(p => new KeyValuePair<string, string>(p.Key, p.Value)));
        using HttpResponseMessage r = await http.PostAsync(path, content);
        r.EnsureSuccessStatusCode();
    }
}
