// Licensed under the MIT License. See LICENSE in the repository root.

namespace OlaSharp.OlaRpc.Internal;

internal static partial class Log
{
    [LoggerMessage(EventId = 600, Level = LogLevel.Debug, Message = "RPC client {Name} connected")] public static partial void Connected(ILogger logger, string name);
    [LoggerMessage(EventId = 601, Level = LogLevel.Debug, Message = "RPC client {Name} disconnected")] public static partial void Disconnected(ILogger logger, string name);
    [LoggerMessage(EventId = 602, Level = LogLevel.Warning, Message = "RPC client {Name}: protocol mismatch {Version} != 1 (header 0x{Header:X8}); closing")] public static partial void BadVersion(ILogger logger, string name, uint version, uint header);
    [LoggerMessage(EventId = 603, Level = LogLevel.Warning, Message = "RPC client {Name}: incoming message size {Size} is larger than {Max}; closing")] public static partial void TooLarge(ILogger logger, string name, uint size, int max);
    [LoggerMessage(EventId = 604, Level = LogLevel.Warning, Message = "RPC client {Name}: {Length}-byte frame is not an RpcMessage; closing")] public static partial void BadEnvelope(ILogger logger, string name, long length);
    [LoggerMessage(EventId = 605, Level = LogLevel.Debug, Message = "RPC client {Name} closed with {Length} bytes of an unfinished frame")] public static partial void Truncated(ILogger logger, string name, long length);
    [LoggerMessage(EventId = 606, Level = LogLevel.Warning, Message = "RPC client {Name} is not keeping up (4096 frames queued); coalescing DMX pushes to the newest frame per universe, first for universe {Universe} (logged once per connection)")] public static partial void PushDropped(ILogger logger, string name, int universe);
    [LoggerMessage(EventId = 607, Level = LogLevel.Debug, Message = "RPC client {Name}: {Method} request does not parse or lacks required fields")] public static partial void BadRequest(ILogger logger, string name, string method);
    [LoggerMessage(EventId = 608, Level = LogLevel.Debug, Message = "RPC client {Name}: unknown method {Method}")] public static partial void UnknownMethod(ILogger logger, string name, string method);
    [LoggerMessage(EventId = 609, Level = LogLevel.Debug, Message = "RPC client {Name}: {Method} is not a streaming method; ignored")] public static partial void NotStreaming(ILogger logger, string name, string method);
    [LoggerMessage(EventId = 610, Level = LogLevel.Warning, Message = "RPC client {Name}: connection error: {Message}")] public static partial void ConnectionError(ILogger logger, string name, string message);
    [LoggerMessage(EventId = 611, Level = LogLevel.Error, Message = "RPC client {Name}: {Method} failed")] public static partial void HandlerFailed(ILogger logger, Exception exception, string name, string method);
    [LoggerMessage(EventId = 612, Level = LogLevel.Warning, Message = "RPC client {Name}: its {Size}-byte frame does not fit in the {Capacity} bytes all clients' partial frames may hold; closing ({Refused} client(s) closed for this since the last such line, at most one line per 10 s)")] public static partial void PartialFrameRefused(ILogger logger, string name, long size, long capacity, long refused);
}
