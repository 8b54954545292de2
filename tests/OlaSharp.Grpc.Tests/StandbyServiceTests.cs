// Licensed under the MIT License. See LICENSE in the repository root.
using Grpc.Core;
using OlaSharp.Grpc.V1;
using OlaSharp.Tests.Shared;
using StandbyRole = OlaSharp.Grpc.V1.StandbyRole;
using StandbyStatus = OlaSharp.Grpc.V1.StandbyStatus;

namespace OlaSharp.Grpc.Tests;

/// <summary>StandbyService over real Kestrel with a fake controller: the status, its changes, the switch-over.</summary>
public sealed class StandbyServiceTests
{
    [Fact]
    public async Task GetStatus_Standby_RolePartnerHeardAndWhyOutputsAreSilent()
    {
        FakeStandbyController standby = FakeStandbyController.StandbyOf();
        await using GrpcTestHost host = await GrpcTestHost.StartAsync(null, null, standby);
        var client = new StandbyService.StandbyServiceClient(host.Channel);

        StandbyStatus s = await client.GetStatusAsync(new GetStandbyStatusRequest());

        Assert.Equal((StandbyRole.Standby, "standby", "198.18.0.2", StandbyRole.Active), (s.Role, s.RoleName, s.Partner, s.PartnerRole));
        Assert.Equal((40L, "2026-12-03T00:30:00Z", 1UL), (s.PartnerLastHeardMs, s.Since, s.Transitions));
        Assert.Equal("the partner is active (heartbeat every 100 ms)", s.Reason);
        Assert.False(s.OutputsDriven);
        Assert.Equal("standby: partner 198.18.0.2 active, outputs silent, UART line released", s.Outputs);
    }

    [Fact]
    public async Task GetStatus_Standalone_DrivesOutputsNeverHeard()
    {
        await using GrpcTestHost host = await GrpcTestHost.StartAsync();
        var client = new StandbyService.StandbyServiceClient(host.Channel);

        StandbyStatus s = await client.GetStatusAsync(new GetStandbyStatusRequest());

        Assert.Equal((StandbyRole.Standalone, "standalone", string.Empty, -1L), (s.Role, s.RoleName, s.Partner, s.PartnerLastHeardMs));
        Assert.True(s.OutputsDriven);
        Assert.Equal("no partner is configured (ola-standby.conf)", s.Reason);
    }

    [Fact]
    public async Task WatchStatus_TheStatusNowThenEachChange()
    {
        FakeStandbyController standby = FakeStandbyController.StandbyOf();
        await using GrpcTestHost host = await GrpcTestHost.StartAsync(null, null, standby);
        var client = new StandbyService.StandbyServiceClient(host.Channel);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using AsyncServerStreamingCall<StandbyStatus> call = client.WatchStatus(new WatchStandbyStatusRequest(), cancellationToken: cts.Token);

        Assert.True(await call.ResponseStream.MoveNext(cts.Token));
        Assert.Equal(StandbyRole.Standby, call.ResponseStream.Current.Role);

        // The partner went silent: this one takes over (what B1's controller raises).
        Core.Standby.StandbyStatus now = standby.Status;
        standby.Set(now with { Role = Core.Standby.StandbyRole.Active, PartnerRole = Core.Standby.StandbyRole.Starting, PartnerLastHeard = TimeSpan.FromMilliseconds(1100), Reason = "the partner's heartbeat stopped 1.1 s ago", Transitions = 2 });
        Assert.True(await call.ResponseStream.MoveNext(cts.Token));
        StandbyStatus taken = call.ResponseStream.Current;
        Assert.Equal((StandbyRole.Active, 2UL, true, 1100L), (taken.Role, taken.Transitions, taken.OutputsDriven, taken.PartnerLastHeardMs));
        Assert.Equal("the partner's heartbeat stopped 1.1 s ago", taken.Reason);

        standby.Set(standby.Status with { PartnerRole = Core.Standby.StandbyRole.Standby, PartnerLastHeard = TimeSpan.FromMilliseconds(20) });
        Assert.True(await call.ResponseStream.MoveNext(cts.Token));
        Assert.Equal(StandbyRole.Standby, call.ResponseStream.Current.PartnerRole);
        Assert.Equal("active: this server drives the outputs (partner 198.18.0.2 is standby)", call.ResponseStream.Current.Outputs);
    }

