// Licensed under the MIT License. See LICENSE in the repository root.
using System.Text;

namespace OlaSharp.ArtNet.Packets;

/// <summary>
/// ArtPollReply (OpCode 0x2100, 239 bytes; no ProtVer field). Offsets per the Art-Net 4 spec:
/// IP 10, Port 14 (little-endian), VersInfo 16 (big-endian), NetSwitch 18, SubSwitch 19, Oem 20 (big-endian),
/// Ubea 22, Status1 23, EstaMan 24 (little-endian), ShortName 26 (18), LongName 44 (64), NodeReport 108 (64),
/// NumPorts 172 (big-endian), PortTypes 174, GoodInput 178, GoodOutputA 182, SwIn 186, SwOut 190,
/// AcnPriority 194, SwMacro 195, SwRemote 196, Style 200, MAC 201, BindIp 207, BindIndex 211, Status2 212,
/// GoodOutputB 213, Status3 217, DefaultResponder 218, User 224, RefreshRate 226, filler to 239.
/// The parser reads the fixed part up to the MAC (207 bytes, what Art-Net II nodes send); later fields read 0 when absent.
/// </summary>
public readonly ref struct ArtPollReplyPacket
{
    /// <summary>Full length.</summary>
    public const int Length = 239;

    /// <summary>The shortest reply we accept (Art-Net II ends after the MAC).</summary>
    public const int MinLength = 207;

    /// <summary>PortTypes bit 7: the port can output DMX from the network.</summary>
    public const byte PortTypeOutput = 0x80;

    /// <summary>PortTypes bit 6: the port can input DMX onto the network.</summary>
    public const byte PortTypeInput = 0x40;

    private readonly ReadOnlySpan<byte> _raw;

    private ArtPollReplyPacket(ReadOnlySpan<byte> raw) => _raw = raw;

    /// <summary>The node's IPv4 address as 4 bytes.</summary>
    public ReadOnlySpan<byte> IpBytes => _raw.Slice(10, 4);

    /// <summary>The node's IPv4 address in network order packed into a uint (first octet most significant).</summary>
    public uint Ip => BinaryPrimitives.ReadUInt32BigEndian(_raw[10..]);

    /// <summary>Port field (little-endian; always 0x1936).</summary>
    public int UdpPort => BinaryPrimitives.ReadUInt16LittleEndian(_raw[14..]);

    /// <summary>Firmware version (big-endian).</summary>
    public int VersionInfo => BinaryPrimitives.ReadUInt16BigEndian(_raw[16..]);

    /// <summary>Net switch (bits 14-8 of the Port-Address).</summary>
    public byte NetSwitch => (byte)(_raw[18] & 0x7F);

    /// <summary>Sub-Net switch (bits 7-4).</summary>
    public byte SubSwitch => (byte)(_raw[19] & 0x0F);

    /// <summary>OEM code (big-endian).</summary>
    public int Oem => BinaryPrimitives.ReadUInt16BigEndian(_raw[20..]);

    /// <summary>Status1.</summary>
    public byte Status1 => _raw[23];

    /// <summary>ESTA manufacturer code (little-endian on the wire: Lo at 24, Hi at 25).</summary>
    public int EstaMan => BinaryPrimitives.ReadUInt16LittleEndian(_raw[24..]);

    /// <summary>Short name bytes up to the first zero.</summary>
    public ReadOnlySpan<byte> ShortName => CString(_raw.Slice(26, 18));

    /// <summary>Long name bytes up to the first zero.</summary>
    public ReadOnlySpan<byte> LongName => CString(_raw.Slice(44, 64));

    /// <summary>Node report bytes up to the first zero.</summary>
    public ReadOnlySpan<byte> NodeReport => CString(_raw.Slice(108, 64));

    /// <summary>Number of ports described (0..4; big-endian).</summary>
    public int NumPorts => Math.Min(4, (int)BinaryPrimitives.ReadUInt16BigEndian(_raw[172..]));

    /// <summary>PortTypes[4].</summary>
    public ReadOnlySpan<byte> PortTypes => _raw.Slice(174, 4);

    /// <summary>GoodInput[4].</summary>
    public ReadOnlySpan<byte> GoodInput => _raw.Slice(178, 4);

    /// <summary>GoodOutputA[4].</summary>
    public ReadOnlySpan<byte> GoodOutputA => _raw.Slice(182, 4);

    /// <summary>SwIn[4] (low nibble: universe).</summary>
    public ReadOnlySpan<byte> SwIn => _raw.Slice(186, 4);

    /// <summary>SwOut[4] (low nibble: universe).</summary>
    public ReadOnlySpan<byte> SwOut => _raw.Slice(190, 4);

    /// <summary>Style (0 = StNode).</summary>
    public byte Style => _raw[200];

    /// <summary>MAC address.</summary>
    public ReadOnlySpan<byte> Mac => _raw.Slice(201, 6);

    /// <summary>BindIndex (0 when absent; Art-Net 4 numbers from 1).</summary>
    public byte BindIndex => _raw.Length > 211 ? _raw[211] : (byte)0;

    /// <summary>Status2 (0 when absent).</summary>
    public byte Status2 => _raw.Length > 212 ? _raw[212] : (byte)0;

    /// <summary>The output Port-Address of port <paramref name="index"/> (0..3): Net, Sub-Net and SwOut's low nibble.</summary>
    public int OutputPortAddress(int index) => (NetSwitch << 8) | (SubSwitch << 4) | (SwOut[index] & 0x0F);

    /// <summary>The input Port-Address of port <paramref name="index"/> (0..3).</summary>
    public int InputPortAddress(int index) => (NetSwitch << 8) | (SubSwitch << 4) | (SwIn[index] & 0x0F);

    /// <summary>Parses a reply of at least 207 bytes; never throws.</summary>
    public static bool TryParse(ReadOnlySpan<byte> packet, out ArtPollReplyPacket reply)
    {
        if (!ArtNetHeader.Check(packet, ArtOpCode.PollReply, MinLength, hasVersion: false))
        {
            reply = default;
            return false;
        }

        reply = new ArtPollReplyPacket(packet[..Math.Min(packet.Length, Length)]);
        return true;
    }

    /// <summary>Writes a 239-byte reply from <paramref name="fields"/>; returns 239. Allocates nothing.</summary>
    public static int Write(Span<byte> destination, ArtPollReplyFields fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, Length);
        Span<byte> d = destination[..Length];
        d.Clear();
        ArtNetHeader.Write(d, ArtOpCode.PollReply, withVersion: false);
        fields.Ip.TryWriteBytes(d.Slice(10, 4), out _);
        BinaryPrimitives.WriteUInt16LittleEndian(d[14..], (ushort)fields.UdpPort);
        BinaryPrimitives.WriteUInt16BigEndian(d[16..], fields.VersionInfo);
        d[18] = (byte)(fields.NetSwitch & 0x7F);
        d[19] = (byte)(fields.SubSwitch & 0x0F);
        BinaryPrimitives.WriteUInt16BigEndian(d[20..], fields.Oem);
        d[22] = fields.UbeaVersion;
        d[23] = fields.Status1;
        BinaryPrimitives.WriteUInt16LittleEndian(d[24..], fields.EstaMan);
        WriteCString(d.Slice(26, 18), fields.ShortName);
        WriteCString(d.Slice(44, 64), fields.LongName);
        WriteCString(d.Slice(108, 64), fields.NodeReport);
        BinaryPrimitives.WriteUInt16BigEndian(d[172..], (ushort)Math.Min(fields.NumPorts, 4));
        fields.PortTypes.CopyTo(d[174..]);
        fields.GoodInput.CopyTo(d[178..]);
        fields.GoodOutputA.CopyTo(d[182..]);
        fields.SwIn.CopyTo(d[186..]);
        fields.SwOut.CopyTo(d[190..]);
        d[194] = fields.AcnPriority;
        d[195] = fields.SwMacro;
        d[196] = fields.SwRemote;
        d[200] = fields.Style;
        fields.Mac.CopyTo(d[201..]);
        fields.BindIp.TryWriteBytes(d.Slice(207, 4), out _);
        d[211] = fields.BindIndex;
        d[212] = fields.Status2;
        fields.GoodOutputB.CopyTo(d[213..]);
        d[217] = fields.Status3;
        BinaryPrimitives.WriteUInt16BigEndian(d[226..], fields.RefreshRate);
        return Length;
    }

    private static ReadOnlySpan<byte> CString(ReadOnlySpan<byte> field)
    {
        int end = field.IndexOf((byte)0);
        return end < 0 ? field : field[..end];
    }

    private static void WriteCString(Span<byte> field, string? text)
    {
        // Always leave the last byte zero (the spec's "null terminated"): short name 17, long name and report 63 characters.
        if (string.IsNullOrEmpty(text))
        {
            return;
        }

        int max = Math.Min(text.Length, field.Length - 1);
        for (int i = 0; i < max; i++)
        {
            char c = text[i];
            field[i] = c < 0x80 ? (byte)c : (byte)'?';
        }
    }

    /// <summary>Decodes an ASCII field for logs and APIs (allocates).</summary>
    public static string Decode(ReadOnlySpan<byte> field) => Encoding.ASCII.GetString(field);
}

