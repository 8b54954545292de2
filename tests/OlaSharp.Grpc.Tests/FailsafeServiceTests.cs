// Licensed under the MIT License. See LICENSE in the repository root.
using Grpc.Core;
using OlaSharp.Grpc.V1;

namespace OlaSharp.Grpc.Tests;

/// <summary>Issue 17: UniverseService's failsafe, scenes and startup scene, and their statuses.</summary>
public sealed class FailsafeServiceTests : IAsyncLifetime
{
    private GrpcTestHost _host = null!;

    public async Task InitializeAsync() => _host = await GrpcTestHost.StartAsync();

    public async Task DisposeAsync()
    {
        Assert.Empty(_host.Logs.Errors);
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task CaptureSetListDelete_RoundTrip()
    {
        await _host.Frames.SetFrameAsync(new SetFrameRequest { Frame = GrpcTestHost.Frame(1, 10, 20, 30), SourceName = "desk" });

        Failsafe captured = await _host.Universes.CaptureSceneAsync(new CaptureSceneRequest { Universe = 1, Name = "warm" });
        Assert.Equal(["warm"], captured.SceneNames);
        Assert.False(captured.Configured);
        Assert.Equal(FailsafeMode.Hold, captured.Mode);

        Failsafe set = await _host.Universes.SetFailsafeAsync(new SetFailsafeRequest { Universe = 1, Mode = FailsafeMode.Scene, Scene = "warm", AfterMs = 3000 });
        Assert.Equal((FailsafeMode.Scene, "warm", true, 3000U, true), (set.Mode, set.Scene, set.HasAfterMs, set.AfterMs, set.Configured));

        Failsafe startup = await _host.Universes.SetStartupSceneAsync(new SetStartupSceneRequest { Universe = 1, Name = "warm" });
        Assert.Equal("warm", startup.StartupScene);

        ListScenesResponse scenes = await _host.Universes.ListScenesAsync(new ListScenesRequest { Universe = 1 });
        Scene scene = Assert.Single(scenes.Scenes);
        Assert.Equal("warm", scene.Name);
        Assert.Equal(new byte[] { 10, 20, 30 }, scene.Slots.ToByteArray());

        var inUse = await Assert.ThrowsAsync<RpcException>(() => _host.Universes.DeleteSceneAsync(new DeleteSceneRequest { Universe = 1, Name = "warm" }).ResponseAsync);
        Assert.Equal(StatusCode.FailedPrecondition, inUse.StatusCode);
        Assert.Contains("failsafe scene", inUse.Status.Detail, StringComparison.Ordinal);

        await _host.Universes.SetFailsafeAsync(new SetFailsafeRequest { Universe = 1, Mode = FailsafeMode.Blackout });
        await _host.Universes.SetStartupSceneAsync(new SetStartupSceneRequest { Universe = 1 });
        Failsafe deleted = await _host.Universes.DeleteSceneAsync(new DeleteSceneRequest { Universe = 1, Name = "warm" });
        Assert.Empty(deleted.SceneNames);
        Assert.False(deleted.HasAfterMs);
        Assert.Equal(string.Empty, deleted.StartupScene);
    }

    [Fact]
    public async Task FailsafeActs_VisibleInGetFailsafe()
    {
        await _host.Frames.SetFrameAsync(new SetFrameRequest { Frame = GrpcTestHost.Frame(2, 5, 6), SourceName = "desk" });
        await _host.Universes.SetFailsafeAsync(new SetFailsafeRequest { Universe = 2, Mode = FailsafeMode.Full, AfterMs = 200 });

        Assert.False((await _host.Universes.GetFailsafeAsync(new GetFailsafeRequest { Universe = 2 })).Active);

        // The test host runs no SourceExpiryMonitor: do its tick once the deadline has passed.
        await Task.Delay(300);
        _host.Universe(2).ExpireSources(TimeProvider.System.GetTimestamp());
        Failsafe f = await _host.Universes.GetFailsafeAsync(new GetFailsafeRequest { Universe = 2 });

        Assert.True(f.Active);
        Assert.Equal(FailsafeMode.Full, f.ActiveMode);
        Assert.Equal(1UL, f.Activations);
        Assert.InRange(f.SinceUnixMs, DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds(), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        Assert.Equal(new byte[] { 255, 255 }, _host.Universe(2).GetMergedCopy());
    }

    [Fact]
    public async Task Errors_HaveStatusesAndMessages()
    {
        await _host.Frames.SetFrameAsync(new SetFrameRequest { Frame = GrpcTestHost.Frame(3, 1) });

        async Task<RpcException> Fails(Func<AsyncUnaryCall<Failsafe>> call) =>
            await Assert.ThrowsAsync<RpcException>(() => call().ResponseAsync);

        RpcException e = await Fails(() => _host.Universes.GetFailsafeAsync(new GetFailsafeRequest { Universe = 99 }));
        Assert.Equal((StatusCode.NotFound, "universe 99 does not exist"), (e.StatusCode, e.Status.Detail));

        e = await Fails(() => _host.Universes.SetFailsafeAsync(new SetFailsafeRequest { Universe = 3 }));
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);

        e = await Fails(() => _host.Universes.SetFailsafeAsync(new SetFailsafeRequest { Universe = 3, Mode = FailsafeMode.Scene }));
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Contains("needs a scene name", e.Status.Detail, StringComparison.Ordinal);

        e = await Fails(() => _host.Universes.SetFailsafeAsync(new SetFailsafeRequest { Universe = 3, Mode = FailsafeMode.Scene, Scene = "nope" }));
        Assert.Equal(StatusCode.NotFound, e.StatusCode);
        Assert.Contains("has no scene 'nope'", e.Status.Detail, StringComparison.Ordinal);

        e = await Fails(() => _host.Universes.SetFailsafeAsync(new SetFailsafeRequest { Universe = 3, Mode = FailsafeMode.Hold, AfterMs = 0 }));
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);

        e = await Fails(() => _host.Universes.CaptureSceneAsync(new CaptureSceneRequest { Universe = 3, Name = "no spaces" }));
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Contains("1 to 32 characters", e.Status.Detail, StringComparison.Ordinal);

        e = await Fails(() => _host.Universes.DeleteSceneAsync(new DeleteSceneRequest { Universe = 3, Name = "ghost" }));
        Assert.Equal(StatusCode.NotFound, e.StatusCode);

        e = await Fails(() => _host.Universes.SetStartupSceneAsync(new SetStartupSceneRequest { Universe = 3, Name = "ghost" }));
        Assert.Equal(StatusCode.NotFound, e.StatusCode);
    }
}
