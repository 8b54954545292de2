// Licensed under the MIT License. See LICENSE in the repository root.

namespace OlaSharp.Core;

/// <summary>Core's log messages, one group per component, each group in its own EventId range.</summary>
internal static partial class Log
{
    // Refresh clock (RefreshScheduler), 100-102.
    [LoggerMessage(EventId = 100, Level = LogLevel.Warning, Message = "Output {Target} failed to emit a frame (further failures suppressed for 5 s)")] public static partial void EmitFailed(ILogger logger, Exception exception, string target);
    [LoggerMessage(EventId = 101, Level = LogLevel.Error, Message = "Refresh clock loop failed; continuing")] public static partial void ClockLoopFailed(ILogger logger, Exception exception);
    [LoggerMessage(EventId = 102, Level = LogLevel.Warning, Message = "Refresh clock thread did not stop within 5 s")] public static partial void ClockThreadStuck(ILogger logger);

    // Plugins (PluginManager), 300-303.
    [LoggerMessage(EventId = 300, Level = LogLevel.Information, Message = "Plugin {Name} ({Id}) started")] public static partial void PluginStarted(ILogger logger, string name, int id);
    [LoggerMessage(EventId = 301, Level = LogLevel.Error, Message = "Failed to start plugin: {Name}")] public static partial void PluginStartFailed(ILogger logger, Exception exception, string name);
    [LoggerMessage(EventId = 302, Level = LogLevel.Warning, Message = "Plugin {Name} failed while stopping")] public static partial void PluginStopFailed(ILogger logger, Exception exception, string name);
    [LoggerMessage(EventId = 303, Level = LogLevel.Information, Message = "Plugin {Name} is disabled ({Path})")] public static partial void PluginDisabled(ILogger logger, string name, string path);

    // Patch board (DeviceRegistry), 320-323.
    [LoggerMessage(EventId = 320, Level = LogLevel.Warning, Message = "Refused to patch {PortId} to universe {Universe}: {Reason}")] public static partial void PatchRefused(ILogger logger, string portId, int universe, string reason);
    [LoggerMessage(EventId = 321, Level = LogLevel.Warning, Message = "Could not restore the patch of {PortId} to universe {Universe}: {Error}")] public static partial void RestoreFailed(ILogger logger, string portId, int universe, string error);
    [LoggerMessage(EventId = 322, Level = LogLevel.Warning, Message = "Priority {Value} for {PortId} is above 200; clamped")] public static partial void PriorityClamped(ILogger logger, string portId, int value);
    [LoggerMessage(EventId = 323, Level = LogLevel.Error, Message = "{Action} of port {PortId} failed; the patch board keeps the decided state")] public static partial void HookFailed(ILogger logger, Exception exception, string action, string portId);

    // Dummy plugin, 500-501.
    [LoggerMessage(EventId = 500, Level = LogLevel.Trace, Message = "Dummy port frame {N}: {Length} slots ({Reason}, priority {Priority})")] public static partial void Frame(ILogger logger, long n, int length, EmitReason reason, int priority);
    [LoggerMessage(EventId = 501, Level = LogLevel.Information, Message = "Dummy port {PortId}: {Length} slots, priority {Priority}: {Slots}")] public static partial void Changed(ILogger logger, string portId, int length, int priority, string slots);

