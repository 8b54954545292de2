// Licensed under the MIT License. See LICENSE in the repository root.
using Microsoft.Extensions.Logging;

namespace OlaSharp.Core.Conf;

/// <summary>Source-generated log messages for config files. EventIds 1100-1199 are reserved for this area.</summary>
internal static partial class ConfLog
{
    [LoggerMessage(EventId = 1100, EventName = "ConfLineSkipped", Level = LogLevel.Warning,
        Message = "Skipping line {LineNumber} of {FileName}: it must contain exactly one '=': {Line}")]
    public static partial void LineSkipped(ILogger logger, string fileName, int lineNumber, string line);

    [LoggerMessage(EventId = 1101, EventName = "ConfFileMissing", Level = LogLevel.Debug,
        Message = "Config file {Path} does not exist; using defaults")]
    public static partial void FileMissing(ILogger logger, string path);

    [LoggerMessage(EventId = 1102, EventName = "ConfFileUnreadable", Level = LogLevel.Error,
        Message = "Could not read config file {Path}; using defaults: {Reason}")]
    public static partial void FileUnreadable(ILogger logger, string path, string reason, Exception exception);

    [LoggerMessage(EventId = 1103, EventName = "ConfDirectoryCreated", Level = LogLevel.Information,
        Message = "Created config directory {Directory}")]
    public static partial void DirectoryCreated(ILogger logger, string directory);

    [LoggerMessage(EventId = 1104, EventName = "ConfFileSaved", Level = LogLevel.Debug,
        Message = "Saved config file {Path} ({Count} entries)")]
    public static partial void FileSaved(ILogger logger, string path, int count);

    [LoggerMessage(EventId = 1105, EventName = "ConfSaveFailed", Level = LogLevel.Error,
        Message = "Could not save config file {Path}")]
    public static partial void SaveFailed(ILogger logger, Exception exception, string path);
}
