// Licensed under the MIT License. See LICENSE in the repository root.
using Microsoft.Extensions.Logging;

namespace OlaSharp.Sacn.Internal;

/// <summary>E1.31 (sACN) log messages (EventIds 400-499), one group per component.</summary>
internal static partial class Log
{
    // E1.31 node (SacnNode), 400-403.
    [LoggerMessage(EventId = 400, Level = LogLevel.Information, Message = "E1.31 node on {Address}:{Port}, CID {Cid}")] public static partial void Started(ILogger logger, string address, int port, string cid);
    [LoggerMessage(EventId = 401, Level = LogLevel.Debug, Message = "E1.31: dropped bad packet or send error ({What}); {Malformed} malformed, {SendErrors} send errors so far")] public static partial void BadPacket(ILogger logger, string what, long malformed, long sendErrors);
    [LoggerMessage(EventId = 402, Level = LogLevel.Warning, Message = "E1.31: multicast {Action} for universe {Universe} failed: {Error}")] public static partial void MembershipFailed(ILogger logger, string action, int universe, string error);
    [LoggerMessage(EventId = 403, Level = LogLevel.Error, Message = "E1.31 receive loop error")] public static partial void ReceiveFailed(ILogger logger, Exception exception);

    // E1.31 plugin (SacnPlugin), 410-411.
    [LoggerMessage(EventId = 410, Level = LogLevel.Warning, Message = "E1.31: no usable non-loopback IPv4 interface (set ip); the plugin has no device")] public static partial void NoInterface(ILogger logger);
    [LoggerMessage(EventId = 411, Level = LogLevel.Warning, Message = "E1.31: revision 0.2 (the pre-standard draft) is not supported; speaking ANSI E1.31 (0.46)")] public static partial void DraftRevision(ILogger logger);
}
