// Licensed under the MIT License. See LICENSE in the repository root.
using System.Net;
using OlaSharp.Core.Conf;
using OlaSharp.Tests.Shared;

namespace OlaSharp.Sacn.Tests;

/// <summary>
/// Issue 14 (plugin pages): the settings page's description of <c>ola-e131.conf</c> is the reader's own
/// rules: every key the reader writes is described and the page refuses what the reader replaces, in its
/// words (the per-output-port keys included).
/// </summary>
public sealed class ConfDescriptionTests
{
    [Fact]
    public void Description_EveryKeyTheReaderWritesIsDescribed()
    {
        var conf = new ConfFile();
        Assert.True(SacnPlugin.ApplyDefaults(conf));
        ConfDescriptionAgreement.AssertDescribed(SacnPlugin.Settings, conf);
        Assert.Equal(14, conf.Count);
    }

    [Fact]
    public void Description_RefusesWhatTheReaderReplaces_SameWords()
    {
        ConfDescriptionAgreement.AssertReaderAgrees(SacnPlugin.Settings, "Output port 1", string.Empty, text =>
        {
            var log = new ConfWarningTests.RecordingLogger();
            ConfFile conf = ConfFile.Parse(text, "ola-e131.conf", log);
            SacnPlugin.ApplyDefaults(conf);
            SacnPlugin.OptionsFrom(conf, IPAddress.Parse("198.18.0.1"), "host", "OLA Server");
            return log.Warnings;
        });
    }

    [Fact]
    public void Edit_PortKeys_NamedByOutputPort_ReadBackPerPort()
    {
        ConfFile conf = ConfFile.Parse("output_ports = 2\n");
        ConfEdit edit = SacnPlugin.Settings.Edit(conf, [new("output_1_unicast", ["127.0.0.1:6000, 127.0.0.2"]), new("output_0_sync_address", ["7"]), new("sync_address", ["9"])]);

        Assert.True(edit.Ok, string.Join("; ", edit.Errors));
        SacnOptions o = SacnPlugin.OptionsFrom(edit.File, IPAddress.Parse("198.18.0.1"), "host", "OLA Server");
        Assert.Equal(7, o.SyncAddressOf(0));
        Assert.Equal(9, o.SyncAddressOf(1));
        Assert.Equal([new IPEndPoint(IPAddress.Loopback, 6000), new IPEndPoint(IPAddress.Parse("127.0.0.2"), 5568)], o.PortUnicastDestinations[1]);
    }

    [Fact]
    public void Edit_PortKeyBeyondOutputPorts_Refused_UnlessOutputPortsGrowsInTheSamePost()
    {
        ConfFile conf = ConfFile.Parse("output_ports = 2\n");
        Assert.False(SacnPlugin.Settings.Edit(conf, [new("output_4_sync_address", ["3"])]).Ok);
        Assert.True(SacnPlugin.Settings.Edit(conf, [new("output_4_sync_address", ["3"]), new("output_ports", ["5"])]).Ok);
    }

    [Fact]
    public void Values_PerPortFieldsForEachOutputPort()
    {
        ConfFile conf = ConfFile.Parse("output_ports = 3\noutput_2_unicast = 127.0.0.1\n");
        IReadOnlyList<SettingValue> values = SacnPlugin.Settings.Values(conf);
        Assert.Equal(6, values.Count(v => v.Device is not null));
        SettingValue unicast = Assert.Single(values, v => v.Key == "output_2_unicast");
        Assert.Equal("Output port 2", unicast.Device);
        Assert.Equal(["127.0.0.1"], unicast.Items);
    }
}
