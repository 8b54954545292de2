// Licensed under the MIT License. See LICENSE in the repository root.
using Microsoft.Extensions.Logging;

namespace OlaSharp.Core.Tests.Conf;

/// <summary>A private temp directory, removed on dispose.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir()
    {
        Path = Directory.CreateTempSubdirectory("olasharp-conf-").FullName;
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Leftovers in /tmp are harmless; never fail a test on cleanup.
        }
    }
}

/// <summary>Records log entries for assertions.</summary>
internal sealed class ListLogger : ILogger
{
    private readonly Lock _gate = new();
    private readonly List<(LogLevel Level, EventId Id, string Message)> _entries = [];

    public IReadOnlyList<(LogLevel Level, EventId Id, string Message)> Entries
    {
        get
        {
            lock (_gate)
            {
                return [.. _entries];
            }
        }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    /// <summary>Entries logged with an exception (which the console logger prints as a stack trace).</summary>
    public int ExceptionCount { get; private set; }

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_gate)
        {
            _entries.Add((logLevel, eventId, formatter(state, exception)));
            if (exception is not null)
            {
                ExceptionCount++;
            }
        }
    }

    public IEnumerable<(LogLevel Level, EventId Id, string Message)> AtLevel(LogLevel level) =>
        Entries.Where(e => e.Level == level);
}

internal static class OlaFixtures
{
    public static string Root => Path.Combine(AppContext.BaseDirectory, "Fixtures", "ola");

    public static string Fresh(string name) => Path.Combine(Root, "fresh", name);

    public static string Rewrite(string name) => Path.Combine(Root, "rewrite", name);

    // Fixture bytes as text, decoded exactly as ConfFile.Load decodes files.
    public static string ReadText(string path) => new System.Text.UTF8Encoding(false).GetString(File.ReadAllBytes(path));
}
