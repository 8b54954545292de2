// Licensed under the MIT License. See LICENSE in the repository root.
using System.Buffers;
using Google.Protobuf;
using OlaSharp.OlaRpc.Internal;
using OlaSharp.OlaRpc.Protocol;

namespace OlaSharp.OlaRpc.Tests;

public sealed class FastDecoderTests
{
    [Fact]
    public void TryDecodeDmxCall_CapturedSetDmx_Decoded()
    {
        Assert.True(FastDecoder.TryDecodeDmxCall(RpcFrameTests.SetDmxCapture.AsSpan(4), out FastDecoder.DmxCall call));
        Assert.True(call.Valid);
        Assert.False(call.IsStream);
        Assert.Equal(0u, call.Id);
        Assert.Equal(1, call.Universe);
        Assert.Equal(new byte[] { 255, 0, 10 }, call.Data.ToArray());
        Assert.Equal(100, call.Priority);
    }

    [Fact]
    public void TryDecodeDmxCall_OtherShapes_LeftToTheGeneralPath()
    {
        Assert.False(Decode(new RpcMessage { Type = Protocol.Type.Request, Id = 1, Name = "GetDmx", Buffer = new UniverseRequest { Universe = 1 }.ToByteString() }));
        Assert.False(Decode(new RpcMessage { Type = Protocol.Type.Response, Id = 1, Buffer = ByteString.Empty }));
        Assert.False(Decode(new RpcMessage { Type = Protocol.Type.StreamRequest, Id = 1, Name = "UpdateDmxData", Buffer = Dmx(1, [1]).ToByteString() }));
        // An unknown field in DmxData: Google.Protobuf keeps it; the fast path declines.
        byte[] withUnknown = [.. Dmx(1, [1]).ToByteArray(), 0x20, 0x01];
        Assert.False(Decode(new RpcMessage { Type = Protocol.Type.Request, Name = "UpdateDmxData", Buffer = ByteString.CopyFrom(withUnknown) }));
    }

    [Fact]
    public void TryDecodeDmxCall_RandomDmxCalls_AgreeWithGoogleProtobuf()
    {
        var random = new Random(7);
        for (int i = 0; i < 2000; i++)
        {
            var data = new DmxData();
            if (random.Next(10) > 0)
            {
                data.Universe = random.Next(5) == 0 ? -random.Next() : random.Next(70000);
            }

            if (random.Next(10) > 0)
            {
                byte[] slots = new byte[random.Next(513)];
                random.NextBytes(slots);
                data.Data = ByteString.CopyFrom(slots);
            }

            if (random.Next(2) == 0)
            {
                data.Priority = random.Next(-5, 300);
            }

            bool stream = random.Next(2) == 0;
            var message = new RpcMessage
            {
                Type = stream ? Protocol.Type.StreamRequest : Protocol.Type.Request,
                Id = (uint)random.Next(),
                Name = stream ? "StreamDmxData" : "UpdateDmxData",
                Buffer = data.ToByteString(),
            };
            byte[] body = message.ToByteArray();
            Assert.True(FastDecoder.TryDecodeDmxCall(body, out FastDecoder.DmxCall call));
            Assert.True(RpcFrame.TryParseEnvelope(new ReadOnlySequence<byte>(body), out RpcMessage parsed));
            DmxData expected = DmxData.Parser.ParseFrom(parsed.Buffer);
            Assert.Equal(stream, call.IsStream);
            Assert.Equal(parsed.Id, call.Id);
            Assert.Equal(expected.HasUniverse && expected.HasData, call.Valid);
            Assert.Equal(expected.Universe, call.Universe);
            Assert.Equal(expected.Data.ToByteArray(), call.Data.ToArray());
            Assert.Equal(expected.HasPriority ? expected.Priority : null, call.Priority);
        }
    }

    [Fact]
    public void TryDecodeDmxCall_RandomBytes_NeverThrows()
    {
        var random = new Random(99);
        byte[] bytes = new byte[80];
        for (int i = 0; i < 5000; i++)
        {
            random.NextBytes(bytes);
            _ = FastDecoder.TryDecodeDmxCall(bytes.AsSpan(0, random.Next(bytes.Length)), out _);
        }
    }

    private static DmxData Dmx(int universe, byte[] data) => new() { Universe = universe, Data = ByteString.CopyFrom(data) };

    private static bool Decode(RpcMessage message) => FastDecoder.TryDecodeDmxCall(message.ToByteArray(), out _);
}
