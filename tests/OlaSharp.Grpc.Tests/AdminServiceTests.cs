// Licensed under the MIT License. See LICENSE in the repository root.
using Grpc.Core;
using OlaSharp.Grpc.V1;

namespace OlaSharp.Grpc.Tests;

public sealed class AdminServiceTests : IAsyncLifetime
{
    private GrpcTestHost _host = null!;

    public async Task InitializeAsync() => _host = await GrpcTestHost.StartAsync();

    public async Task DisposeAsync()
    {
        Assert.Empty(_host.Logs.Errors);
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task ListUniverses_SourcesPortsAndMergeMode_Reported()
    {
        await _host.Ports.PatchPortAsync(new PatchPortRequest { PortId = "1-1-O-0", Universe = 1 });
        var frame = GrpcTestHost.Frame(1, 1, 2);
        frame.Priority = 120;
        await _host.Frames.SetFrameAsync(new SetFrameRequest { Frame = frame, SourceName = "desk" });
        await _host.Frames.SetFrameAsync(new SetFrameRequest { Frame = GrpcTestHost.Frame(2, 1) });

        ListUniversesResponse r = await _host.Universes.ListUniversesAsync(new ListUniversesRequest());

        Assert.Equal([1U, 2U], r.Universes.Select(u => u.Id));
        V1.Universe one = r.Universes[0];
        Assert.Equal(("Universe 1", MergeMode.Ltp, 120U, 2U), (one.Name, one.MergeMode, one.ActivePriority, one.SlotCount));
        Assert.Equal(["1-1-O-0"], one.PortIds);
        Source s = Assert.Single(one.Sources);
        Assert.Equal(("desk", "grpc", 120U, 2U, true, 1UL), (s.Name, s.Kind, s.Priority, s.SlotCount, s.Active, s.FramesReceived));
    }

    [Fact]
    public async Task GetUniverse_Missing_NotFound()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => _host.Universes.GetUniverseAsync(new GetUniverseRequest { Universe = 77 }).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, ex.StatusCode);
        Assert.Equal("universe 77 does not exist", ex.Status.Detail);
    }

    [Fact]
    public async Task GetUniverse_Zero_InvalidArgument()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => _host.Universes.GetUniverseAsync(new GetUniverseRequest { Universe = 0 }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
    }

    [Fact]
    public async Task SetUniverseName_Existing_RenamedAndEmptyRestoresDefault()
    {
        await _host.Frames.SetFrameAsync(new SetFrameRequest { Frame = GrpcTestHost.Frame(3, 1) });

        V1.Universe renamed = await _host.Universes.SetUniverseNameAsync(new SetUniverseNameRequest { Universe = 3, Name = "Stage left" });
        Assert.Equal("Stage left", renamed.Name);
        Assert.Equal("Stage left", _host.Universe(3).Name);

        V1.Universe reset = await _host.Universes.SetUniverseNameAsync(new SetUniverseNameRequest { Universe = 3 });
        Assert.Equal("Universe 3", reset.Name);
    }

    [Fact]
    public async Task SetUniverseName_Missing_NotFound()
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => _host.Universes.SetUniverseNameAsync(new SetUniverseNameRequest { Universe = 9, Name = "x" }).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, ex.StatusCode);
    }

    [Fact]
    public async Task SetMergeMode_Htp_PerSlotMaximumOfSources()
    {
        await _host.Frames.SetFrameAsync(new SetFrameRequest { Frame = GrpcTestHost.Frame(4, 10, 200), SourceName = "a" });
        await _host.Frames.SetFrameAsync(new SetFrameRequest { Frame = GrpcTestHost.Frame(4, 100, 20), SourceName = "b" });
        Assert.Equal([100, 20], _host.Universe(4).GetMergedCopy());

        V1.Universe u = await _host.Universes.SetMergeModeAsync(new SetMergeModeRequest { Universe = 4, MergeMode = MergeMode.Htp });

        Assert.Equal(MergeMode.Htp, u.MergeMode);
        Assert.Equal([100, 200], _host.Universe(4).GetMergedCopy());
    }

    [Fact]
    public async Task SetMergeMode_Unspecified_InvalidArgument()
    {
        await _host.Frames.SetFrameAsync(new SetFrameRequest { Frame = GrpcTestHost.Frame(5, 1) });

        var ex = await Assert.ThrowsAsync<RpcException>(() => _host.Universes.SetMergeModeAsync(new SetMergeModeRequest { Universe = 5 }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Equal(OlaSharp.Core.MergeMode.Ltp, _host.Universe(5).MergeMode);
    }

    [Fact]
    public async Task ListPorts_DummyPlugin_OutputPortListed()
    {
        ListPortsResponse r = await _host.Ports.ListPortsAsync(new ListPortsRequest());

        V1.Port p = Assert.Single(r.Ports);
        Assert.Equal(("1-1-O-0", PortDirection.Output, "1-1", "Dummy Device", false), (p.Id, p.Direction, p.DeviceId, p.DeviceName, p.Patched));
    }

    [Fact]
    public async Task PatchPort_DummyOutput_FramesReachThePort()
    {
        V1.Port p = await _host.Ports.PatchPortAsync(new PatchPortRequest { PortId = "1-1-O-0", Universe = 1 });
        Assert.Equal((true, 1U), (p.Patched, p.Universe));

        await _host.Frames.SetFrameAsync(new SetFrameRequest { Frame = GrpcTestHost.Frame(1, 1, 2, 3) });

        await GrpcTestHost.WaitUntilAsync(() => _host.DummyPort.LastSlots().SequenceEqual(new byte[] { 1, 2, 3 }), "the dummy port to emit the frame");
    }

    [Fact]
    public async Task UnpatchPort_Patched_UnpatchedAndUniverseFree()
    {
        await _host.Ports.PatchPortAsync(new PatchPortRequest { PortId = "1-1-O-0", Universe = 2 });

        V1.Port p = await _host.Ports.UnpatchPortAsync(new UnpatchPortRequest { PortId = "1-1-O-0" });

        Assert.Equal((false, 0U), (p.Patched, p.Universe));
        Assert.False(_host.Universe(2).IsInUse);
    }

    [Theory]
    [InlineData("9-9-O-0")]
    [InlineData("1-1-I-0")]
    public async Task PatchAndUnpatch_UnknownPort_NotFound(string portId)
    {
        var patch = await Assert.ThrowsAsync<RpcException>(() => _host.Ports.PatchPortAsync(new PatchPortRequest { PortId = portId, Universe = 1 }).ResponseAsync);
        var unpatch = await Assert.ThrowsAsync<RpcException>(() => _host.Ports.UnpatchPortAsync(new UnpatchPortRequest { PortId = portId }).ResponseAsync);

        Assert.Equal((StatusCode.NotFound, StatusCode.NotFound), (patch.StatusCode, unpatch.StatusCode));
        Assert.Equal($"port {portId} does not exist", patch.Status.Detail);
    }

    [Theory]
    [InlineData(0U)]
    [InlineData(64000U)]
    public async Task PatchPort_BadUniverse_InvalidArgument(uint universe)
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => _host.Ports.PatchPortAsync(new PatchPortRequest { PortId = "1-1-O-0", Universe = universe }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Null(_host.DummyPort.Universe);
    }
}
