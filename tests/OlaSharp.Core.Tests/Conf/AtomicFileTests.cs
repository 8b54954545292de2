// Licensed under the MIT License. See LICENSE in the repository root.
using System.Runtime.Versioning;
using OlaSharp.Core.Conf;

namespace OlaSharp.Core.Tests.Conf;

// Unix permission bits are part of what is tested.
[UnsupportedOSPlatform("windows")]
public sealed class AtomicFileTests
{
    private const UnixFileMode Mode0644 =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    [Fact]
    public void WriteAllText_NewFile_WholeContentAndNoTempFileLeft()
    {
        using var dir = new TempDir();
        string path = dir.File("ola-test.conf");

        AtomicFile.WriteAllText(path, "a = 1\n");

        Assert.Equal("a = 1\n", File.ReadAllText(path));
        Assert.Equal(["ola-test.conf"], Directory.GetFiles(dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void WriteAllText_NewFile_Mode0644LessUmask()
    {
        using var dir = new TempDir();
        string path = dir.File("ola-test.conf");

        AtomicFile.WriteAllText(path, "a = 1\n");

        UnixFileMode mode = File.GetUnixFileMode(path);
        Assert.Equal((UnixFileMode)0, mode & ~Mode0644);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, mode & (UnixFileMode.UserRead | UnixFileMode.UserWrite));
    }

    [Theory]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.UserWrite)]
    [InlineData(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite)]
    public void WriteAllText_ExistingFile_ModePreserved(UnixFileMode mode)
    {
        using var dir = new TempDir();
        string path = dir.File("ola-test.conf");
        File.WriteAllText(path, "old\n");
        File.SetUnixFileMode(path, mode);

        AtomicFile.WriteAllText(path, "new\n");

        Assert.Equal("new\n", File.ReadAllText(path));
        Assert.Equal(mode, File.GetUnixFileMode(path));
    }

    [Fact]
    public void WriteAllText_ExistingLongerFile_FullyReplaced()
    {
        using var dir = new TempDir();
        string path = dir.File("ola-test.conf");
        File.WriteAllText(path, new string('x', 10_000));

        AtomicFile.WriteAllText(path, "short\n");

        Assert.Equal("short\n", File.ReadAllText(path));
    }

    [Fact]
    public void WriteAllText_TargetIsDirectory_ThrowsAndDeletesTempFile()
    {
        using var dir = new TempDir();
        string path = dir.File("ola-test.conf");
        Directory.CreateDirectory(path);
        File.WriteAllText(Path.Combine(path, "inside"), "keep");

        Assert.ThrowsAny<IOException>(() => AtomicFile.WriteAllText(path, "a = 1\n"));

        Assert.Empty(Directory.GetFiles(dir.Path));
        Assert.Equal("keep", File.ReadAllText(Path.Combine(path, "inside")));
    }

    [Fact]
    public void WriteAllText_MissingDirectory_Throws()
    {
        using var dir = new TempDir();

        Assert.Throws<DirectoryNotFoundException>(() => AtomicFile.WriteAllText(dir.File("nope/ola-test.conf"), "a = 1\n"));
    }

    [Fact]
    public void WriteAllText_Symlink_ReplacesTargetAndKeepsLink()
    {
        using var dir = new TempDir();
        string target = dir.File("real.conf");
        string link = dir.File("ola-test.conf");
        File.WriteAllText(target, "old\n");
        File.CreateSymbolicLink(link, target);

        AtomicFile.WriteAllText(link, "new\n");

        Assert.Equal("new\n", File.ReadAllText(target));
        Assert.NotNull(new FileInfo(link).LinkTarget);
    }

    [Fact]
    public void WriteAllText_ConcurrentReader_SeesOnlyWholeOldOrNewContent()
    {
        using var dir = new TempDir();
        string path = dir.File("ola-test.conf");

        // Large enough (~200 KB) that a non-atomic rewrite would be caught half-written.
        string contentA = string.Concat(Enumerable.Range(0, 8000).Select(i => $"key_{i:D5} = a\n"));
        string contentB = string.Concat(Enumerable.Range(0, 9000).Select(i => $"key_{i:D5} = bb\n"));
        AtomicFile.WriteAllText(path, contentA);

        using var stop = new CancellationTokenSource();
        int reads = 0;
        var bad = new List<int>();
        var reader = new Thread(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                string seen = File.ReadAllText(path);
                if (seen != contentA && seen != contentB)
                {
                    lock (bad)
                    {
                        bad.Add(seen.Length);
                    }
                }

                Interlocked.Increment(ref reads);
            }
        });
        reader.Start();

        for (int i = 0; i < 200; i++)
        {
            AtomicFile.WriteAllText(path, i % 2 == 0 ? contentB : contentA);
        }

        // Let the reader overlap at least a few writes, even on a slow machine.
        SpinWait.SpinUntil(() => Volatile.Read(ref reads) >= 10, TimeSpan.FromSeconds(10));
        stop.Cancel();
        Assert.True(reader.Join(TimeSpan.FromSeconds(30)));

        Assert.Empty(bad);
        Assert.True(reads >= 10, $"reader only completed {reads} reads");
        Assert.Equal(contentA, File.ReadAllText(path));
        Assert.Equal(["ola-test.conf"], Directory.GetFiles(dir.Path).Select(Path.GetFileName));
    }
}
