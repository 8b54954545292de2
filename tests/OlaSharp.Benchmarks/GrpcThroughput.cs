// Licensed under the MIT License. See LICENSE in the repository root.
using System.Diagnostics;
using System.Globalization;
using System.Net;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OlaSharp.Core;
using OlaSharp.Core.Clock;
using OlaSharp.Core.Plugins;
using OlaSharp.Grpc;
using OlaSharp.Grpc.V1;
using Universe = OlaSharp.Core.Universe;

namespace OlaSharp.Benchmarks;

/// <summary>
/// End-to-end gRPC figures over loopback in one process (server and client both counted):
/// frames per second one StreamFrames call pushes into a universe, and the time and allocations to
/// fan one change out to 100 WatchFrames subscribers. Allocations are process-wide bytes per frame.
/// Run: <c>dotnet run -c Release --project tests/OlaSharp.Benchmarks -- grpc [frames] [watchers]</c>.
/// </summary>
public static class GrpcThroughput
{
    /// <summary>Runs both measurements and prints the figures.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        int frames = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 200_000;
        int watchers = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100;
        var universes = new UniverseRegistry();
        using var clock = new RefreshScheduler();
        var devices = new DeviceRegistry(universes, clock, null);
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, lo => lo.Protocols = HttpProtocols.Http2));
        builder.Services.AddOlaSharpGrpc(_ => new OlaSharp.Core.Server.ServerCore(universes, devices));
        await using WebApplication app = builder.Build();
        app.MapOlaSharpGrpc();
        await app.StartAsync();
        int port = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;
        using GrpcChannel channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
        var client = new FrameService.FrameServiceClient(channel);

        await StreamAsync(client, universes, 2_000); // warm-up (JIT, connection)
        (double fps, double bytesPerFrame) = await StreamAsync(client, universes, frames);
        Console.WriteLine($"StreamFrames: {frames} frames of 512 slots, {fps:F0} frames/s, {bytesPerFrame:F0} B allocated per frame (client + server)");

        await FanOutAsync(client, universes, watchers, 20); // warm-up
        (double perChange, double bytesPerChange, double bytesPerMessage) = await FanOutAsync(client, universes, watchers, 200);
        Console.WriteLine($"WatchFrames fan-out: {watchers} watchers, {perChange:F2} ms per change until all {watchers} received it, " +
            $"{bytesPerChange:F0} B allocated per change ({bytesPerMessage:F0} B per delivered message, client + server)");
        await app.StopAsync();
        return 0;
    }

    private static async Task<(double Fps, double BytesPerFrame)> StreamAsync(FrameService.FrameServiceClient client, UniverseRegistry universes, int frames)
    {
        var requests = new StreamFramesRequest[256];
        for (int i = 0; i < requests.Length; i++)
        {
            var slots = new byte[512];
            slots.AsSpan().Fill((byte)i);
            requests[i] = new StreamFramesRequest { Frame = new Frame { Universe = 1, Slots = ByteString.CopyFrom(slots) }, SourceName = "bench" };
        }

        long allocated = GC.GetTotalAllocatedBytes(true);
        var sw = Stopwatch.StartNew();
        using AsyncClientStreamingCall<StreamFramesRequest, StreamFramesResponse> call = client.StreamFrames();
        for (int i = 0; i < frames; i++)
        {
            await call.RequestStream.WriteAsync(requests[i & 255]);
        }

        await call.RequestStream.CompleteAsync();
        StreamFramesResponse r = await call.ResponseAsync;
        sw.Stop();
        long bytes = GC.GetTotalAllocatedBytes(true) - allocated;
        if ((int)r.FramesReceived != frames || !universes.TryGet(1, out _))
        {
            throw new InvalidOperationException($"the server received {r.FramesReceived} of {frames} frames");
        }

        return (frames / sw.Elapsed.TotalSeconds, (double)bytes / frames);
    }

    private static async Task<(double MsPerChange, double BytesPerChange, double BytesPerMessage)> FanOutAsync(FrameService.FrameServiceClient client, UniverseRegistry universes, int watchers, int changes)
    {
        Universe u = universes.GetOrCreate(2);
        DmxSource source = u.AddSource("bench", "bench", Timeout.InfiniteTimeSpan);
        var slots = new byte[512];
        using var cts = new CancellationTokenSource();
        var calls = new List<AsyncServerStreamingCall<WatchFramesResponse>>();
        for (int i = 0; i < watchers; i++)
        {
            AsyncServerStreamingCall<WatchFramesResponse> call = client.WatchFrames(new WatchFramesRequest { Universes = { 2 }, RefreshIntervalMs = 0 }, cancellationToken: cts.Token);
            await call.ResponseStream.MoveNext(cts.Token); // the initial frame: subscribed
            calls.Add(call);
        }

        long allocated = GC.GetTotalAllocatedBytes(true);
        var sw = Stopwatch.StartNew();
        for (int c = 1; c <= changes; c++)
        {
            BitConverter.TryWriteBytes(slots, c);
            u.Update(source, slots);

            // Each change is read by every watcher before the next one, so none is coalesced away.
            await Task.WhenAll(calls.Select(async call =>
            {
                while (await call.ResponseStream.MoveNext(cts.Token) && BitConverter.ToInt32(call.ResponseStream.Current.Slots.Span) != c)
                {
                }
            }));
        }

        sw.Stop();
        long bytes = GC.GetTotalAllocatedBytes(true) - allocated;
        await cts.CancelAsync();
        foreach (AsyncServerStreamingCall<WatchFramesResponse> call in calls)
        {
            call.Dispose();
        }

        u.RemoveSource(source);
        return (sw.Elapsed.TotalMilliseconds / changes, (double)bytes / changes, (double)bytes / changes / watchers);
    }
}
