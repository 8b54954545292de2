// Licensed under the MIT License. See LICENSE in the repository root.

namespace OlaSharp.Server;

/// <summary>The server host's log messages (EventIds 1-99).</summary>
internal static partial class Log
{
    // Server runtime (OlaServerRuntime), 1-2.
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Universe {Id} has no ports, sources or clients; removed")] public static partial void UniverseCollected(ILogger logger, int id);
    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Reloading plugins")] public static partial void Reloading(ILogger logger);
}
