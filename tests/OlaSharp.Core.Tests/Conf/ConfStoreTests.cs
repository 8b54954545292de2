// Licensed under the MIT License. See LICENSE in the repository root.
using System.Runtime.Versioning;
using Microsoft.Extensions.Logging;
using OlaSharp.Core.Conf;

namespace OlaSharp.Core.Tests.Conf;

// Unix permission bits are part of what is tested.
[UnsupportedOSPlatform("windows")]
public sealed class ConfStoreTests
{
    [Fact]
    public void PathFor_Prefix_OlaPrefixConfInDirectory()
    {
        using var dir = new TempDir();
        var store = new ConfStore(dir.Path);

        Assert.Equal(Path.Combine(dir.Path, "ola-artnet.conf"), store.PathFor("artnet"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("../etc")]
    [InlineData("a/b")]
    public void PathFor_InvalidPrefix_Throws(string prefix)
    {
        var store = new ConfStore("/tmp");

        Assert.ThrowsAny<ArgumentException>(() => store.PathFor(prefix));
    }

    [Fact]
    public void SaveLoad_ByPrefix_RoundTrips()
    {
        using var dir = new TempDir();
        var store = new ConfStore(dir.Path);
        var file = new ConfFile();
        file.Set("instance-name", "OLA Server");

        store.Save("server", file);
        ConfFile loaded = store.Load("server");

        Assert.Equal("instance-name = OLA Server\n", File.ReadAllText(Path.Combine(dir.Path, "ola-server.conf")));
        Assert.Equal("OLA Server", loaded.Get("instance-name"));
        Assert.Equal(store.PathFor("server"), loaded.Path);
    }

    [Fact]
    public void Save_LoadedFile_WritesBackToItsPath()
    {
        using var dir = new TempDir();
        var store = new ConfStore(dir.Path);
        File.WriteAllText(store.PathFor("artnet"), "# comment\nnet = 200\n");
        ConfFile file = store.Load("artnet");

        file.SetDefaultValue("net", new UIntValidator(0, 127), "0");
        store.Save(file);

        Assert.Equal("net = 0\n", File.ReadAllText(store.PathFor("artnet")));
    }

    [Fact]
    public void Save_FileWithoutPath_ThrowsInvalidOperation()
    {
        using var dir = new TempDir();
        var store = new ConfStore(dir.Path);

        Assert.Throws<InvalidOperationException>(() => store.Save(new ConfFile()));
    }

    [Fact]
    public void Save_ConcurrentSavesOfOneFile_FileAlwaysWholeAndNoTempLeft()
    {
        using var dir = new TempDir();
        var store = new ConfStore(dir.Path);
        ConfFile first = ConfFile.Parse(string.Concat(Enumerable.Range(0, 2000).Select(i => $"a{i} = 1\n")));
        ConfFile second = ConfFile.Parse(string.Concat(Enumerable.Range(0, 3000).Select(i => $"b{i} = 2\n")));

        Parallel.For(0, 100, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i => store.Save("universe", i % 2 == 0 ? first : second));

        string text = File.ReadAllText(store.PathFor("universe"));
        Assert.True(text == first.Serialize() || text == second.Serialize());
        Assert.Equal(["ola-universe.conf"], Directory.GetFiles(dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void EnsureDirectory_Missing_CreatedWithMode0755AndLogged()
    {
        using var dir = new TempDir();
        var logger = new ListLogger();
        var store = new ConfStore(Path.Combine(dir.Path, ".ola"), logger);

        Assert.True(store.EnsureDirectory());
        Assert.False(store.EnsureDirectory());

        const UnixFileMode mode0755 = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
        UnixFileMode mode = File.GetUnixFileMode(store.DirectoryPath);
        Assert.True(Directory.Exists(store.DirectoryPath));
        Assert.Equal((UnixFileMode)0, mode & ~mode0755);
        const UnixFileMode userRwx = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        Assert.Equal(userRwx, mode & userRwx);
        Assert.Single(logger.AtLevel(LogLevel.Information));
    }

    [Fact]
    public void EnsureDirectory_ParentsMissing_CreatesThem()
    {
        // Issue 13 defect 5: this threw (olad's rule), and the server aborted with SIGABRT.
        using var dir = new TempDir();
        string parent = Path.Combine(dir.Path, "missing", "deeper");
        var logger = new ListLogger();
        var store = new ConfStore(Path.Combine(parent, ".ola"), logger);

        Assert.True(store.EnsureDirectory());

        Assert.True(Directory.Exists(store.DirectoryPath));
        Assert.Empty(logger.AtLevel(LogLevel.Warning));
    }

    [Fact]
    public void EnsureDirectory_PathIsAFile_OneWarningAndNoThrow()
    {
        using var dir = new TempDir();
        string file = dir.File("not-a-dir");
        File.WriteAllText(file, "keep\n");
        var logger = new ListLogger();
        var store = new ConfStore(file, logger);

        Assert.False(store.EnsureDirectory());
        ConfFile conf = store.Load("server");
        conf.Set("instance-name", "x");
        Assert.False(store.TrySave("server", conf));
        Assert.False(store.TrySave("server", conf));

        (LogLevel level, EventId _, string message) = Assert.Single(logger.AtLevel(LogLevel.Warning), e => e.Message.Contains(file + " (it is a file)", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Warning, level);
        Assert.Contains("running on defaults", message, StringComparison.Ordinal);
        // The directory line says nothing will be saved; each failed save is not said again per file.
        Assert.Single(logger.AtLevel(LogLevel.Warning));
        Assert.Equal(0, logger.ExceptionCount);
        Assert.Equal("keep\n", File.ReadAllText(file));
    }

    [Fact]
    public void TrySave_FailsTwice_WarnsOnce_ThenAgainOnlyAfterASuccess()
    {
        using var dir = new TempDir();
        var logger = new ListLogger();
        var store = new ConfStore(dir.Path, logger);
        ConfFile conf = ConfFile.Parse("a = 1\n");
        string path = store.PathFor("port");

        // A directory where the file should be: rename(2) over it fails, as on a read-only dir.
        Directory.CreateDirectory(path);
        Assert.False(store.TrySave("port", conf));
        Assert.False(store.TrySave("port", conf));
        Assert.Single(logger.AtLevel(LogLevel.Warning));

        Directory.Delete(path);
        Assert.True(store.TrySave("port", conf));
        Assert.Contains(logger.AtLevel(LogLevel.Information), e => e.Message.Contains("again", StringComparison.Ordinal));

        File.Delete(path);
        Directory.CreateDirectory(path);
        Assert.False(store.TrySave("port", conf));
        Assert.Equal(2, logger.AtLevel(LogLevel.Warning).Count());
        Assert.All(logger.AtLevel(LogLevel.Warning), e => Assert.Contains(path, e.Message, StringComparison.Ordinal));
        Assert.Equal(0, logger.ExceptionCount);
        Assert.Empty(Directory.GetFiles(dir.Path, ".ola-*"));
    }

    [Fact]
    public void TrySave_FileThatCouldNotBeRead_IsLeftAsItIs()
    {
        using var dir = new TempDir();
        var logger = new ListLogger();
        var store = new ConfStore(dir.Path, logger);
        string path = store.PathFor("server");
        File.CreateSymbolicLink(path, "ola-server.conf");

        ConfFile conf = store.Load("server");
        Assert.True(conf.LoadFailed);
        conf.SetDefaultValue("instance-name", new StringValidator(), "OLA Server");

        Assert.False(store.TrySave("server", conf));
        Assert.Equal("ola-server.conf", new FileInfo(path).LinkTarget);
        (LogLevel level, EventId _, string message) = Assert.Single(logger.Entries, e => e.Level >= LogLevel.Warning);
        Assert.Equal(LogLevel.Warning, level);
        Assert.Contains(path, message, StringComparison.Ordinal);
        Assert.Equal(0, logger.ExceptionCount);
    }

    [Fact]
    public void TrySave_TruncatedFile_CopiesTheWholeFileAsideFirst()
    {
        using var dir = new TempDir();
        var store = new ConfStore(dir.Path, new ListLogger());
        string path = store.PathFor("universe");
        string line = "uni_1_name = " + new string('x', 1000) + "\n";
        File.WriteAllText(path, string.Concat(Enumerable.Repeat(line, (ConfFile.MaxFileBytes / line.Length) + 10)));
        long size = new FileInfo(path).Length;

        ConfFile conf = store.Load("universe");
        Assert.True(conf.Truncated);
        conf.Set("uni_2_name", "Two");
        Assert.True(store.TrySave("universe", conf));

        Assert.Equal(size, new FileInfo(ConfStore.OversizeBackupPath(path)).Length);
        Assert.Equal("Two", ConfFile.Load(path).Get("uni_2_name"));
    }

    [Fact]
    public void RemoveStaleTempFiles_RemovesOnlyDeadOrOldTempFilesOfOurs()
    {
        using var dir = new TempDir();
        var store = new ConfStore(dir.Path, new ListLogger());
        const int DeadPid = 99_999_999;
        string own = AtomicFile.TempName("ola-port.conf", Environment.ProcessId, 1);
        string dead = AtomicFile.TempName("ola-universe.conf", DeadPid, 2);
        string liveYoung = AtomicFile.TempName("ola-universe.conf", 1, 3);
        string liveOld = AtomicFile.TempName("ola-server.conf", 1, 4);
        string[] keep = [liveYoung, ".ola-a.conf.tmp-1x-1", "ola-a.conf.tmp-5-1", ".ola-a.conf.tmp-5-1~", ".other.tmp-99999999-1", AtomicFile.TempName("notes.txt", DeadPid, 1)];
        foreach (string name in keep.Concat([own, dead, liveOld]))
        {
            File.WriteAllText(Path.Combine(dir.Path, name), "x");
        }

        File.SetLastWriteTimeUtc(Path.Combine(dir.Path, liveOld), DateTime.UtcNow - ConfStore.StaleTempAge - TimeSpan.FromMinutes(1));

        Assert.Equal(3, store.RemoveStaleTempFiles());
        Assert.Equal(keep.Order(StringComparer.Ordinal), Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(".ola-port.conf.tmp-12-3", true, "ola-port.conf", 12)]
    [InlineData(".ola-port.conf.tmp-12-", false, "", 0)]
    [InlineData(".ola-port.conf.tmp--3", false, "", 0)]
    [InlineData("ola-port.conf.tmp-12-3", false, "", 0)]
    [InlineData(".ola-port.conf.tmp-12-3.bak", false, "", 0)]
    [InlineData(".ola-port.conf.tmp-+12-3", false, "", 0)]
    [InlineData("..tmp-12-3", false, "", 0)]
    public void TryParseTempName_MatchesExactlyWhatAtomicFileWrites(string name, bool ok, string target, int pid)
    {
        Assert.Equal(ok, AtomicFile.TryParseTempName(name, out string t, out int p));
        Assert.Equal(target, t);
        Assert.Equal(pid, p);
    }
}
