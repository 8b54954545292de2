// Licensed under the MIT License. See LICENSE in the repository root.
namespace OlaSharp.Standby.Internal;

/// <summary>Hot-standby log messages (EventIds 900-919).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 900, Level = LogLevel.Information, Message = "Standby: {Role} ({ConfRole}, id {Cid}), partner {Partner}, heartbeats every {HeartbeatMs} ms on UDP {Port} to {Destination}, take-over after {TakeoverMs} ms")]
    public static partial void Started(ILogger logger, string role, string confRole, string cid, string partner, double heartbeatMs, int port, string destination, double takeoverMs);

    [LoggerMessage(EventId = 901, Level = LogLevel.Warning, Message = "Standby: {From} -> {To}, term {Term}: {Reason}")]
    public static partial void RoleChanged(ILogger logger, string from, string to, uint term, string reason);

    [LoggerMessage(EventId = 902, Level = LogLevel.Warning, Message = "Standby: ignored a heartbeat from {From} (id {Cid}): not the partner {Partner}; {Count} ignored so far (further ones logged at most once a minute)")]
    public static partial void NotPartner(ILogger logger, string from, string cid, string partner, long count);

    [LoggerMessage(EventId = 903, Level = LogLevel.Warning, Message = "Standby: cannot open the heartbeat socket on UDP {Port}: {Error}; running standalone (outputs open)")]
    public static partial void SocketFailed(ILogger logger, int port, string error);

    [LoggerMessage(EventId = 904, Level = LogLevel.Debug, Message = "Standby: heartbeat send or receive error {Error}")]
    public static partial void SocketError(ILogger logger, string error);

    [LoggerMessage(EventId = 905, Level = LogLevel.Error, Message = "Standby: heartbeat loop error")]
    public static partial void LoopFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 906, Level = LogLevel.Information, Message = "Standby: manual switch-over refused: {Error}")]
    public static partial void SwitchOverRefused(ILogger logger, string error);

    [LoggerMessage(EventId = 907, Level = LogLevel.Warning, Message = "Standby: {Devices} still drove the shared line {WaitMs} ms after the gate closed; handing over anyway (the partner's take-over guard still waits one frame)")]
    public static partial void ReleaseTimedOut(ILogger logger, string devices, double waitMs);
}
