// Licensed under the MIT License. See LICENSE in the repository root.
using System.Buffers;
using System.IO.Pipelines;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OlaSharp.Core;
using OlaSharp.Core.Clock;
using OlaSharp.Core.Conf;
using OlaSharp.Core.Plugins;
using OlaSharp.Core.Plugins.Dummy;
using OlaSharp.Core.Server;
using OlaSharp.OlaRpc.Internal;
using OlaSharp.OlaRpc.Protocol;

namespace OlaSharp.OlaRpc.Tests;

/// <summary>
/// The server core (universes, the dummy plugin, patches saved to a temp conf dir, the refresh clock)
/// with the RPC service, and clients connected through in-memory pipes instead of sockets.
/// </summary>
internal sealed class RpcHarness : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly List<RpcTestClient> _clients = [];
    private readonly UniverseSettingsStore _settings;

    private RpcHarness(string dir, long partialFrameBudget)
    {
        Dir = dir;
        Conf = new ConfStore(dir);
        Universes = new UniverseRegistry();
        _settings = new UniverseSettingsStore(Universes, Conf);
        Clock = new RefreshScheduler();
        Devices = new DeviceRegistry(Universes, Clock, Conf);
        Plugins = new PluginManager([new DummyPlugin()], new PluginContext(Universes, Clock, Conf, Devices, NullLoggerFactory.Instance));
        Logs = new ListLogger();
        Core = new ServerCore(Universes, Devices, Plugins, Conf);
        Service = new OlaRpcService(Core, Logs, partialFrameBudget);
    }

    public string Dir { get; }

    public ConfStore Conf { get; }

    public UniverseRegistry Universes { get; }

    public RefreshScheduler Clock { get; }

    public DeviceRegistry Devices { get; }

    public PluginManager Plugins { get; }

    public ServerCore Core { get; }

    public OlaRpcService Service { get; }

    public ListLogger Logs { get; }

    public static async Task<RpcHarness> StartAsync(long partialFrameBudget = PartialFrameBudget.DefaultCapacity)
    {
        var h = new RpcHarness(Directory.CreateTempSubdirectory("olas-rpc-").FullName, partialFrameBudget);
        await h.Plugins.StartAllAsync();
        h.Clock.Start();
        return h;
    }

    public RpcTestClient Connect(string name = "client")
    {
        var client = new RpcTestClient(this, name);
        _clients.Add(client);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (RpcTestClient c in _clients)
        {
            await c.CloseAsync();
        }

        await Plugins.StopAllAsync();
        Clock.Dispose();
        _settings.Dispose();
        Directory.Delete(Dir, true);
    }
}

/// <summary>One client: writes raw bytes or requests, reads whole frames back.</summary>
internal sealed class RpcTestClient
{
    private readonly Pipe _toServer = new();
    private readonly Pipe _toClient = new();
    private uint _nextId;

    public RpcTestClient(RpcHarness harness, string name)
    {
        Connection = new RpcConnection(new DuplexPipe(_toServer.Reader, _toClient.Writer), harness.Service, harness.Logs, name);
        Run = Task.Run(() => Connection.RunAsync(CancellationToken.None));
    }

    public RpcConnection Connection { get; }

    /// <summary>Completes when the server side of the connection has ended.</summary>
    public Task Run { get; }

    public async Task SendRawAsync(ReadOnlyMemory<byte> bytes)
    {
        await _toServer.Writer.WriteAsync(bytes);
    }

    public static byte[] Frame(RpcMessage message)
    {
        byte[] body = message.ToByteArray();
        byte[] frame = new byte[4 + body.Length];
        BitConverter.TryWriteBytes(frame, RpcFrame.Header(body.Length));
        body.CopyTo(frame, 4);
        return frame;
    }

    public static byte[] RequestFrame(uint id, string name, IMessage request, Protocol.Type type = Protocol.Type.Request) =>
        Frame(new RpcMessage { Type = type, Id = id, Name = name, Buffer = request.ToByteString() });

    /// <summary>Sends a REQUEST with the next id; returns the id.</summary>
    public async Task<uint> SendAsync(string name, IMessage request, Protocol.Type type = Protocol.Type.Request)
    {
        uint id = _nextId++;
        await SendRawAsync(RequestFrame(id, name, request, type));
        return id;
    }

    /// <summary>Sends a request and reads the next frame, which must be its reply.</summary>
    public async Task<RpcMessage> CallAsync(string name, IMessage request)
    {
        uint id = await SendAsync(name, request);
        RpcMessage reply = await ReadAsync();
        Assert.Equal(id, reply.Id);
        return reply;
    }

    public async Task<T> CallOkAsync<T>(string name, IMessage request, MessageParser<T> parser)
        where T : IMessage<T>
    {
        RpcMessage reply = await CallAsync(name, request);
        Assert.True(reply.Type == Protocol.Type.Response, $"{name}: {reply.Type} {reply.Buffer.ToStringUtf8()}");
        return parser.ParseFrom(reply.Buffer);
    }

    public async Task<string> CallFailedAsync(string name, IMessage request)
    {
        RpcMessage reply = await CallAsync(name, request);
        Assert.Equal(Protocol.Type.ResponseFailed, reply.Type);
        return reply.Buffer.ToStringUtf8();
    }

    /// <summary>Reads the next whole frame's raw bytes (header included).</summary>
    public async Task<byte[]> ReadRawAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? RpcHarness.Timeout);
        PipeReader reader = _toClient.Reader;
        while (true)
        {
            ReadResult result = await reader.ReadAsync(cts.Token);
            ReadOnlySequence<byte> buffer = result.Buffer;
            ReadOnlySequence<byte> start = buffer;
            if (RpcFrame.TryRead(ref buffer, out _, out _) == FrameStatus.Complete)
            {
                byte[] frame = start.Slice(0, start.Length - buffer.Length).ToArray();
                reader.AdvanceTo(buffer.Start);
                return frame;
            }

            if (result.IsCompleted)
            {
                throw new InvalidOperationException("Server closed the connection.");
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    public async Task<RpcMessage> ReadAsync(TimeSpan? timeout = null)
    {
        byte[] frame = await ReadRawAsync(timeout);
        return RpcMessage.Parser.ParseFrom(frame.AsSpan(4));
    }

    /// <summary>True when no frame arrives within <paramref name="wait"/>.</summary>
    public async Task<bool> NothingWithinAsync(TimeSpan wait)
    {
        try
        {
            await ReadRawAsync(wait);
            return false;
        }
        catch (OperationCanceledException)
        {
            return true;
        }
    }

    /// <summary>Drops the connection both ways, as a socket closed by a client that stopped reading.</summary>
    public async Task AbortAsync()
    {
        await _toClient.Reader.CompleteAsync();
        await CloseAsync();
    }

    /// <summary>Closes the client side and waits for the server side to end.</summary>
    public async Task CloseAsync()
    {
        await _toServer.Writer.CompleteAsync();
        await Run.WaitAsync(RpcHarness.Timeout);
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}

/// <summary>Keeps log lines so tests can check what was logged.</summary>
internal sealed class ListLogger : ILogger
{
    private readonly List<(LogLevel Level, string Text)> _lines = [];

    public IReadOnlyList<(LogLevel Level, string Text)> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_lines)
        {
            _lines.Add((logLevel, formatter(state, exception)));
        }
    }
}
