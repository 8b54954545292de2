// Licensed under the MIT License. See LICENSE in the repository root.
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using OlaSharp.Core;
using OlaSharp.Core.Plugins.Dummy;
using OlaSharp.OlaRpc.Internal;
using OlaSharp.OlaRpc.Protocol;

namespace OlaSharp.OlaRpc.Tests;

public sealed class RpcConnectionTests
{
    private static readonly TimeSpan s_quiet = TimeSpan.FromMilliseconds(300);

    private static DmxData Dmx(int universe, byte[] data, int? priority = null)
    {
        var d = new DmxData { Universe = universe, Data = ByteString.CopyFrom(data) };
        if (priority is int p)
        {
            d.Priority = p;
        }

        return d;
    }

    private static PatchPortRequest Patch(int universe) =>
        new() { Universe = universe, DeviceAlias = 1, PortId = 0, Action = PatchAction.Patch, IsOutput = true };

    [Fact]
    public async Task UpdateDmxData_MissingUniverse_FailsWithOladBytes()
    {
        await using RpcHarness h = await RpcHarness.StartAsync();
        RpcTestClient c = h.Connect();
        for (uint id = 0; id < 3; id++)
        {
            await c.SendAsync("GetPlugins", new PluginListRequest());
            await c.ReadAsync();
        }

        await c.SendAsync("UpdateDmxData", Dmx(1, [255, 0, 10], 100));
        Assert.Equal("1c000010080410032216556e69766572736520646f65736e2774206578697374", Convert.ToHexStringLower(await c.ReadRawAsync()));
    }

    [Fact]
    public async Task UnknownMethod_RequestAndStream_NotImplementedWithIdOnly()
    {
        await using RpcHarness h = await RpcHarness.StartAsync();
        RpcTestClient c = h.Connect();
        await c.SendRawAsync(RpcTestClient.RequestFrame(7, "NoSuchMethod", new Ack()));
        Assert.Equal("0400001008051007", Convert.ToHexStringLower(await c.ReadRawAsync()));
        await c.SendRawAsync(RpcTestClient.RequestFrame(8, "NoSuchMethod", new Ack(), Protocol.Type.StreamRequest));
        Assert.Equal("0400001008051008", Convert.ToHexStringLower(await c.ReadRawAsync()));
    }

    [Fact]
    public async Task CapturedSetDmx_SplitIntoSingleBytes_AckedOnceWhole()
    {
        await using RpcHarness h = await RpcHarness.StartAsync();
        RpcTestClient c = h.Connect();
        await c.CallOkAsync("PatchPort", Patch(1), Ack.Parser);
        byte[] capture = RpcFrameTests.SetDmxCapture.ToArray();
        capture[7] = 1; // id 1
        foreach (byte b in capture)
        {
            await c.SendRawAsync(new[] { b });
        }

        Assert.Equal("06000010080210012200", Convert.ToHexStringLower(await c.ReadRawAsync()));
        Assert.True(h.Universes.TryGet(1, out Universe? u));
        Assert.Equal(new byte[] { 255, 0, 10 }, u.GetMergedCopy());
    }

    [Fact]
    public async Task PipelinedRequests_InOneWrite_AnsweredInOrder()
    {
        await using RpcHarness h = await RpcHarness.StartAsync();
        RpcTestClient c = h.Connect();
        byte[] all =
        [
            .. RpcTestClient.RequestFrame(0, "PatchPort", Patch(1)),
            .. RpcTestClient.RequestFrame(1, "UpdateDmxData", Dmx(1, [1, 2, 3])),
            0x00, 0x00, 0x00, 0x10, // a size-0 frame is swallowed, as by olad
            .. RpcTestClient.RequestFrame(2, "GetDmx", new UniverseRequest { Universe = 1 }),
            .. RpcTestClient.RequestFrame(3, "GetDmx", new UniverseRequest { Universe = 99 }),
        ];
        await c.SendRawAsync(all);
        RpcMessage r0 = await c.ReadAsync();
        RpcMessage r1 = await c.ReadAsync();
        RpcMessage r2 = await c.ReadAsync();
        RpcMessage r3 = await c.ReadAsync();
        Assert.Equal([0u, 1u, 2u, 3u], new[] { r0.Id, r1.Id, r2.Id, r3.Id });
        Assert.All(new[] { r0, r1, r2 }, r => Assert.Equal(Protocol.Type.Response, r.Type));
        DmxData data = DmxData.Parser.ParseFrom(r2.Buffer);
        Assert.Equal(1, data.Universe);
        Assert.Equal(new byte[] { 1, 2, 3 }, data.Data.ToByteArray());
        Assert.False(data.HasPriority);
        Assert.Equal(Protocol.Type.ResponseFailed, r3.Type);
        Assert.Equal(OlaRpcService.UniverseDoesNotExist, r3.Buffer.ToStringUtf8());
    }

