// Licensed under the MIT License. See LICENSE in the repository root.
using Microsoft.Extensions.Logging;
using OlaSharp.Core.Conf;
using OlaSharp.Core.Tests.Conf;

namespace OlaSharp.Standby.Tests;

public class StandbyConfTests
{
    private const string SacnCid = "00010203-0405-0607-0809-0a0b0c0d0e0f";

    [Fact]
    public void Read_EmptyFile_DisabledWithDefaultsWritten()
    {
        ConfFile file = ConfFile.Parse(string.Empty);
        StandbySettings s = StandbyConf.Read(file, SacnCid, out bool changed);
        Assert.True(changed);
        Assert.False(s.Enabled);
        Assert.Equal("false", file.Get("enabled"));
        Assert.Equal("50", file.Get("heartbeat_ms"));
        Assert.Equal("500", file.Get("takeover_ms"));
        Assert.Equal("5570", file.Get("port"));
        Assert.Equal("0", file.Get("sacn_standby_priority"));
        Assert.Equal(SacnCid, StandbySettings.FormatCid(s.Cid));
    }

    [Fact]
    public void Read_PartnerAddress_UnicastSettings()
    {
        ConfFile file = ConfFile.Parse("enabled = true\npartner = 198.18.0.2\nrole = backup\nheartbeat_ms = 20\ntakeover_ms = 300\nfailback = auto\nsacn_standby_priority = 50\n");
        StandbySettings s = StandbyConf.Read(file, SacnCid, out _);
        Assert.True(s.Enabled);
        Assert.Equal(IPAddress.Parse("198.18.0.2"), s.PartnerAddress);
        Assert.Null(s.PartnerPort);
        Assert.Null(s.PartnerCid);
        Assert.Equal(ConfRole.Backup, s.ConfRole);
        Assert.Equal(TimeSpan.FromMilliseconds(20), s.Heartbeat);
        Assert.Equal(TimeSpan.FromMilliseconds(300), s.Takeover);
        Assert.True(s.AutoFailback);
        Assert.Equal(50, s.SacnStandbyPriority);
    }

    [Fact]
    public void Read_PartnerCidAndPort_Parsed()
    {
        StandbySettings byCid = StandbyConf.Read(ConfFile.Parse("enabled = true\npartner = " + SacnCid.ToUpperInvariant()), null, out _);
        Assert.True(byCid.Enabled);
        Assert.Equal(SacnCid, StandbySettings.FormatCid(byCid.PartnerCid!.Value));
        StandbySettings withPort = StandbyConf.Read(ConfFile.Parse("enabled = true\npartner = 127.0.0.1:6000"), null, out _);
        Assert.Equal(6000, withPort.PartnerPort);
    }

    [Theory]
    [InlineData("heartbeat_ms", "5", "50")]
    [InlineData("heartbeat_ms", "101", "50")]
    [InlineData("takeover_ms", "1000", "500")]
    [InlineData("takeover_ms", "abc", "500")]
    [InlineData("role", "leader", "primary")]
    [InlineData("failback", "sometimes", "manual")]
    [InlineData("sacn_standby_priority", "201", "0")]
    [InlineData("port", "70000", "5570")]
    public void Read_BadValue_WarnsAndUsesDefault(string key, string value, string expected)
    {
        var logger = new ListLogger();
        ConfFile file = ConfFile.Parse($"enabled = true\npartner = 198.18.0.2\n{key} = {value}\n", "ola-standby.conf", logger);
        StandbySettings s = StandbyConf.Read(file, SacnCid, out bool changed);
        Assert.True(changed);
        Assert.True(s.Enabled);
        Assert.Equal(expected, file.Get(key));
        Assert.Contains(logger.AtLevel(LogLevel.Warning), e => e.Message.Contains(key, StringComparison.Ordinal) && e.Message.Contains(value, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("partner = not-a-host")]
    [InlineData("partner = 1.2.3")]
    [InlineData("")]
    public void Read_EnabledWithoutValidPartner_WarnsAndRunsStandalone(string line)
    {
        var logger = new ListLogger();
        StandbySettings s = StandbyConf.Read(ConfFile.Parse("enabled = true\n" + line, "ola-standby.conf", logger), SacnCid, out _);
        Assert.False(s.Enabled);
        Assert.Contains(logger.AtLevel(LogLevel.Warning), e => e.Message.Contains("partner", StringComparison.Ordinal));
    }

    [Fact]
    public void Read_NoSacnCid_GeneratesOwnIdOnceAndKeepsIt()
    {
        ConfFile file = ConfFile.Parse(string.Empty);
        StandbySettings first = StandbyConf.Read(file, null, out bool changed);
        Assert.True(changed);
        StandbySettings second = StandbyConf.Read(ConfFile.Parse(file.Serialize()), "not a uuid", out _);
        Assert.Equal(first.Cid, second.Cid);
        Assert.NotEqual(UInt128.Zero, first.Cid);
    }

    [Fact]
    public void Settings_EveryKeyHasItsDefaultValid()
    {
        foreach (ConfSetting setting in StandbyConf.Settings.Settings)
        {
            if (setting.Policy == DefaultPolicy.Insert)
            {
                Assert.True(setting.Validator.IsValid(setting.Default), setting.Key);
            }
        }
    }
}