/// <summary>The fields of an ArtPollReply we send; a mutable holder reused between replies.</summary>
public sealed class ArtPollReplyFields
{
    /// <summary>olad's OEM code (0x0431), kept so tools that key on it still recognise an OLA node.</summary>
    public const ushort OlaOem = 0x0431;

    /// <summary>ESTA code of OLA ("zp").</summary>
    public const ushort OlaEsta = 0x7A70;

    /// <summary>Node IP.</summary>
    public IPAddress Ip { get; set; } = IPAddress.Any;

    /// <summary>UDP port field, 6454.</summary>
    public int UdpPort { get; set; } = ArtNetHeader.Port;

    /// <summary>Firmware version.</summary>
    public ushort VersionInfo { get; set; }

    /// <summary>Net (7 bits).</summary>
    public int NetSwitch { get; set; }

    /// <summary>Sub-Net (4 bits).</summary>
    public int SubSwitch { get; set; }

    /// <summary>OEM code.</summary>
    public ushort Oem { get; set; } = OlaOem;

    /// <summary>UBEA version.</summary>
    public byte UbeaVersion { get; set; }

    /// <summary>Status1 (olad: 0xD2 = indicators normal, addresses by network, ...).</summary>
    public byte Status1 { get; set; } = 0xD2;

    /// <summary>ESTA manufacturer code.</summary>
    public ushort EstaMan { get; set; } = OlaEsta;

