// Licensed under the MIT License. See LICENSE in the repository root.
using Microsoft.Extensions.Logging;
using OlaSharp.Core.Conf;
using OlaSharp.Tests.Shared;

namespace OlaSharp.ArtNet.Tests;

/// <summary>
/// Issue 14 (plugin pages): the settings page's description of <c>ola-artnet.conf</c> is the reader's own
/// rules: every key the reader writes is described and the page refuses what the reader replaces, in its words.
/// </summary>
public sealed class ConfDescriptionTests
{
    [Fact]
    public void Description_EveryKeyTheReaderWritesIsDescribed()
    {
        var conf = new ConfFile();
        Assert.True(ArtNetPlugin.ApplyDefaults(conf));
        ConfDescriptionAgreement.AssertDescribed(ArtNetPlugin.Settings, conf);
        Assert.Equal(14, conf.Count);
    }

    [Fact]
    public void Description_RefusesWhatTheReaderReplaces_SameWords()
    {
        ConfDescriptionAgreement.AssertReaderAgrees(ArtNetPlugin.Settings, null, string.Empty, text =>
        {
            var log = new ListLogger();
            ConfFile conf = ConfFile.Parse(text, "ola-artnet.conf", log);
            ArtNetPlugin.ApplyDefaults(conf);
            return [.. log.Entries.Where(e => e.Level == LogLevel.Warning).Select(e => e.Message)];
        });
    }

    [Fact]
    public void Edit_IpOfNoInterface_RefusedWithTheReadersWords()
    {
        var log = new ListLogger();
        ConfFile conf = ConfFile.Parse("ip = 203.0.113.77\n", "ola-artnet.conf", log);
        ArtNetPlugin.PickInterface(conf);
        string warning = Assert.Single(log.Entries, e => e.Level == LogLevel.Warning).Message;

        ConfEdit edit = ArtNetPlugin.Settings.Edit(new ConfFile(), [new("ip", ["203.0.113.77"])]);
        Assert.Contains(edit.Errors["ip"], warning, StringComparison.Ordinal);

        // Loopback is an interface of this host only with use_loopback, as the reader picks it.
        Assert.False(ArtNetPlugin.Settings.Edit(new ConfFile(), [new("ip", ["127.0.0.1"])]).Ok);
        Assert.True(ArtNetPlugin.Settings.Edit(new ConfFile(), [new("ip", ["127.0.0.1"]), new("use_loopback", ["true"])]).Ok);
    }

    [Fact]
    public void Edit_NetAndSubnet_ReadIntoThePortAddress()
    {
        ConfEdit edit = ArtNetPlugin.Settings.Edit(new ConfFile(), [new("net", ["3"]), new("subnet", ["7"]), new("universe_mapping", ["direct"])]);
        Assert.True(edit.Ok);
        ArtNetOptions o = ArtNetPlugin.OptionsFrom(edit.File, new Udp.InterfaceChoice("lo", System.Net.IPAddress.Loopback, System.Net.IPAddress.Loopback, new byte[6], true));
        Assert.Equal((3 << 8) | (7 << 4) + 1, o.PortAddress(1));
    }
}
