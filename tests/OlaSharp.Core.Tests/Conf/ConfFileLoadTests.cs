// Licensed under the MIT License. See LICENSE in the repository root.
using Microsoft.Extensions.Logging;
using OlaSharp.Core.Conf;

namespace OlaSharp.Core.Tests.Conf;

public sealed class ConfFileLoadTests
{
    [Fact]
    public void Load_MissingFile_EmptyWithPathAndNoError()
    {
        using var dir = new TempDir();
        string path = dir.File("ola-missing.conf");
        var logger = new ListLogger();

        ConfFile file = ConfFile.Load(path, logger);

        Assert.Equal(0, file.Count);
        Assert.Equal(path, file.Path);
        Assert.Empty(logger.AtLevel(LogLevel.Error));
        Assert.Empty(logger.AtLevel(LogLevel.Warning));
    }

    [Fact]
    public void Load_DirectoryInsteadOfFile_LogsOneWarningLineAndReturnsEmpty()
    {
        using var dir = new TempDir();
        string path = dir.File("ola-artnet.conf");
        Directory.CreateDirectory(path);
        var logger = new ListLogger();

        ConfFile file = ConfFile.Load(path, logger);

        Assert.Equal(0, file.Count);
        Assert.Equal(path, file.Path);
        Assert.True(file.LoadFailed);
        (LogLevel level, EventId id, string message) = Assert.Single(logger.Entries);
        Assert.Equal(LogLevel.Warning, level);
        Assert.Equal(1102, id.Id);
        Assert.Contains(path, message, StringComparison.Ordinal);
        // Issue 13 defect 5: the exception (and so a stack trace) went to the log.
        Assert.Equal(0, logger.ExceptionCount);
    }

    [Fact]
    public void Load_SymlinkLoop_OneWarningLineWithoutStackTrace()
    {
        using var dir = new TempDir();
        string path = dir.File("ola-server.conf");
        File.CreateSymbolicLink(path, "ola-server.conf");
        var logger = new ListLogger();

        ConfFile file = ConfFile.Load(path, logger);

        Assert.True(file.LoadFailed);
        (LogLevel level, EventId _, string message) = Assert.Single(logger.Entries);
        Assert.Equal(LogLevel.Warning, level);
        Assert.Contains("symbolic links", message, StringComparison.Ordinal);
        Assert.Equal(0, logger.ExceptionCount);
    }

    [Fact]
    public void Load_50MbOfJunk_ReadsOnlyTheCap_TwoWarningLines()
    {
        using var dir = new TempDir();
        string path = dir.File("ola-universe.conf");
        WriteFiftyMegabytes(path, i => $"junk line {i} without an equals sign, just noise to fill the file up to fifty megabytes\n");
        var logger = new ListLogger();

        ConfFile file = ConfFile.Load(path, logger);

        Assert.Equal(0, file.Count);
        Assert.True(file.Truncated);
        Assert.Equal(2, logger.Entries.Count);
        Assert.Contains(logger.Entries, e => e.Id.Id == 1109 && e.Message.Contains($"{ConfFile.MaxFileBytes}-byte limit", StringComparison.Ordinal));
        Assert.Contains(logger.Entries, e => e.Id.Id == 1106 && e.Message.Contains("(lines 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, ...); the first: line 1: junk line 1 ", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_50MbValidUnsorted_ReadsWholeLinesUpToTheCap()
    {
        using var dir = new TempDir();
        string path = dir.File("ola-universe.conf");
        WriteFiftyMegabytes(path, i => $"uni_{i}_name = Universe number {i}\nuni_{i}_merge = HTP\n");
        var logger = new ListLogger();

        ConfFile file = ConfFile.Load(path, logger);

        Assert.True(file.Truncated);
        Assert.Single(logger.Entries);
        Assert.InRange(file.Count, 10_000, 200_000);
        Assert.Equal("Universe number 2", file.Get("uni_2_name"));
        Assert.Equal(file.Entries.Select(e => e.Key).Order(StringComparer.Ordinal), file.Entries.Select(e => e.Key));
    }

    private static void WriteFiftyMegabytes(string path, Func<int, string> line)
    {
        using var writer = new StreamWriter(path, false, new System.Text.UTF8Encoding(false), 1 << 16);
        long written = 0;
        for (int i = 1; written < 50L * 1024 * 1024; i++)
        {
            string text = line(i);
            writer.Write(text);
            written += text.Length;
        }
    }

    [Fact]
    public void Load_FileWithBadLines_WarnsWithFileNameAndLineNumbers()
    {
        using var dir = new TempDir();
        string path = dir.File("ola-test.conf");
        File.WriteAllText(path, "a = 1\r\nbad line\r\n\r\nx = y = z\r\n");
        var logger = new ListLogger();

        ConfFile file = ConfFile.Load(path, logger);

        Assert.Equal("1", file.Get("a"));
        Assert.Equal(1, file.Count);
        // One line for the file, naming both (issue 13: a 50 MB junk file gave 524,289 lines).
        (LogLevel _, EventId _, string message) = Assert.Single(logger.AtLevel(LogLevel.Warning));
        Assert.Equal($"Skipping 2 lines of {path} that do not contain exactly one '=' (lines 2, 4); the first: line 2: bad line", message);
    }

    [Fact]
    public void Load_Utf8Bom_KeptInFirstKeyAsOladDoes()
    {
        using var dir = new TempDir();
        string path = dir.File("ola-bom.conf");
        File.WriteAllBytes(path, [0xEF, 0xBB, 0xBF, (byte)'a', (byte)' ', (byte)'=', (byte)' ', (byte)'1', (byte)'\n']);

        ConfFile file = ConfFile.Load(path);

        Assert.Null(file.Get("a"));
        Assert.Equal("1", file.Get("\uFEFFa"));
    }

    [Fact]
    public void SaveLoad_NonAsciiValue_RoundTripsAsUtf8()
    {
        using var dir = new TempDir();
        string path = dir.File("ola-universe.conf");
        var file = new ConfFile();
        file.Set("uni_1_name", "B\u00FChne \u2603");

        file.Save(path);
        ConfFile reloaded = ConfFile.Load(path);

        Assert.Equal("B\u00FChne \u2603", reloaded.Get("uni_1_name"));
        Assert.Equal("uni_1_name = B\u00C3\u00BChne \u00E2\u0098\u0083\n", System.Text.Encoding.Latin1.GetString(File.ReadAllBytes(path)));
    }

    [Fact]
    public void Parse_NoSourceName_Accepted()
    {
        var logger = new ListLogger();

        ConfFile file = ConfFile.Parse("oops\n", logger: logger);

        Assert.Null(file.Path);
        Assert.Single(logger.AtLevel(LogLevel.Warning));
    }
}
