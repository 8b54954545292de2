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
    public void Load_DirectoryInsteadOfFile_LogsOneErrorAndReturnsEmpty()
    {
        using var dir = new TempDir();
        string path = dir.File("ola-artnet.conf");
        Directory.CreateDirectory(path);
        var logger = new ListLogger();

        ConfFile file = ConfFile.Load(path, logger);

        Assert.Equal(0, file.Count);
        Assert.Equal(path, file.Path);
        (LogLevel level, EventId id, string message) = Assert.Single(logger.Entries);
        Assert.Equal(LogLevel.Error, level);
        Assert.Equal(1102, id.Id);
        Assert.Contains(path, message, StringComparison.Ordinal);
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
        Assert.Equal(2, logger.AtLevel(LogLevel.Warning).Count());
        Assert.Contains(logger.Entries, e => e.Message.Contains($"line 2 of {path}", StringComparison.Ordinal));
        Assert.Contains(logger.Entries, e => e.Message.Contains($"line 4 of {path}", StringComparison.Ordinal));
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
