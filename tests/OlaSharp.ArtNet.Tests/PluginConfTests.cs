// Licensed under the MIT License. See LICENSE in the repository root.
using System.Net;
using OlaSharp.Core.Conf;
using OlaSharp.Udp;

namespace OlaSharp.ArtNet.Tests;

public sealed class PluginConfTests
{
    [Fact]
    public void ApplyDefaults_EmptyFile_WritesOladKeysWithOladDefaults()
    {
        var conf = new ConfFile();
        Assert.True(ArtNetPlugin.ApplyDefaults(conf));
        Assert.Equal(string.Empty, conf.Get("ip"));
        Assert.Equal("0", conf.Get("net"));
        Assert.Equal("0", conf.Get("subnet"));
        Assert.Equal("4", conf.Get("output_ports"));
        Assert.Equal("OLA - ArtNet node", conf.Get("short_name"));
        Assert.Equal("OLA - ArtNet node", conf.Get("long_name"));
        Assert.Equal("false", conf.Get("always_broadcast"));
        Assert.Equal("false", conf.Get("use_limited_broadcast"));
        Assert.Equal("false", conf.Get("use_loopback"));
        Assert.Equal("4", conf.Get("input_ports"));
        Assert.Equal("htp", conf.Get("merge_mode"));
        Assert.Equal("false", conf.Get("send_artsync"));
        Assert.Equal("ola", conf.Get("universe_mapping"));
        Assert.False(ArtNetPlugin.ApplyDefaults(conf));
    }

    [Theory]
    [InlineData("net", "200", "0")]
    [InlineData("subnet", "16", "0")]
    [InlineData("output_ports", "17", "4")]
    [InlineData("always_broadcast", "TRUE", "false")]
    [InlineData("merge_mode", "max", "htp")]
    [InlineData("net", "127", "127")]
    [InlineData("output_ports", "16", "16")]
    public void ApplyDefaults_InvalidValue_ReplacedLikeOlad(string key, string value, string expected)
    {
        ConfFile conf = ConfFile.Parse($"{key} = {value}\n");
        ArtNetPlugin.ApplyDefaults(conf);
        Assert.Equal(expected, conf.Get(key));
    }

    [Fact]
    public void OptionsFrom_ReadsEveryKey()
    {
        ConfFile conf = ConfFile.Parse("net = 3\nsubnet = 2\noutput_ports = 16\ninput_ports = 40\nshort_name = s\nlong_name = l\nalways_broadcast = true\nuse_limited_broadcast = true\nmerge_mode = ltp\nsend_artsync = true\nuniverse_mapping = direct\noutput_hz = 30\n");
        ArtNetPlugin.ApplyDefaults(conf);
        var nic = new InterfaceChoice("eth0", IPAddress.Parse("198.18.0.2"), IPAddress.Parse("198.18.0.255"), new byte[6], false);
        ArtNetOptions o = ArtNetPlugin.OptionsFrom(conf, nic);
        Assert.Equal(3, o.Net);
        Assert.Equal(2, o.Subnet);
        Assert.Equal(16, o.OutputPorts);
        Assert.Equal(40, o.InputPorts);
        Assert.Equal("s", o.ShortName);
        Assert.Equal("l", o.LongName);
        Assert.True(o.AlwaysBroadcast);
        Assert.True(o.UseLimitedBroadcast);
        Assert.Equal(ArtNetMergeMode.Ltp, o.MergeMode);
        Assert.True(o.SendArtSync);
        Assert.Equal(UniverseMapping.Direct, o.Mapping);
        Assert.Equal(30, o.OutputHz);
        Assert.Equal(IPAddress.Parse("198.18.0.255"), o.BroadcastAddress);
    }

    [Fact]
    public void DirectedBroadcast_FromMask()
    {
        Assert.Equal(IPAddress.Parse("198.18.0.255"), InterfacePicker.DirectedBroadcast(IPAddress.Parse("198.18.0.2"), IPAddress.Parse("255.255.255.0")));
        Assert.Equal(IPAddress.Parse("10.255.255.255"), InterfacePicker.DirectedBroadcast(IPAddress.Parse("10.1.2.3"), IPAddress.Parse("255.0.0.0")));
    }
}
