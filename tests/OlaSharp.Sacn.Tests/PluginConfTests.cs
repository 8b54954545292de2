// Licensed under the MIT License. See LICENSE in the repository root.
using System.Net;
using OlaSharp.Core.Conf;
using OlaSharp.Sacn.Packets;

namespace OlaSharp.Sacn.Tests;

public sealed class PluginConfTests
{
    [Fact]
    public void ApplyDefaults_EmptyFile_WritesOladKeysWithOladDefaultsAndACid()
    {
        var conf = new ConfFile();
        Assert.True(SacnPlugin.ApplyDefaults(conf));
        Assert.True(SacnRootLayer.TryParseCid(conf.Get("cid"), out _));
        Assert.Equal("false", conf.Get("draft_discovery"));
        Assert.Equal("0", conf.Get("dscp"));
        Assert.Equal("true", conf.Get("ignore_preview"));
        Assert.Equal("5", conf.Get("input_ports"));
        Assert.Equal(string.Empty, conf.Get("ip"));
        Assert.Equal("5", conf.Get("output_ports"));
        Assert.Equal("true", conf.Get("prepend_hostname"));
        Assert.Equal("0.46", conf.Get("revision"));
        Assert.Equal("44", conf.Get("output_hz"));
        Assert.Equal("0", conf.Get("sync_address"));
        Assert.Equal("true", conf.Get("per_address_priority"));
        string? cid = conf.Get("cid");
        Assert.False(SacnPlugin.ApplyDefaults(conf));
        Assert.Equal(cid, conf.Get("cid"));
    }

    [Fact]
    public void ApplyDefaults_OladFreshFile_KeepsItsCid()
    {
        ConfFile conf = ConfFile.Parse("cid = 2085e2a8-cfce-44e4-8446-aa7a7d957db3\ndraft_discovery = false\ndscp = 0\nenabled = true\nignore_preview = true\ninput_ports = 5\nip = \noutput_ports = 5\nprepend_hostname = true\nrevision = 0.46\n");
        SacnPlugin.ApplyDefaults(conf);
        Assert.Equal("2085e2a8-cfce-44e4-8446-aa7a7d957db3", conf.Get("cid"));
    }

    [Theory]
    [InlineData("cid", "nope", null)]
    [InlineData("dscp", "64", "0")]
    [InlineData("input_ports", "4097", "5")]
    [InlineData("input_ports", "4096", "4096")]
    [InlineData("revision", "1.0", "0.46")]
    [InlineData("dscp", "63", "63")]
    [InlineData("output_ports", "512", "512")]
    public void ApplyDefaults_InvalidValue_ReplacedLikeOlad(string key, string value, string? expected)
    {
        ConfFile conf = ConfFile.Parse($"{key} = {value}\n");
        SacnPlugin.ApplyDefaults(conf);
        if (expected is null)
        {
            Assert.NotEqual(value, conf.Get(key));
        }
        else
        {
            Assert.Equal(expected, conf.Get(key));
        }
    }

    [Fact]
    public void OptionsFrom_ReadsEveryKey()
    {
        ConfFile conf = ConfFile.Parse("cid = 00010203-0405-0607-0809-0a0b0c0d0e0f\ndscp = 46\nignore_preview = false\ninput_ports = 7\noutput_ports = 9\nprepend_hostname = false\noutput_hz = 30\nsync_address = 7000\noutput_2_unicast = 198.18.0.9\nunicast_destinations = 198.18.0.2, 198.18.0.3:6000, junk\n");
        SacnPlugin.ApplyDefaults(conf);
        SacnOptions o = SacnPlugin.OptionsFrom(conf, IPAddress.Parse("198.18.0.1"), "host", "OLA Server");
        Assert.Equal(new UInt128(0x0001020304050607, 0x08090a0b0c0d0e0f), o.Cid);
        Assert.Equal(46, o.Dscp);
        Assert.False(o.IgnorePreview);
        Assert.Equal(7, o.InputPorts);
        Assert.Equal(9, o.OutputPorts);
        Assert.Equal("OLA Server", o.SourceName);
        Assert.Equal(30, o.OutputHz);
        Assert.Equal(7000, o.SyncAddress);
        Assert.Equal([IPEndPoint.Parse("198.18.0.9:5568")], o.PortUnicastDestinations[2]);
        Assert.False(o.PortUnicastDestinations.ContainsKey(0));
        Assert.Equal([IPEndPoint.Parse("198.18.0.2:5568"), IPEndPoint.Parse("198.18.0.3:6000")], o.UnicastDestinations);

        conf.Set("prepend_hostname", "true");
        Assert.Equal("host-OLA Server", SacnPlugin.OptionsFrom(conf, IPAddress.Parse("198.18.0.1"), "host", "OLA Server").SourceName);
    }

    [Fact]
    public void OptionsFrom_PortSyncAddressesAndPerAddressPriority()
    {
        ConfFile conf = ConfFile.Parse("sync_address = 7000\noutput_1_sync_address = 7001\noutput_2_sync_address = 0\noutput_3_sync_address = 64000\noutput_4_sync_address = x\nper_address_priority = false\n");
        SacnPlugin.ApplyDefaults(conf);
        SacnOptions o = SacnPlugin.OptionsFrom(conf, IPAddress.Parse("198.18.0.1"), "host", "OLA Server");
        Assert.False(o.SendPerAddressPriority);
        Assert.Equal(7000, o.SyncAddressOf(0));
        Assert.Equal(7001, o.SyncAddressOf(1));
        Assert.Equal(0, o.SyncAddressOf(2));
        Assert.Equal(7000, o.SyncAddressOf(3)); // out of range: ignored
        Assert.Equal(7000, o.SyncAddressOf(4)); // not a number: ignored
    }

    [Fact]
    public void ConfSample_IsCompleteAndReadable()
    {
        string path = Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "conf", "ola-e131.conf");
        ConfFile conf = ConfFile.Load(path);
        Assert.False(SacnPlugin.ApplyDefaults(conf)); // every default key is there and valid
        conf.Set("output_1_sync_address", "7001");
        SacnOptions o = SacnPlugin.OptionsFrom(conf, IPAddress.Parse("198.18.0.1"), "host", "OLA Server");
        Assert.Equal(0, o.SyncAddressOf(0));
        Assert.Equal(7001, o.SyncAddressOf(1));
        Assert.True(o.SendPerAddressPriority);
    }
}
