// Licensed under the MIT License. See LICENSE in the repository root.
using System.Buffers;
using Google.Protobuf;
using OlaSharp.OlaRpc.Internal;
using OlaSharp.OlaRpc.Protocol;

namespace OlaSharp.OlaRpc.Tests;

public sealed class RpcFrameTests
{
    // ola_set_dmx -u 1 -d 255,0,10 as captured from the real tool (ola-rpc.md section 3).
    internal static readonly byte[] SetDmxCapture = Convert.FromHexString(
        "1e000010" + "0801" + "1000" + "1a0d" + "557064617465446d7844617461" + "2209" + "0801" + "1203ff000a" + "1864");

    [Fact]
    public void TryRead_CapturedSetDmx_DecodesEnvelopeAndDmxData()
    {
        var buffer = new ReadOnlySequence<byte>(SetDmxCapture);
        Assert.Equal(FrameStatus.Complete, RpcFrame.TryRead(ref buffer, out ReadOnlySequence<byte> body, out uint header));
        Assert.Equal(0x1000001Eu, header);
        Assert.True(buffer.IsEmpty);
        Assert.True(RpcFrame.TryParseEnvelope(body, out RpcMessage message));
        Assert.Equal(Protocol.Type.Request, message.Type);
        Assert.Equal(0u, message.Id);
        Assert.Equal("UpdateDmxData", message.Name);
        DmxData data = DmxData.Parser.ParseFrom(message.Buffer);
        Assert.Equal(1, data.Universe);
        Assert.Equal(new byte[] { 255, 0, 10 }, data.Data.ToByteArray());
        Assert.Equal(100, data.Priority);
    }

    [Fact]
    public void TryRead_FrameSplitAcrossSegments_CompleteOnlyWithLastByte()
    {
        for (int cut = 0; cut < SetDmxCapture.Length; cut++)
        {
            var partial = new ReadOnlySequence<byte>(SetDmxCapture, 0, cut);
            Assert.Equal(FrameStatus.Incomplete, RpcFrame.TryRead(ref partial, out _, out _));
            Assert.Equal(cut, partial.Length);
        }

        // One byte per segment: the header itself is split.
        ReadOnlySequence<byte> split = Segments.OneBytePerSegment(SetDmxCapture);
        Assert.Equal(FrameStatus.Complete, RpcFrame.TryRead(ref split, out ReadOnlySequence<byte> body, out _));
        Assert.Equal(SetDmxCapture.Length - 4, body.Length);
        Assert.True(RpcFrame.TryParseEnvelope(body, out RpcMessage message));
        Assert.Equal("UpdateDmxData", message.Name);
    }

    [Fact]
    public void TryRead_PipelinedFramesAndSizeZero_TakenOneByOne()
    {
        byte[] zero = [0x00, 0x00, 0x00, 0x10];
        byte[] all = [.. SetDmxCapture, .. zero, .. SetDmxCapture, 0x1e];
        var buffer = new ReadOnlySequence<byte>(all);
        Assert.Equal(FrameStatus.Complete, RpcFrame.TryRead(ref buffer, out ReadOnlySequence<byte> first, out _));
        Assert.Equal(30, first.Length);
        Assert.Equal(FrameStatus.Complete, RpcFrame.TryRead(ref buffer, out ReadOnlySequence<byte> empty, out _));
        Assert.True(empty.IsEmpty);
        Assert.Equal(FrameStatus.Complete, RpcFrame.TryRead(ref buffer, out ReadOnlySequence<byte> third, out _));
        Assert.Equal(30, third.Length);
        Assert.Equal(FrameStatus.Incomplete, RpcFrame.TryRead(ref buffer, out _, out _));
        Assert.Equal(1, buffer.Length);
    }

