// Licensed under the MIT License. See LICENSE in the repository root.

namespace OlaSharp.Http.Internal;

// The settings pages' log lines.
internal static partial class Log
{
    [LoggerMessage(EventId = 810, Level = LogLevel.Warning, Message = "Settings page: the settings were not saved: {Reason}")]
    public static partial void SettingsNotSaved(ILogger logger, string reason);
}