    // Config files, 1100-1199. Each problem with a file is said in one line, without a stack trace: the
    // user can act on the file, not on our call stack.
    [LoggerMessage(EventId = 1100, EventName = "ConfLineSkipped", Level = LogLevel.Warning, Message = "Skipping line {LineNumber} of {FileName}: it must contain exactly one '=': {Line}")] public static partial void LineSkipped(ILogger logger, string fileName, int lineNumber, string line);
    [LoggerMessage(EventId = 1101, EventName = "ConfFileMissing", Level = LogLevel.Debug, Message = "Config file {Path} does not exist; using defaults")] public static partial void FileMissing(ILogger logger, string path);
    [LoggerMessage(EventId = 1102, EventName = "ConfFileUnreadable", Level = LogLevel.Warning, Message = "Could not read config file {Path} ({Reason}); using defaults, and the file is left as it is")] public static partial void FileUnreadable(ILogger logger, string path, string reason);
    [LoggerMessage(EventId = 1103, EventName = "ConfDirectoryCreated", Level = LogLevel.Information, Message = "Created config directory {Directory}")] public static partial void DirectoryCreated(ILogger logger, string directory);
    [LoggerMessage(EventId = 1104, EventName = "ConfFileSaved", Level = LogLevel.Debug, Message = "Saved config file {Path} ({Count} entries)")] public static partial void FileSaved(ILogger logger, string path, int count);
    [LoggerMessage(EventId = 1105, EventName = "ConfSaveFailed", Level = LogLevel.Warning, Message = "Could not save config file {Path} ({Reason}); its settings are kept in memory only (said once until a save succeeds)")] public static partial void SaveFailed(ILogger logger, string path, string reason);
    [LoggerMessage(EventId = 1106, EventName = "ConfLinesSkipped", Level = LogLevel.Warning, Message = "Skipping {Count} lines of {FileName} that do not contain exactly one '=' (lines {LineNumbers}); the first: {Line}")] public static partial void LinesSkipped(ILogger logger, int count, string fileName, string lineNumbers, string line);
    [LoggerMessage(EventId = 1107, EventName = "ConfSavedAgain", Level = LogLevel.Information, Message = "Saved config file {Path} again")] public static partial void SavedAgain(ILogger logger, string path);
    [LoggerMessage(EventId = 1108, EventName = "ConfDirectoryUnusable", Level = LogLevel.Warning, Message = "Cannot use config directory {Directory} ({Reason}); running on defaults, and settings will not be saved")] public static partial void DirectoryUnusable(ILogger logger, string directory, string reason);
    [LoggerMessage(EventId = 1109, EventName = "ConfFileTooLarge", Level = LogLevel.Warning, Message = "Config file {Path} is {Size} bytes, over the {Cap}-byte limit: only its first {Read} bytes were read; before it is next saved the whole file is copied to {Backup}")] public static partial void FileTooLarge(ILogger logger, string path, long size, int cap, int read, string backup);
    [LoggerMessage(EventId = 1110, EventName = "ConfValueReplaced", Level = LogLevel.Warning, Message = "{FileName}: {Key} = '{Value}' is not {Expected}; using {Replacement}")] public static partial void ValueReplaced(ILogger logger, string fileName, string key, string value, string expected, string replacement);
    [LoggerMessage(EventId = 1111, EventName = "ConfStaleTempFilesRemoved", Level = LogLevel.Information, Message = "Removed {Count} temp files left in {Directory} by a server that was killed while saving")] public static partial void StaleTempFilesRemoved(ILogger logger, int count, string directory);
    [LoggerMessage(EventId = 1112, EventName = "ConfOversizeBackup", Level = LogLevel.Warning, Message = "Copied oversized config file {Path} to {Backup} before saving the part that was read")] public static partial void OversizeBackup(ILogger logger, string path, string backup);

    // Failsafe (issue 17), 1200-1299: one line when a universe's failsafe starts acting and one when a source ends it.
    [LoggerMessage(EventId = 1200, EventName = "FailsafeActing", Level = LogLevel.Warning, Message = "Universe {Universe}: data lost ({Reason}); failsafe {Mode} is the output until a source sends again")] public static partial void FailsafeActing(ILogger logger, int universe, string reason, string mode);
    [LoggerMessage(EventId = 1201, EventName = "FailsafeEnded", Level = LogLevel.Information, Message = "Universe {Universe}: a source sends again; failsafe ended")] public static partial void FailsafeEnded(ILogger logger, int universe);
}
