// Licensed under the MIT License. See LICENSE in the repository root.
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Google.Protobuf;
using OlaSharp.OlaRpc.Protocol;

namespace OlaSharp.Server.Tests;

/// <summary>The OLA RPC listener of the real olasharpd process, over TCP on 127.0.0.1 (port 0).</summary>
[Collection("olasharpd processes")]
public class RpcListenerTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(10);

    private static async Task<Socket> ConnectAsync(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port)).WaitAsync(s_timeout);
        return socket;
    }

    private static byte[] Frame(uint id, string name, IMessage request, OlaRpc.Protocol.Type type = OlaRpc.Protocol.Type.Request)
    {
        byte[] body = new RpcMessage { Type = type, Id = id, Name = name, Buffer = request.ToByteString() }.ToByteArray();
        byte[] frame = new byte[4 + body.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(frame, (1u << 28) | (uint)body.Length);
        body.CopyTo(frame, 4);
        return frame;
    }

    private static async Task<RpcMessage> ReadAsync(Socket socket)
    {
        byte[] header = new byte[4];
        await ReadExactlyAsync(socket, header);
        byte[] body = new byte[BinaryPrimitives.ReadUInt32LittleEndian(header) & 0x0FFFFFFF];
        await ReadExactlyAsync(socket, body);
        return RpcMessage.Parser.ParseFrom(body);
    }

    private static async Task ReadExactlyAsync(Socket socket, byte[] buffer)
    {
        using var cts = new CancellationTokenSource(s_timeout);
        int read = 0;
        while (read < buffer.Length)
        {
            int n = await socket.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None, cts.Token);
            if (n == 0)
            {
                throw new IOException("closed");
            }

            read += n;
        }
    }

    private static async Task<bool> ClosedByServerAsync(Socket socket)
    {
        using var cts = new CancellationTokenSource(s_timeout);
        byte[] buffer = new byte[64];
        try
        {
            return await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token) == 0;
        }
        catch (SocketException)
        {
            return true; // reset
        }
    }

    [Fact]
    public async Task ReadyLine_ReportsRpcPort_AndGetPluginsAnswers()
    {
        await using ServerProcess server = ServerProcess.Start();
        JsonElement ready = await server.WaitReadyAsync();
        int port = ready.GetProperty("rpc").GetInt32();
        Assert.NotEqual(0, port);

        using Socket socket = await ConnectAsync(port);
        await socket.SendAsync(Frame(0, "GetPlugins", new PluginListRequest()));
        RpcMessage reply = await ReadAsync(socket);
        Assert.Equal(OlaRpc.Protocol.Type.Response, reply.Type);
        Assert.Contains(PluginListReply.Parser.ParseFrom(reply.Buffer).Plugin, p => p.PluginId == 1 && p.Name == "Dummy");
    }

    [Fact]
    public async Task NoHttp_RpcStillListens()
    {
        await using ServerProcess server = ServerProcess.Start(null, "--no-http");
        JsonElement ready = await server.WaitReadyAsync();
        Assert.Equal(JsonValueKind.Null, ready.GetProperty("http").ValueKind);
        using Socket socket = await ConnectAsync(ready.GetProperty("rpc").GetInt32());
        await socket.SendAsync(Frame(0, "GetUniverseInfo", new OptionalUniverseRequest()));
        RpcMessage reply = await ReadAsync(socket);
        Assert.Equal(OlaRpc.Protocol.Type.Response, reply.Type);
        Assert.Empty(UniverseInfoReply.Parser.ParseFrom(reply.Buffer).Universe);
    }

    [Fact]
    public async Task StreamThenClose_BufferedFramesHandledBeforeTheClose()
    {
        await using ServerProcess server = ServerProcess.Start();
        int port = (await server.WaitReadyAsync()).GetProperty("rpc").GetInt32();
        using Socket control = await ConnectAsync(port);
        await control.SendAsync(Frame(0, "PatchPort", new PatchPortRequest { Universe = 1, DeviceAlias = 1, PortId = 0, Action = PatchAction.Patch, IsOutput = true }));
        Assert.Equal(OlaRpc.Protocol.Type.Response, (await ReadAsync(control)).Type);

        for (int round = 0; round < 20; round++)
        {
            // What ola_streaming_client does: STREAM_REQUEST frames, then close at once.
            using (Socket streamer = await ConnectAsync(port))
            {
                byte[] first = Frame(0, "StreamDmxData", new DmxData { Universe = 1, Data = ByteString.CopyFrom(1, 1, 1), Priority = 100 }, OlaRpc.Protocol.Type.StreamRequest);
                byte[] last = Frame(1, "StreamDmxData", new DmxData { Universe = 1, Data = ByteString.CopyFrom(2, (byte)round, 3), Priority = 100 }, OlaRpc.Protocol.Type.StreamRequest);
                await streamer.SendAsync((byte[])[.. first, .. last]);
                streamer.Shutdown(SocketShutdown.Both);
            }

            byte[] seen = [];
            for (int attempt = 0; attempt < 50; attempt++)
            {
                await control.SendAsync(Frame((uint)(1 + attempt), "GetDmx", new UniverseRequest { Universe = 1 }));
                seen = DmxData.Parser.ParseFrom((await ReadAsync(control)).Buffer).Data.ToByteArray();
                if (seen.SequenceEqual(new byte[] { 2, (byte)round, 3 }))
                {
                    break;
                }

                await Task.Delay(20);
            }

            Assert.Equal(new byte[] { 2, (byte)round, 3 }, seen);

            // The streamer's close removes its source; until then it still counts in the merge, and the next
            // round's streamer leaving first would hand the universe back to it (LTP among the rest).
            using HttpClient http = server.Http();
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            while (JsonDocument.Parse(await http.GetStringAsync("/json/universe_sources?id=1", wait.Token)).RootElement.GetProperty("sources").GetArrayLength() > 0)
            {
                await Task.Delay(10, wait.Token);
            }
        }
    }

    [Fact]
    public async Task MalformedFrames_CloseOnlyTheirConnection_OthersKeepWorking()
    {
        await using ServerProcess server = ServerProcess.Start();
        int port = (await server.WaitReadyAsync()).GetProperty("rpc").GetInt32();

        using Socket good = await ConnectAsync(port);
        await good.SendAsync(Frame(0, "RegisterForDmx", new RegisterDmxRequest { Universe = 1, Action = RegisterAction.Register }));
        Assert.Equal(OlaRpc.Protocol.Type.Response, (await ReadAsync(good)).Type);

        var random = new Random(42);
        byte[] noise = new byte[4096];
        random.NextBytes(noise);
        noise[3] = 0xF0; // make sure the random header is not version 1
        byte[][] bad =
        [
            noise,
            Convert.FromHexString("00002010"), // 2 MiB announced
            Convert.FromHexString("1e000020"), // version 2
            Convert.FromHexString("050000100a05414243"), // not an RpcMessage
        ];
        foreach (byte[] bytes in bad)
        {
            using Socket s = await ConnectAsync(port);
            await s.SendAsync(bytes);
            Assert.True(await ClosedByServerAsync(s));
        }

        // A truncated body: the client gives up; nothing is answered, nothing breaks.
        using (Socket s = await ConnectAsync(port))
        {
            byte[] frame = Frame(0, "UpdateDmxData", new DmxData { Universe = 1, Data = ByteString.CopyFrom(1, 2, 3) });
            await s.SendAsync(frame.AsMemory(0, frame.Length - 2));
            s.Shutdown(SocketShutdown.Send);
            Assert.True(await ClosedByServerAsync(s));
        }

        // The registered client still gets pushes from another client's update.
        using Socket sender = await ConnectAsync(port);
        await sender.SendAsync(Frame(0, "UpdateDmxData", new DmxData { Universe = 1, Data = ByteString.CopyFrom(1, 2, 3), Priority = 100 }));
        Assert.Equal(OlaRpc.Protocol.Type.Response, (await ReadAsync(sender)).Type);
        RpcMessage push = await ReadAsync(good);
        Assert.Equal(OlaRpc.Protocol.Type.Request, push.Type);
        Assert.Equal("UpdateDmxData", push.Name);
        Assert.Equal(new byte[] { 1, 2, 3 }, DmxData.Parser.ParseFrom(push.Buffer).Data.ToByteArray());

        Assert.DoesNotContain("fail:", server.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("crit:", server.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled", server.Output, StringComparison.Ordinal);
    }
    /// <summary>
    /// Issue 13 defect 10: 100 clients stalled half-way through a 1 MiB frame held 55-106 MB more in the
    /// server, and RSS never came back. Now partial frames share a bounded budget: beyond it the server
    /// closes the client with one log line, and the memory held stays small.
    /// </summary>
    [Fact]
    public async Task StalledClientsHalfwayThroughLargeFrames_MemoryBounded_OneLogLine()
    {
        await using ServerProcess server = ServerProcess.Start();
        int port = (await server.WaitReadyAsync()).GetProperty("rpc").GetInt32();
        long before = RssKib(server.Pid);
        var clients = new List<Socket>();
        try
        {
            byte[] half = new byte[4 + (512 * 1024)];
            BinaryPrimitives.WriteUInt32LittleEndian(half, (1u << 28) | (1u << 20));
            for (int i = 0; i < 100; i++)
            {
                Socket s = await ConnectAsync(port);
                clients.Add(s);
                try
                {
                    using var cts = new CancellationTokenSource(s_timeout);
                    await s.SendAsync(half, SocketFlags.None, cts.Token);
                }
                catch (SocketException)
                {
                    // Closed by the server while we were still sending: what the budget does.
                }
            }

            int closed = 0;
            foreach (Socket s in clients)
            {
                if (await ClosedWithinAsync(s, TimeSpan.FromMilliseconds(300)))
                {
                    closed++;
                }
            }

            long stalled = RssKib(server.Pid);

            // The budget (8 MiB) holds at most 8 such frames; the rest are closed.
            Assert.True(closed >= 90, $"{closed} of 100 stalled clients closed by the server");
            Assert.True(stalled - before < 40 * 1024, $"RSS grew by {(stalled - before) / 1024} MiB with 100 stalled clients (before the fix: 55-106 MiB)");
            Assert.Single(server.Output.Split('\n'), l => l.Contains("partial frames", StringComparison.Ordinal));
        }
        finally
        {
            foreach (Socket s in clients)
            {
                s.Dispose();
            }
        }

        // The connections left within the budget end too, and the server keeps answering.
        using Socket probe = await ConnectAsync(port);
        await probe.SendAsync(Frame(0, "GetPlugins", new PluginListRequest()));
        Assert.Equal(OlaRpc.Protocol.Type.Response, (await ReadAsync(probe)).Type);
        Assert.DoesNotContain("fail:", server.Output, StringComparison.Ordinal);
    }

    private static async Task<bool> ClosedWithinAsync(Socket socket, TimeSpan wait)
    {
        using var cts = new CancellationTokenSource(wait);
        byte[] buffer = new byte[64];
        try
        {
            return await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token) == 0;
        }
        catch (SocketException)
        {
            return true; // reset
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static long RssKib(int pid)
    {
        foreach (string line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        throw new InvalidOperationException("no VmRSS");
    }
}