    [Fact]
    public async Task StreamDmxData_NoReply_AppliedAndMissingUniverseDropped()
    {
        await using RpcHarness h = await RpcHarness.StartAsync();
        RpcTestClient c = h.Connect();
        await c.CallOkAsync("PatchPort", Patch(1), Ack.Parser);
        await c.SendAsync("StreamDmxData", Dmx(1, [4, 5, 6], 100), Protocol.Type.StreamRequest);
        await c.SendAsync("StreamDmxData", Dmx(42, [1], 100), Protocol.Type.StreamRequest);
        // A known method that is not a streaming one, sent as a stream: ignored (olad logs it).
        await c.SendAsync("GetDmx", new UniverseRequest { Universe = 1 }, Protocol.Type.StreamRequest);
        Assert.True(await c.NothingWithinAsync(s_quiet));
        DmxData data = await c.CallOkAsync("GetDmx", new UniverseRequest { Universe = 1 }, DmxData.Parser);
        Assert.Equal(new byte[] { 4, 5, 6 }, data.Data.ToByteArray());
        Assert.False(h.Universes.TryGet(42, out _));
    }

    [Fact]
    public async Task MalformedInnerRequest_ResponseFailed_ConnectionStaysUsable()
    {
        await using RpcHarness h = await RpcHarness.StartAsync();
        RpcTestClient c = h.Connect();
        // DmxData without its required data field, and a buffer that is not protobuf at all.
        Assert.Equal(OlaRpcService.InvalidRequest, await c.CallFailedAsync("UpdateDmxData", new UniverseRequest { Universe = 1 }));
        await c.SendRawAsync(RpcTestClient.Frame(new RpcMessage { Type = Protocol.Type.Request, Id = 9, Name = "PatchPort", Buffer = ByteString.CopyFrom(0xff, 0xff, 0xff) }));
        RpcMessage failed = await c.ReadAsync();
        Assert.Equal(9u, failed.Id);
        Assert.Equal(Protocol.Type.ResponseFailed, failed.Type);
        Assert.Equal(OlaRpcService.InvalidRequest, failed.Buffer.ToStringUtf8());
        Assert.NotEmpty((await c.CallOkAsync("GetPlugins", new PluginListRequest(), PluginListReply.Parser)).Plugin);
    }

    [Theory]
    [InlineData("ffffffff")] // version 15
    [InlineData("00002010")] // 2 MiB announced
    [InlineData("1e000020")] // version 2
    [InlineData("050000100a05414243")] // body is not an RpcMessage
    [InlineData("0200001010ff")] // body lacks the required type
    public async Task BadFrame_ClosesOnlyThatConnection_WithOneLogLine(string hex)
    {
        await using RpcHarness h = await RpcHarness.StartAsync();
        RpcTestClient good = h.Connect("good");
        await good.CallOkAsync("PatchPort", Patch(1), Ack.Parser);
        RpcTestClient bad = h.Connect("bad");
        await bad.SendAsync("UpdateDmxData", Dmx(1, [7, 7]));
        await bad.ReadAsync();
        Assert.Equal(1, h.Universes.GetOrCreate(1).SourceCount);

        await bad.SendRawAsync(Convert.FromHexString(hex));
        await bad.Run.WaitAsync(RpcHarness.Timeout);
        Assert.Single(h.Logs.Lines, l => l.Level == LogLevel.Warning && l.Text.Contains("bad", StringComparison.Ordinal));
        Assert.Equal(0, h.Universes.GetOrCreate(1).SourceCount);

        await good.CallOkAsync("UpdateDmxData", Dmx(1, [1]), Ack.Parser);
        Assert.Equal(new byte[] { 1 }, (await good.CallOkAsync("GetDmx", new UniverseRequest { Universe = 1 }, DmxData.Parser)).Data.ToByteArray());
    }

    [Fact]
    public async Task TruncatedBody_ThenClose_ServerEndsQuietly()
    {
        await using RpcHarness h = await RpcHarness.StartAsync();
        RpcTestClient c = h.Connect();
        await c.SendRawAsync(RpcFrameTests.SetDmxCapture.AsMemory(0, 20));
        await c.CloseAsync();
        Assert.DoesNotContain(h.Logs.Lines, l => l.Level >= LogLevel.Warning);
    }

