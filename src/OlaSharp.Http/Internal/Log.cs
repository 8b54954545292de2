// Licensed under the MIT License. See LICENSE in the repository root.
using System.Net;
using OlaSharp.Core.Stats;

namespace OlaSharp.Http.Internal;

/// <summary>The HTTP API's log lines (each rate-limited by its caller through <see cref="CountingLogThrottle"/>).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 800, Level = LogLevel.Debug, Message = "HTTP {Method} {Path} from {Remote}: 400, {Reason} (+{Suppressed} similar since the previous such line)")] public static partial void BadBody(ILogger logger, string method, string path, IPAddress? remote, string reason, long suppressed);
    [LoggerMessage(EventId = 801, Level = LogLevel.Warning, Message = "HTTP {Method} {Path} from {Remote} refused ({Status}): {Reason} (+{Suppressed} similar since the previous such line)")] public static partial void Refused(ILogger logger, string method, string path, IPAddress? remote, int status, string reason, long suppressed);
}
