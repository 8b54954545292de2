// Licensed under the MIT License. See LICENSE in the repository root.
using Microsoft.AspNetCore.Connections;
using OlaSharp.OlaRpc.Internal;

namespace OlaSharp.OlaRpc;

/// <summary>
/// OLA's client protocol (olad's TCP 9010) as a Kestrel connection handler: bind it with
/// <c>listenOptions.UseConnectionHandler&lt;OlaRpcConnectionHandler&gt;()</c> on 127.0.0.1.
/// </summary>
public sealed class OlaRpcConnectionHandler : ConnectionHandler, IProtocolCounterSource
{
    private readonly OlaRpcService _service;
    private readonly ILogger _logger;

    /// <summary>Creates the handler.</summary>
    public OlaRpcConnectionHandler(ServerCore core, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _logger = loggerFactory.CreateLogger<OlaRpcConnectionHandler>();
        _service = new OlaRpcService(core, _logger);
    }

    /// <inheritdoc />
    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        string name = connection.RemoteEndPoint?.ToString() ?? connection.ConnectionId;
        _service.Counters.Increment(RpcCounters.Connections);
        Log.Connected(_logger, name);
        var rpc = new RpcConnection(connection.Transport, _service, _logger, name);
        // Not ConnectionClosed as the token: it fires on the client's FIN and would cancel the read that
        // still holds its last frames (ola_streaming_client sends and closes at once). The transport's
        // reader ends by itself on close and with an exception on abort.
        await rpc.RunAsync(CancellationToken.None).ConfigureAwait(false);
        Log.Disconnected(_logger, name);
    }

    /// <inheritdoc />
    public void CollectCounters(ICollection<ProtocolCounter> into) => _service.Counters.CollectCounters(into);
}