    [Fact]
    public async Task RegisterForDmx_OtherClientsUpdates_PushedWithOwnIdsFromZero()
    {
        await using RpcHarness h = await RpcHarness.StartAsync();
        RpcTestClient monitor = h.Connect("monitor");
        RpcTestClient sender = h.Connect("sender");

        // Registering creates the universe (as in olad) and sends no current frame.
        await monitor.CallOkAsync("RegisterForDmx", new RegisterDmxRequest { Universe = 5, Action = RegisterAction.Register }, Ack.Parser);
        await monitor.CallOkAsync("RegisterForDmx", new RegisterDmxRequest { Universe = 5, Action = RegisterAction.Register }, Ack.Parser);
        Assert.True(h.Universes.TryGet(5, out Universe? u));
        Assert.Equal(1, u.SinkCount);

        await sender.CallOkAsync("UpdateDmxData", Dmx(5, [1, 2, 3], 250), Ack.Parser);
        Assert.Equal(
            "1f000010" + "0801" + "1000" + "1a0d557064617465446d7844617461" + "220a" + "0805" + "1203010203" + "18c801",
            Convert.ToHexStringLower(await monitor.ReadRawAsync())); // priority 250 clamped to 200
        await monitor.SendRawAsync(Convert.FromHexString("06000010080210002200")); // the client's Ack, ignored

        await sender.CallOkAsync("UpdateDmxData", Dmx(5, [9]), Ack.Parser);
        RpcMessage second = await monitor.ReadAsync();
        Assert.Equal(Protocol.Type.Request, second.Type);
        Assert.Equal(1u, second.Id);
        Assert.Equal("UpdateDmxData", second.Name);
        DmxData data = DmxData.Parser.ParseFrom(second.Buffer);
        Assert.Equal(new byte[] { 9 }, data.Data.ToByteArray());
        Assert.Equal(100, data.Priority);

        await monitor.CallOkAsync("RegisterForDmx", new RegisterDmxRequest { Universe = 5, Action = RegisterAction.Unregister }, Ack.Parser);
        Assert.Equal(0, u.SinkCount);
        await sender.CallOkAsync("UpdateDmxData", Dmx(5, [8]), Ack.Parser);
        Assert.True(await monitor.NothingWithinAsync(s_quiet));
    }

    [Fact]
    public async Task UpdateDmxData_SenderAlsoRegistered_EchoArrivesBeforeItsAck()
    {
        await using RpcHarness h = await RpcHarness.StartAsync();
        RpcTestClient c = h.Connect();
        await c.CallOkAsync("RegisterForDmx", new RegisterDmxRequest { Universe = 1, Action = RegisterAction.Register }, Ack.Parser);
        uint id = await c.SendAsync("UpdateDmxData", Dmx(1, [9, 8, 7]));
        RpcMessage push = await c.ReadAsync();
        Assert.Equal(Protocol.Type.Request, push.Type);
        Assert.Equal(0u, push.Id);
        RpcMessage ack = await c.ReadAsync();
        Assert.Equal(Protocol.Type.Response, ack.Type);
        Assert.Equal(id, ack.Id);
    }

    [Fact]
    public async Task Disconnect_RemovesSourcesAndSinks_KeepsTheFrame()
    {
        await using RpcHarness h = await RpcHarness.StartAsync();
        RpcTestClient c = h.Connect();
        await c.CallOkAsync("RegisterForDmx", new RegisterDmxRequest { Universe = 3, Action = RegisterAction.Register }, Ack.Parser);
        await c.SendAsync("UpdateDmxData", Dmx(3, [1, 2]));
        await c.ReadAsync();
        await c.ReadAsync();
        Assert.True(h.Universes.TryGet(3, out Universe? u));
        Assert.Equal(1, u.SourceCount);
        Assert.Equal(1, u.SinkCount);

        await c.CloseAsync();
        Assert.Equal(0, u.SourceCount);
        Assert.Equal(0, u.SinkCount);
        Assert.Equal(new byte[] { 1, 2 }, u.GetMergedCopy());
    }

