// Licensed under the MIT License. See LICENSE in the repository root.
using System.Net;
using OlaSharp.ArtNet.Internal;
using OlaSharp.ArtNet.Packets;
using OlaSharp.Core;
using OlaSharp.Core.Plugins;

namespace OlaSharp.ArtNet.Tests;

/// <summary>
/// The sender list (on <see cref="SenderExpiryTests"/>' harness: a registered device on the fake clock). Issue 14 part 5: an Art-Net input port lists its senders one by one for the web UI (<see cref="InputPort.DescribeSenders"/>):
/// the IP, the node's ArtPollReply names when a reply from that IP was heard, packets and last-seen; senders go
/// when the merger expires them. Packets go through <see cref="ArtNetNode.Handle"/>; no socket, nothing is sent.
/// </summary>
public sealed partial class SenderExpiryTests
{
    private static byte[] PollReply(string ip, string shortName, string longName)
    {
        var f = new ArtPollReplyFields { Ip = IPAddress.Parse(ip), BindIp = IPAddress.Parse(ip), ShortName = shortName, LongName = longName, NumPorts = 1, BindIndex = 1 };
        f.PortTypes[0] = ArtPollReplyPacket.PortTypeInput;
        var buffer = new byte[ArtPollReplyPacket.Length];
        Assert.Equal(ArtPollReplyPacket.Length, ArtPollReplyPacket.Write(buffer, f));
        return buffer;
    }

    [Fact]
    public void DescribeSenders_TwoSendersOneNamedByPollReply_ListsEachWithIpNameAndPackets()
    {
        (ArtNetNode node, ArtNetDevice device) = NewDevice(new ArtNetOptions());
        Assert.True(_devices.TryPatch(device.Inputs[0], 1, out string? error), error);
        var port = (ArtNetInputPort)device.Inputs[0];

        node.Handle(PollReply("198.18.0.2", "Desk", "Desk in the booth"), From("198.18.0.2"));
        node.Handle(Dmx(0x001, 1, 100, 0), From("198.18.0.2"));
        node.Handle(Dmx(0x001, 2, 100, 0), From("198.18.0.2"));
        _time.Advance(TimeSpan.FromSeconds(2));
        node.Handle(Dmx(0x001, 1, 0, 200, 3), From("198.18.0.3"));

        IReadOnlyList<SenderInfo> senders = port.DescribeSenders();
        Assert.Equal(2, senders.Count);
        SenderInfo named = Assert.Single(senders, s => s.Address == "198.18.0.2");
        Assert.Equal("198.18.0.2", named.Id);
        Assert.Equal("Desk in the booth", named.Name); // the long name starts with the short one: one is enough
        Assert.Equal(2, named.Packets);
        Assert.Equal(2, named.Length);
        Assert.Equal(2, named.SinceLastSeen.TotalSeconds, 3);
        SenderInfo unnamed = Assert.Single(senders, s => s.Address == "198.18.0.3");
        Assert.Equal(string.Empty, unnamed.Name); // no ArtPollReply from it
        Assert.Equal(1, unnamed.Packets);
        Assert.Equal(4, unnamed.Length); // ArtDmx lengths are even: 3 slots go out as 4

        // 10 s after its last packet a sender is expired and no longer listed.
        _time.Advance(TimeSpan.FromSeconds(8.5));
        port.Expire(_time.GetTimestamp());
        Assert.Equal("198.18.0.3", Assert.Single(port.DescribeSenders()).Address);
    }

    [Theory]
    [InlineData("Desk", "Desk", "Desk")]
    [InlineData("Desk", "", "Desk")]
    [InlineData("", "Long only", "Long only")]
    [InlineData("Desk", "Desk in the booth", "Desk in the booth")]
    [InlineData("QLC+", "Laptop node", "QLC+ / Laptop node")]
    public void NodeName_ShortAndLong_CombinedWithoutRepeating(string shortName, string longName, string expected) =>
        Assert.Equal(expected, ArtNetInputPort.NodeName(shortName, longName));
}
