// Licensed under the MIT License. See LICENSE in the repository root.

namespace OlaSharp.ArtNet.Packets;

/// <summary>Art-Net OpCodes used here (Art-Net 4 spec, table 1). On the wire they are little-endian.</summary>
public enum ArtOpCode : ushort
{
    /// <summary>ArtPoll.</summary>
    Poll = 0x2000,

    /// <summary>ArtPollReply.</summary>
    PollReply = 0x2100,

    /// <summary>ArtDmx (OpOutput).</summary>
    Dmx = 0x5000,

    /// <summary>ArtSync.</summary>
    Sync = 0x5200,

    /// <summary>ArtAddress.</summary>
    Address = 0x6000,

    /// <summary>ArtIpProg.</summary>
    IpProg = 0xF800,
}
