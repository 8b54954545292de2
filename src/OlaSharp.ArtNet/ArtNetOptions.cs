// Licensed under the MIT License. See LICENSE in the repository root.

namespace OlaSharp.ArtNet;

/// <summary>How Art-Net Port-Addresses are derived from OLA universe numbers.</summary>
public enum UniverseMapping
{
    /// <summary>olad's: <c>net&lt;&lt;8 | subnet&lt;&lt;4 | (universe % 16)</c> (universes 1 and 17 share 0:0:1).</summary>
    Ola = 0,

    /// <summary>Ours: <c>(net&lt;&lt;8 | subnet&lt;&lt;4) + universe</c>, the full 15-bit range (universe 17 is 0:1:1).</summary>
    Direct = 1,
}

/// <summary>Settings of an Art-Net node (from <c>ola-artnet.conf</c>, or set directly by tests).</summary>
public sealed class ArtNetOptions
{
    /// <summary>Address to bind and announce.</summary>
    public IPAddress BindAddress { get; set; } = IPAddress.Loopback;

    /// <summary>Local UDP port (6454; tests use 0).</summary>
    public int Port { get; set; } = Packets.ArtNetHeader.Port;

    /// <summary>Where broadcasts go (directed broadcast, 255.255.255.255, or the bind address on loopback).</summary>
    public IPAddress BroadcastAddress { get; set; } = IPAddress.Loopback;

    /// <summary>UDP port broadcasts, polls and unsolicited replies go to (6454).</summary>
    public int RemotePort { get; set; } = Packets.ArtNetHeader.Port;

    /// <summary>MAC of the bound interface (for ArtPollReply).</summary>
    public byte[] Mac { get; set; } = new byte[6];

    /// <summary>Net, 0..127.</summary>
    public int Net { get; set; }

    /// <summary>Sub-Net, 0..15.</summary>
    public int Subnet { get; set; }

    /// <summary>Universe to Port-Address mapping.</summary>
    public UniverseMapping Mapping { get; set; } = UniverseMapping.Ola;

    /// <summary>Number of OLA input ports (ArtDmx in).</summary>
    public int InputPorts { get; set; } = 4;

    /// <summary>Number of OLA output ports (ArtDmx out).</summary>
    public int OutputPorts { get; set; } = 4;

    /// <summary>ArtPollReply short name (17 characters used).</summary>
    public string ShortName { get; set; } = "OLA - ArtNet node";

    /// <summary>ArtPollReply long name (63 characters used).</summary>
    public string LongName { get; set; } = "OLA - ArtNet node";

    /// <summary>Always broadcast ArtDmx.</summary>
    public bool AlwaysBroadcast { get; set; }

    /// <summary>Broadcast ArtDmx to 255.255.255.255 instead of the directed broadcast address (never on loopback).</summary>
    public bool UseLimitedBroadcast { get; set; }

    /// <summary>Broadcast ArtDmx once there are more subscribers than this (olad: 30).</summary>
    public int BroadcastThreshold { get; set; } = 30;

    /// <summary>Two-source merge mode of input ports.</summary>
    public ArtNetMergeMode MergeMode { get; set; } = ArtNetMergeMode.Htp;

    /// <summary>Send an ArtSync after each clock tick's ArtDmx.</summary>
    public bool SendArtSync { get; set; }

    /// <summary>ArtPoll period while an output port is patched (Art-Net 4: 2.5-3 s).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2.75);

    /// <summary>Nodes not heard from for this long are forgotten (3 polls).</summary>
    public TimeSpan NodeTimeout { get; set; } = TimeSpan.FromSeconds(8.25);

    /// <summary>Art-Net 4 merge timeout.</summary>
    public TimeSpan MergeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Refresh rate of output ports, Hz.</summary>
    public double OutputHz { get; set; } = 44;

    /// <summary>Keep-alive of output ports in change mode (Art-Net 4: at least every 4 s).</summary>
    public TimeSpan KeepAlive { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The Port-Address of OLA universe <paramref name="universe"/>.</summary>
    public int PortAddress(int universe)
    {
        int baseAddress = ((Net & 0x7F) << 8) | ((Subnet & 0x0F) << 4);
        return Mapping == UniverseMapping.Ola
            ? baseAddress | (universe & 0x0F)
            : (baseAddress + universe) & 0x7FFF;
    }
}
