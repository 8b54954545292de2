// Licensed under the MIT License. See LICENSE in the repository root.
using OlaSharp.Core.Conf;

namespace OlaSharp.Core.Tests.Conf;

/// <summary>Issue 14 (plugin pages): the generic settings description: values shown, posts checked and applied.</summary>
public sealed class ConfDescriptionTests
{
    private static readonly ConfDescription s_description = new(
        "test",
        [
            ConfDescriptions.Enabled(byDefault: true),
            new ConfSetting { Key = "count", Label = "Count", Help = "h", Kind = SettingKind.Number, Default = "4", Validator = new UIntValidator(0, 16) },
            new ConfSetting { Key = "mode", Label = "Mode", Help = "h", Kind = SettingKind.Choice, Default = "a", Validator = new SetValidator("a", "b") },
            new ConfSetting { Key = "token", Label = "Token", Help = "h", Secret = true, Policy = DefaultPolicy.CheckedOnUse },
            new ConfSetting { Key = "extra", Label = "Extra", Help = "h", Kind = SettingKind.Number, Default = "1", Validator = new UIntValidator(1, 9), Policy = DefaultPolicy.FixIfPresent },
        ]);

    [Fact]
    public void Values_MissingKeyShowsDefault_SecretNeverShown()
    {
        IReadOnlyList<SettingValue> values = s_description.Values(ConfFile.Parse("count = 7\ntoken = hunter2\n"));
        Assert.Equal("7", values.Single(v => v.Key == "count").Value);
        Assert.Equal("a", values.Single(v => v.Key == "mode").Value);
        SettingValue token = values.Single(v => v.Key == "token");
        Assert.Equal(string.Empty, token.Value);
        Assert.True(token.IsSet);
        Assert.Equal(["a", "b"], s_description.Find("mode")!.Choices);
        Assert.Equal(16, s_description.Find("count")!.Max);
    }

    [Fact]
    public void Edit_EveryBadValueReported_OriginalUntouched_UnknownKeysKept()
    {
        ConfFile conf = ConfFile.Parse("count = 3\nmine = kept\n");
        ConfEdit edit = s_description.Edit(conf, [new("count", ["17"]), new("mode", ["c"]), new("enabled", ["yes"]), new("nope", ["1"])]);

        Assert.Equal(4, edit.Errors.Count);
        Assert.Equal("'17' is not an integer 0..16", edit.Errors["count"]);
        Assert.Equal("'c' is not one of a, b", edit.Errors["mode"]);
        Assert.Equal("'yes' is not true or false", edit.Errors["enabled"]);
        Assert.Equal("not a setting of this plugin", edit.Errors["nope"]);
        Assert.Equal("3", conf.Get("count"));

        ConfEdit good = s_description.Edit(conf, [new("count", [" 5 "]), new("id", ["1"])]);
        Assert.True(good.Ok);
        Assert.Equal("5", good.File.Get("count"));
        Assert.Equal("kept", good.File.Get("mine"));
    }

    [Fact]
    public void Edit_Secret_EmptyKeeps_ValueReplaces_ClearRemoves()
    {
        ConfFile conf = ConfFile.Parse("token = old\n");
        Assert.Equal("old", s_description.Edit(conf, [new("token", [string.Empty])]).File.Get("token"));
        Assert.Equal("new", s_description.Edit(conf, [new("token", ["new"])]).File.Get("token"));
        Assert.False(s_description.Edit(conf, [new(ConfDescription.ClearKey, ["token"])]).File.Contains("token"));
        Assert.Equal("cannot be cleared, only changed", s_description.Edit(conf, [new(ConfDescription.ClearKey, ["count"])]).Errors["count"]);
    }

    [Fact]
    public void Edit_ValueOnTwoLines_Refused()
    {
        Assert.Equal("a value must be on one line", s_description.Edit(new ConfFile(), [new("token", ["a\nb = c"])]).Errors["token"]);
    }

    [Fact]
    public void ApplyDefaults_FollowsEachPolicy_LeavesEnabledToThePluginBase()
    {
        ConfFile conf = ConfFile.Parse("extra = 0\n");
        Assert.True(s_description.ApplyDefaults(conf));
        Assert.Equal("4", conf.Get("count"));
        Assert.Equal("a", conf.Get("mode"));
        Assert.Equal("1", conf.Get("extra"));
        Assert.False(conf.Contains("token"));
        Assert.False(conf.Contains("enabled"));
    }
}
