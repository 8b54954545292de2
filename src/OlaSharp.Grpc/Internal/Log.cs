// Licensed under the MIT License. See LICENSE in the repository root.

namespace OlaSharp.Grpc.Internal;

/// <summary>gRPC API log messages (EventIds 700-799).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 700, Level = LogLevel.Information, Message = "gRPC frame stream from {Peer} opened")] public static partial void StreamOpened(ILogger logger, string peer);
    [LoggerMessage(EventId = 701, Level = LogLevel.Information, Message = "gRPC frame stream from {Peer} closed after {Frames} frames; {Sources} source(s) removed")] public static partial void StreamClosed(ILogger logger, string peer, long frames, int sources);
    [LoggerMessage(EventId = 702, Level = LogLevel.Information, Message = "gRPC watcher {Peer} subscribed to {Count} universe(s)")] public static partial void WatchOpened(ILogger logger, string peer, int count);
    [LoggerMessage(EventId = 703, Level = LogLevel.Information, Message = "gRPC watcher {Peer} left after {Messages} messages")] public static partial void WatchClosed(ILogger logger, string peer, long messages);
    [LoggerMessage(EventId = 704, Level = LogLevel.Warning, Message = "gRPC call {Method} from {Peer} refused: missing or wrong bearer token (+{Suppressed} similar since the previous such line)")] public static partial void Unauthenticated(ILogger logger, string method, string peer, long suppressed);
    [LoggerMessage(EventId = 705, Level = LogLevel.Information, Message = "gRPC: patched {PortId} to universe {Universe}")] public static partial void Patched(ILogger logger, string portId, int universe);
    [LoggerMessage(EventId = 706, Level = LogLevel.Information, Message = "gRPC: unpatched {PortId}")] public static partial void Unpatched(ILogger logger, string portId);
}