    [Fact]
    public async Task TwoClients_HigherPriorityWins_ThenHtpAtEqualPriority()
    {
        await using RpcHarness h = await RpcHarness.StartAsync();
        RpcTestClient a = h.Connect("a");
        RpcTestClient b = h.Connect("b");
        await a.CallOkAsync("PatchPort", Patch(1), Ack.Parser);
        await a.CallOkAsync("SetMergeMode", new MergeModeRequest { Universe = 1, MergeMode = Protocol.MergeMode.Htp }, Ack.Parser);
        await a.CallOkAsync("UpdateDmxData", Dmx(1, [100, 0, 50], 150), Ack.Parser);
        await b.CallOkAsync("UpdateDmxData", Dmx(1, [0, 200], 100), Ack.Parser);
        Assert.Equal(new byte[] { 100, 0, 50 }, h.Universes.GetOrCreate(1).GetMergedCopy());
        await b.CallOkAsync("UpdateDmxData", Dmx(1, [0, 200], 150), Ack.Parser);
        Assert.Equal(new byte[] { 100, 200, 50 }, h.Universes.GetOrCreate(1).GetMergedCopy());
    }

    [Fact]
    public async Task SetDmx_ReachesPatchedDummyOutputPort_ThroughTheMerge()
    {
        await using RpcHarness h = await RpcHarness.StartAsync();
        RpcTestClient c = h.Connect();
        await c.CallOkAsync("PatchPort", Patch(1), Ack.Parser);
        await c.CallOkAsync("UpdateDmxData", Dmx(1, [255, 0, 10], 100), Ack.Parser);
        var port = (DummyOutputPort)h.Devices.FindPort("1-1-O-0")!;
        DateTime deadline = DateTime.UtcNow + RpcHarness.Timeout;
        while (!port.LastSlots().SequenceEqual(new byte[] { 255, 0, 10 }) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.Equal(new byte[] { 255, 0, 10 }, port.LastSlots());
        Assert.Equal(100, port.LastPriority);
    }

    [Fact]
    public async Task PatchNameMerge_PersistedToOlaConfFilesAtOnce()
    {
        await using RpcHarness h = await RpcHarness.StartAsync();
        RpcTestClient c = h.Connect();
        await c.CallOkAsync("PatchPort", Patch(4), Ack.Parser);
        await c.CallOkAsync("SetUniverseName", new UniverseNameRequest { Universe = 4, Name = "Stage left" }, Ack.Parser);
        await c.CallOkAsync("SetMergeMode", new MergeModeRequest { Universe = 4, MergeMode = Protocol.MergeMode.Htp }, Ack.Parser);
        string port = await File.ReadAllTextAsync(Path.Combine(h.Dir, "ola-port.conf"));
        string universe = await File.ReadAllTextAsync(Path.Combine(h.Dir, "ola-universe.conf"));
        Assert.Contains("1-1-O-0 = 4", port, StringComparison.Ordinal);
        Assert.Contains("uni_4_name = Stage left", universe, StringComparison.Ordinal);
        Assert.Contains("uni_4_merge = HTP", universe, StringComparison.Ordinal);

        UniverseInfoReply info = await c.CallOkAsync("GetUniverseInfo", new OptionalUniverseRequest(), UniverseInfoReply.Parser);
        UniverseInfo one = Assert.Single(info.Universe);
        Assert.Equal(4, one.Universe);
        Assert.Equal("Stage left", one.Name);
        Assert.Equal(Protocol.MergeMode.Htp, one.MergeMode);
        Assert.Equal(1, one.OutputPortCount);
        Assert.Equal(0, Assert.Single(one.OutputPorts).PortId);

        await c.CallOkAsync("PatchPort", new PatchPortRequest { Universe = -1, DeviceAlias = 1, PortId = 0, Action = PatchAction.Unpatch, IsOutput = true }, Ack.Parser);
        Assert.DoesNotContain("1-1-O-0 = 4", await File.ReadAllTextAsync(Path.Combine(h.Dir, "ola-port.conf")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OladErrorTexts_ForMissingThings()
    {
        await using RpcHarness h = await RpcHarness.StartAsync();
        RpcTestClient c = h.Connect();
        Assert.Equal("Device doesn't exist", await c.CallFailedAsync("PatchPort", new PatchPortRequest { Universe = 1, DeviceAlias = 9, PortId = 0, Action = PatchAction.Patch, IsOutput = true }));
        Assert.Equal("Port doesn't exist", await c.CallFailedAsync("PatchPort", new PatchPortRequest { Universe = 1, DeviceAlias = 1, PortId = 3, Action = PatchAction.Patch, IsOutput = true }));
        Assert.Equal("Port doesn't exist", await c.CallFailedAsync("PatchPort", new PatchPortRequest { Universe = 1, DeviceAlias = 1, PortId = 0, Action = PatchAction.Patch, IsOutput = false }));
        Assert.Equal("Plugin not loaded", await c.CallFailedAsync("GetPluginDescription", new PluginDescriptionRequest { PluginId = 20 }));
        Assert.Equal("Plugin not loaded", await c.CallFailedAsync("GetPluginState", new PluginStateRequest { PluginId = 2 }));
        Assert.Equal("Universe doesn't exist", await c.CallFailedAsync("SetUniverseName", new UniverseNameRequest { Universe = 8, Name = "x" }));
        Assert.Equal("Universe doesn't exist", await c.CallFailedAsync("SetMergeMode", new MergeModeRequest { Universe = 8, MergeMode = Protocol.MergeMode.Ltp }));
        Assert.Equal("Universe doesn't exist", await c.CallFailedAsync("GetUniverseInfo", new OptionalUniverseRequest { Universe = 8 }));
        Assert.Equal("Universe doesn't exist", await c.CallFailedAsync("GetDmx", new UniverseRequest { Universe = 8 }));
        Assert.Equal("Invalid SetPortPriority request, see logs for more info", await c.CallFailedAsync("SetPortPriority", new PortPriorityRequest { DeviceAlias = 1, IsOutput = true, PortId = 0, PriorityMode = 1 }));
        Assert.Equal(OlaRpcService.RdmNotSupported, await c.CallFailedAsync("GetUIDs", new UniverseRequest { Universe = 1 }));
        // Quirks kept from olad: an unknown plugin's state change and an output port's priority are acked.
        await c.CallOkAsync("SetPluginState", new PluginStateChangeRequest { PluginId = 77, Enabled = true }, Ack.Parser);
        await c.CallOkAsync("SetPortPriority", new PortPriorityRequest { DeviceAlias = 1, IsOutput = true, PortId = 0, PriorityMode = 1, Priority = 150 }, Ack.Parser);
        Assert.Empty((await c.CallOkAsync("GetUniverseInfo", new OptionalUniverseRequest(), UniverseInfoReply.Parser)).Universe);
    }

    [Fact]
    public async Task DeviceAndPluginReplies_CarryOladFields()
    {
        await using RpcHarness h = await RpcHarness.StartAsync();
        RpcTestClient c = h.Connect();
        DeviceInfoReply devices = await c.CallOkAsync("GetDeviceInfo", new DeviceInfoRequest { PluginId = 0 }, DeviceInfoReply.Parser);
        DeviceInfo d = Assert.Single(devices.Device);
        Assert.Equal((1, 1, "Dummy Device", "1-1"), (d.DeviceAlias, d.PluginId, d.DeviceName, d.DeviceId));
        PortInfo p = Assert.Single(d.OutputPort);
        Assert.True(p.IsInitialized());
        Assert.True(p.HasActive && !p.Active && !p.HasUniverse && !p.HasPriorityMode && !p.HasPriority && p.HasSupportsRdm);
        Assert.Empty((await c.CallOkAsync("GetDeviceInfo", new DeviceInfoRequest { PluginId = 2 }, DeviceInfoReply.Parser)).Device);
        Assert.Single((await c.CallOkAsync("GetCandidatePorts", new OptionalUniverseRequest(), DeviceInfoReply.Parser)).Device);

        PluginStateReply state = await c.CallOkAsync("GetPluginState", new PluginStateRequest { PluginId = 1 }, PluginStateReply.Parser);
        Assert.Equal(("Dummy", true, true), (state.Name, state.Enabled, state.Active));
        Assert.Equal(Path.Combine(h.Dir, "ola-dummy.conf"), state.PreferencesSource);

        await c.CallOkAsync("SetPluginState", new PluginStateChangeRequest { PluginId = 1, Enabled = false }, Ack.Parser);
        Assert.Empty((await c.CallOkAsync("GetDeviceInfo", new DeviceInfoRequest(), DeviceInfoReply.Parser)).Device);
        await c.CallOkAsync("SetPluginState", new PluginStateChangeRequest { PluginId = 1, Enabled = true }, Ack.Parser);
        await c.CallOkAsync("ReloadPlugins", new PluginReloadRequest(), Ack.Parser);
        Assert.Single((await c.CallOkAsync("GetDeviceInfo", new DeviceInfoRequest(), DeviceInfoReply.Parser)).Device);
    }
}