    [Fact]
    public async Task SwitchOver_Allowed_SwitchesAndReturnsTheNewStatus()
    {
        FakeStandbyController standby = FakeStandbyController.StandbyOf();
        await using GrpcTestHost host = await GrpcTestHost.StartAsync(null, null, standby);
        var client = new StandbyService.StandbyServiceClient(host.Channel);

        StandbyStatus s = await client.SwitchOverAsync(new SwitchOverRequest());

        Assert.Equal(1, standby.SwitchOvers);
        Assert.Equal((StandbyRole.Active, StandbyRole.Standby, 2UL), (s.Role, s.PartnerRole, s.Transitions));
    }

    [Fact]
    public async Task SwitchOver_Refused_FailedPreconditionWithTheControllersSentence()
    {
        FakeStandbyController standby = FakeStandbyController.StandbyOf();
        standby.Refusal = "the partner 198.18.0.2 is not heard: handing over would leave the outputs dark";
        await using GrpcTestHost host = await GrpcTestHost.StartAsync(null, null, standby);
        var client = new StandbyService.StandbyServiceClient(host.Channel);

        RpcException ex = await Assert.ThrowsAsync<RpcException>(async () => await client.SwitchOverAsync(new SwitchOverRequest()));

        Assert.Equal(StatusCode.FailedPrecondition, ex.StatusCode);
        Assert.Equal(standby.Refusal, ex.Status.Detail);
        Assert.Equal(0, standby.SwitchOvers);
    }

    [Fact]
    public async Task SwitchOver_Standalone_RefusedWithTheConfHint()
    {
        await using GrpcTestHost host = await GrpcTestHost.StartAsync();
        var client = new StandbyService.StandbyServiceClient(host.Channel);

        RpcException ex = await Assert.ThrowsAsync<RpcException>(async () => await client.SwitchOverAsync(new SwitchOverRequest()));

        Assert.Equal(StatusCode.FailedPrecondition, ex.StatusCode);
        Assert.Equal("this server has no standby partner: set partner in ola-standby.conf", ex.Status.Detail);
    }

    [Fact]
    public async Task SwitchOver_TokenConfigured_NeedsTheToken_StatusStaysOpen()
    {
        FakeStandbyController standby = FakeStandbyController.StandbyOf();
        await using GrpcTestHost host = await GrpcTestHost.StartAsync(new GrpcApiOptions { AuthToken = "s3cret" }, null, standby);
        var client = new StandbyService.StandbyServiceClient(host.Channel);

        RpcException ex = await Assert.ThrowsAsync<RpcException>(async () => await client.SwitchOverAsync(new SwitchOverRequest()));
        Assert.Equal(StatusCode.Unauthenticated, ex.StatusCode);
        Assert.Equal(0, standby.SwitchOvers);
        Assert.Equal(StandbyRole.Standby, (await client.GetStatusAsync(new GetStandbyStatusRequest())).Role);

        await client.SwitchOverAsync(new SwitchOverRequest(), new Metadata { { "authorization", "Bearer s3cret" } });
        Assert.Equal(1, standby.SwitchOvers);
    }

    [Fact]
    public async Task PythonClient_StatusThenRefusedSwitch_StubsFromStandbyProto()
    {
        FakeStandbyController standby = FakeStandbyController.StandbyOf();
        await using GrpcTestHost host = await GrpcTestHost.StartAsync(null, null, standby);

        using ClientProcess status = ClientProcess.Python(host.Port, "standby");
        await status.AssertExitZeroAsync();
        System.Text.Json.JsonElement s = Assert.Single(status.Lines);
        Assert.Equal(("standby", "198.18.0.2", "STANDBY_ROLE_ACTIVE", 40L), (s.GetProperty("role").GetString(), s.GetProperty("partner").GetString(), s.GetProperty("partner_role").GetString(), s.GetProperty("partner_last_heard_ms").GetInt64()));
        Assert.Equal("standby: partner 198.18.0.2 active, outputs silent, UART line released", s.GetProperty("outputs").GetString());

        standby.Refusal = "the partner 198.18.0.2 is not heard: handing over would leave the outputs dark";
        using ClientProcess refused = ClientProcess.Python(host.Port, "standby", "--switch");
        Assert.Equal(2, await refused.WaitExitAsync());
        Assert.Contains("FAILED_PRECONDITION: the partner 198.18.0.2 is not heard: handing over would leave the outputs dark", refused.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, standby.SwitchOvers);
    }
}
