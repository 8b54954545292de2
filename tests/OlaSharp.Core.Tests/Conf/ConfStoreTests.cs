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
    public void EnsureDirectory_ParentMissing_ThrowsNamingTheParent()
    {
        using var dir = new TempDir();
        string parent = Path.Combine(dir.Path, "missing");
        var store = new ConfStore(Path.Combine(parent, ".ola"));

        DirectoryNotFoundException ex = Assert.Throws<DirectoryNotFoundException>(() => store.EnsureDirectory());

        Assert.Contains(parent, ex.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(parent));
    }
}
