// Licensed under the MIT License. See LICENSE in the repository root.
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using OlaSharp.Core.Conf;

namespace OlaSharp.Core.Tests.Conf;

/// <summary>Issue 17: the failsafe, scenes and startup scene in ola-universe.conf (our keys), round trip and bad values.</summary>
public sealed class UniverseFailsafeConfTests : IDisposable
{
    private readonly FakeTimeProvider _time = new();
    private readonly TempDir _dir = new();
    private readonly ListLogger _log = new();

    public void Dispose() => _dir.Dispose();

    private string ConfText => File.ReadAllText(_dir.File("ola-universe.conf"));

    [Fact]
    public void RoundTrip_ScenesFailsafeStartup_RestoredOnCreation()
    {
        var first = new UniverseRegistry(_time);
        using (new UniverseSettingsStore(first, new ConfStore(_dir.Path, _log)))
        {
            Universe u = first.GetOrCreate(3);
            DmxSource a = u.AddSource("a", "olarpc", Timeout.InfiniteTimeSpan);
            u.Update(a, [0, 128, 255]);
            Assert.True(u.CaptureScene("warm").Ok);
            u.Update(a, [10]);
            Assert.True(u.CaptureScene("boot-1").Ok);
            Assert.True(u.SetFailsafe(new FailsafeSettings(LossPolicy.Scene, TimeSpan.FromSeconds(60), "warm")).Ok);
            Assert.True(u.SetStartupScene("boot-1").Ok);
        }

        string text = ConfText;
        Assert.Contains("uni_3_failsafe = scene\n", text, StringComparison.Ordinal);
        Assert.Contains("uni_3_failsafe_after_ms = 60000\n", text, StringComparison.Ordinal);
        Assert.Contains("uni_3_failsafe_scene = warm\n", text, StringComparison.Ordinal);
        Assert.Contains("uni_3_startup_scene = boot-1\n", text, StringComparison.Ordinal);
        Assert.Contains("uni_3_scene_warm = 0,128,255\n", text, StringComparison.Ordinal);
        Assert.Contains("uni_3_scene_boot-1 = 10\n", text, StringComparison.Ordinal);

        var second = new UniverseRegistry(_time);
        using var store = new UniverseSettingsStore(second, new ConfStore(_dir.Path, _log));
        Universe again = second.GetOrCreate(3);
        Assert.Equal(new FailsafeSettings(LossPolicy.Scene, TimeSpan.FromSeconds(60), "warm"), again.Failsafe);
        Assert.True(again.FailsafeConfigured);
        Assert.Equal("boot-1", again.StartupScene);
        Assert.Equal(new byte[] { 10 }, again.GetMergedCopy());
        Assert.True(again.GetFailsafeStatus().StartupSceneShown);
        Assert.Equal(["boot-1", "warm"], again.GetScenes().Select(s => s.Name));
        Assert.Empty(_log.AtLevel(LogLevel.Warning));

        // Deleting a scene and clearing the failsafe remove their keys (at once, atomically).
        again.SetStartupScene(null);
        again.SetFailsafe(new FailsafeSettings(LossPolicy.Blackout));
        Assert.True(again.DeleteScene("boot-1").Ok);
        text = ConfText;
        Assert.DoesNotContain("uni_3_scene_boot-1", text, StringComparison.Ordinal);
        Assert.DoesNotContain("uni_3_startup_scene", text, StringComparison.Ordinal);
        Assert.DoesNotContain("uni_3_failsafe_after_ms", text, StringComparison.Ordinal);
        Assert.DoesNotContain("uni_3_failsafe_scene", text, StringComparison.Ordinal);
        Assert.Contains("uni_3_failsafe = blackout\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void NoFailsafeKey_ServerDefaultApplies_AndIsNotWritten()
    {
        File.WriteAllText(_dir.File("ola-universe.conf"), "uni_1_name = Stage\n");
        var registry = new UniverseRegistry(_time, LossPolicy.Full);
        using var store = new UniverseSettingsStore(registry, new ConfStore(_dir.Path, _log));
        Universe u = registry.GetOrCreate(1);
        Assert.Equal(LossPolicy.Full, u.Failsafe.Mode);
        Assert.False(u.FailsafeConfigured);
        u.Name = "Stage left";
        Assert.DoesNotContain("failsafe", ConfText, StringComparison.Ordinal);
        Assert.Contains("uni_1_name = Stage left", ConfText, StringComparison.Ordinal);
    }

    [Fact]
    public void BadValues_OneWarningEach_NamingKeyValueExpectedAndUsed()
    {
        File.WriteAllText(_dir.File("ola-universe.conf"), string.Join('\n',
            "uni_1_failsafe = sometimes",
            "uni_1_failsafe_after_ms = -5",
            "uni_1_scene_ok = 1,2,3",
            "uni_1_scene_bad = 1,300",
            "uni_1_scene_long = " + string.Join(',', Enumerable.Repeat("0", 513)),
            "uni_1_scene_a.b = 1",
            "uni_1_startup_scene = missing",
            "uni_2_failsafe = scene",
            "uni_2_failsafe_scene = ghost",
            string.Empty));
        var registry = new UniverseRegistry(_time, LossPolicy.Blackout);
        using var store = new UniverseSettingsStore(registry, new ConfStore(_dir.Path, _log));

        Universe u1 = registry.GetOrCreate(1);
        Universe u2 = registry.GetOrCreate(2);

        Assert.Equal(new FailsafeSettings(LossPolicy.Blackout), u1.Failsafe);
        Assert.Null(u1.StartupScene);
        Assert.Equal(["ok"], u1.GetScenes().Select(s => s.Name));
        Assert.Equal(new FailsafeSettings(LossPolicy.Blackout), u2.Failsafe);
        string[] warnings = [.. _log.AtLevel(LogLevel.Warning).Select(e => e.Message)];
        Assert.Equal(7, warnings.Length);
        Assert.Contains(warnings, w => w.Contains("uni_1_failsafe = 'sometimes'", StringComparison.Ordinal) && w.Contains("hold, blackout, full or scene", StringComparison.Ordinal) && w.Contains("server default (blackout)", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Contains("uni_1_failsafe_after_ms = '-5'", StringComparison.Ordinal) && w.Contains("milliseconds", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Contains("uni_1_scene_bad = '1,300'", StringComparison.Ordinal) && w.Contains("0-255", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Contains("uni_1_scene_long", StringComparison.Ordinal) && w.Contains("1 to 512", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Contains("uni_1_scene_a.b", StringComparison.Ordinal) && w.Contains("scene name", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Contains("uni_1_startup_scene = 'missing'", StringComparison.Ordinal) && w.Contains("no startup scene", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Contains("uni_2_failsafe_scene = 'ghost'", StringComparison.Ordinal) && w.Contains("blackout", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("0", new byte[] { 0 })]
    [InlineData(" 1, 2 ,255", new byte[] { 1, 2, 255 })]
    public void TryParseSlots_Valid(string text, byte[] expected)
    {
        Assert.True(UniverseSettingsStore.TryParseSlots(text, out byte[]? slots));
        Assert.Equal(expected, slots);
    }

    [Theory]
    [InlineData("")]
    [InlineData("1,,2")]
    [InlineData("256")]
    [InlineData("-1")]
    [InlineData("0x10")]
    public void TryParseSlots_Invalid(string text) =>
        Assert.False(UniverseSettingsStore.TryParseSlots(text, out _));
}
