// Licensed under the MIT License. See LICENSE in the repository root.
using Microsoft.Extensions.Logging;

namespace OlaSharp.ArtNet.Internal;

/// <summary>Art-Net log messages (EventIds 200-299), one group per component.</summary>
internal static partial class Log
{
    // Art-Net node (ArtNetNode), 200-206.
    [LoggerMessage(EventId = 200, Level = LogLevel.Information, Message = "Art-Net node on {Address}:{Port}, broadcast {Broadcast}")] public static partial void Started(ILogger logger, string address, int port, string broadcast);
    [LoggerMessage(EventId = 201, Level = LogLevel.Debug, Message = "Art-Net: dropped bad packet ({What}); {Malformed} malformed, {SendErrors} send errors so far")] public static partial void BadPacket(ILogger logger, string what, long malformed, long sendErrors);
    [LoggerMessage(EventId = 202, Level = LogLevel.Information, Message = "Art-Net: ArtAddress from {From} (BindIndex {BindIndex}, command 0x{Command:X2}) ignored: the conf file sets addresses ({Ignored} ArtAddress/ArtIpProg ignored so far; this line at most every 10 s)")] public static partial void ArtAddress(ILogger logger, string from, byte bindIndex, byte command, long ignored);
    [LoggerMessage(EventId = 203, Level = LogLevel.Information, Message = "Art-Net: ArtIpProg from {From} (command 0x{Command:X2}) ignored ({Ignored} ArtAddress/ArtIpProg ignored so far; this line at most every 10 s)")] public static partial void ArtIpProg(ILogger logger, string from, byte command, long ignored);
    [LoggerMessage(EventId = 204, Level = LogLevel.Error, Message = "Art-Net receive loop error")] public static partial void ReceiveFailed(ILogger logger, Exception exception);
    [LoggerMessage(EventId = 205, Level = LogLevel.Warning, Message = "Art-Net: {Advice}")] public static partial void Unpatched(ILogger logger, string advice);
    [LoggerMessage(EventId = 206, Level = LogLevel.Warning, Message = "Art-Net: cannot also listen on {Address}:{Port} ({Error}); a console on this host sending there may not reach us (broadcast still does)")] public static partial void NoUnicastSocket(ILogger logger, string address, int port, string error);

    // Art-Net plugin (ArtNetPlugin), 210.
    [LoggerMessage(EventId = 210, Level = LogLevel.Warning, Message = "ArtNet: no usable IPv4 interface (set ip, or use_loopback = true); the plugin has no device")] public static partial void NoInterface(ILogger logger);
}