    /// <summary>Short name (17 characters used).</summary>
    public string ShortName { get; set; } = string.Empty;

    /// <summary>Long name (63 characters used).</summary>
    public string LongName { get; set; } = string.Empty;

    /// <summary>Node report (63 characters used).</summary>
    public string NodeReport { get; set; } = string.Empty;

    /// <summary>Ports described, 0..4.</summary>
    public int NumPorts { get; set; }

    /// <summary>PortTypes[4].</summary>
    public byte[] PortTypes { get; } = new byte[4];

    /// <summary>GoodInput[4].</summary>
    public byte[] GoodInput { get; } = new byte[4];

    /// <summary>GoodOutputA[4].</summary>
    public byte[] GoodOutputA { get; } = new byte[4];

    /// <summary>SwIn[4].</summary>
    public byte[] SwIn { get; } = new byte[4];

    /// <summary>SwOut[4].</summary>
    public byte[] SwOut { get; } = new byte[4];

    /// <summary>sACN priority (Art-Net 4).</summary>
    public byte AcnPriority { get; set; }

    /// <summary>SwMacro.</summary>
    public byte SwMacro { get; set; }

    /// <summary>SwRemote.</summary>
    public byte SwRemote { get; set; }

    /// <summary>Style (0 = StNode).</summary>
    public byte Style { get; set; }

    /// <summary>MAC address (6 bytes).</summary>
    public byte[] Mac { get; } = new byte[6];

    /// <summary>Bind IP (the root device's IP).</summary>
    public IPAddress BindIp { get; set; } = IPAddress.Any;

    /// <summary>BindIndex, from 1.</summary>
    public byte BindIndex { get; set; }

    /// <summary>Status2 (0x08: 15-bit Port-Address supported).</summary>
    public byte Status2 { get; set; } = 0x08;

    /// <summary>GoodOutputB[4].</summary>
    public byte[] GoodOutputB { get; } = new byte[4];

    /// <summary>Status3.</summary>
    public byte Status3 { get; set; }

    /// <summary>Refresh rate in Hz (big-endian), 0 when not given.</summary>
    public ushort RefreshRate { get; set; }
}