    [Theory]
    [InlineData("00002010", true)] // version 1, 2 MiB
    [InlineData("01001010", true)] // 1 MiB + 1
    [InlineData("1000001e", true)] // byte-swapped header: olad also reports it as too large
    [InlineData("1e000020", false)] // version 2
    [InlineData("1e000000", false)] // version 0
    public void TryRead_BadHeader_Reported(string headerHex, bool tooLarge)
    {
        FrameStatus expected = tooLarge ? FrameStatus.TooLarge : FrameStatus.BadVersion;
        var buffer = new ReadOnlySequence<byte>(Convert.FromHexString(headerHex));
        Assert.Equal(expected, RpcFrame.TryRead(ref buffer, out _, out _));
        Assert.Equal(4, buffer.Length);
    }

    [Fact]
    public void TryRead_ExactlyOneMiB_Accepted()
    {
        byte[] frame = new byte[4 + RpcFrame.MaxBodySize];
        BitConverter.TryWriteBytes(frame, RpcFrame.Header(RpcFrame.MaxBodySize));
        var buffer = new ReadOnlySequence<byte>(frame);
        Assert.Equal(FrameStatus.Complete, RpcFrame.TryRead(ref buffer, out ReadOnlySequence<byte> body, out _));
        Assert.Equal(RpcFrame.MaxBodySize, body.Length);
    }

    [Theory]
    [InlineData("ffffffff")]
    [InlineData("0a05")] // field 1 with wire type 2: not the enum
    [InlineData("1000")] // id only, required type missing
    [InlineData("0863")] // type 99: not a Type value (C++ proto2 treats it as missing)
    public void TryParseEnvelope_Garbage_ReturnsFalse(string hex)
    {
        Assert.False(RpcFrame.TryParseEnvelope(new ReadOnlySequence<byte>(Convert.FromHexString(hex)), out _));
    }

    [Fact]
    public void TryParseEnvelope_RandomBytes_NeverThrows()
    {
        var random = new Random(1234);
        byte[] bytes = new byte[64];
        for (int i = 0; i < 2000; i++)
        {
            random.NextBytes(bytes);
            int length = random.Next(bytes.Length);
            _ = RpcFrame.TryParseEnvelope(new ReadOnlySequence<byte>(bytes, 0, length), out _);
            var buffer = new ReadOnlySequence<byte>(bytes, 0, length);
            _ = RpcFrame.TryRead(ref buffer, out _, out _);
        }
    }

    [Fact]
    public void WritePush_MatchesOladCaptureAndProtobuf()
    {
        byte[] buffer = new byte[FrameEncoder.MaxPushSize];
        int n = FrameEncoder.WritePush(buffer, 0, 1, [1, 2, 3], 100);
        Assert.Equal("1e000010" + "0801" + "1000" + "1a0d557064617465446d7844617461" + "2209" + "0801" + "1203010203" + "1864", Convert.ToHexStringLower(buffer, 0, n));

        // Large values and a full frame agree with Google.Protobuf's own encoding.
        byte[] slots = Enumerable.Range(0, 512).Select(i => (byte)i).ToArray();
        n = FrameEncoder.WritePush(buffer, 300_000, 63999, slots, 200);
        var expected = new RpcMessage
        {
            Type = Protocol.Type.Request,
            Id = 300_000,
            Name = "UpdateDmxData",
            Buffer = new DmxData { Universe = 63999, Data = ByteString.CopyFrom(slots), Priority = 200 }.ToByteString(),
        };
        Assert.Equal(RpcFrame.Header(expected.CalculateSize()), BitConverter.ToUInt32(buffer, 0));
        Assert.Equal(expected.ToByteArray(), buffer[4..n]);
    }

    [Fact]
    public void WriteResponses_MatchOladCaptures()
    {
        byte[] buffer = new byte[256];
        int n = FrameEncoder.WriteResponse(buffer, 0, new Ack(), 0);
        Assert.Equal("06000010080210002200", Convert.ToHexStringLower(buffer, 0, n));
        n = FrameEncoder.WriteFailed(buffer, 3, "Universe doesn't exist");
        Assert.Equal("1c000010080410032216556e69766572736520646f65736e2774206578697374", Convert.ToHexStringLower(buffer, 0, n));
        n = FrameEncoder.WriteNotImplemented(buffer, 7);
        Assert.Equal("0400001008051007", Convert.ToHexStringLower(buffer, 0, n));
    }
}
