// Licensed under the MIT License. See LICENSE in the repository root.

namespace OlaSharp.Http.Internal;

/// <summary>
/// <c>GET /live?u=N</c>: a universe's merged slots as server-sent events. Each accepted update wakes the
/// stream; bursts coalesce so a client gets at most one event per <see cref="MinInterval"/> (no polling,
/// and no backlog when a console sends faster than the browser reads).
/// </summary>
internal static class LiveDmxStream
{
    /// <summary>At most 40 events per second per client: the view stays within 25 ms of the data.</summary>
    public static readonly TimeSpan MinInterval = TimeSpan.FromMilliseconds(25);

    public static async Task RunAsync(HttpContext ctx, UniverseRegistry universes)
    {
        if (!OlaResults.TryInt(ctx.Request.Query["u"], out int id))
        {
            await OlaResults.HelpRedirect().ExecuteAsync(ctx).ConfigureAwait(false);
            return;
        }

        CancellationToken ct = ctx.RequestAborted;
        ctx.Response.ContentType = "text/event-stream";
        ctx.Response.Headers.CacheControl = "no-cache";
        ctx.Response.Headers["X-Accel-Buffering"] = "no";
        using var signal = new SemaphoreSlim(1, 1);
        void OnUpdated(Universe u, bool changed) => Release(signal);
        void OnCreated(Universe u)
        {
            if (u.Id == id)
            {
                Release(signal);
            }
        }

        universes.Created += OnCreated;
        UniverseSubscription? subscribed = null;
        var sb = new StringBuilder(2200);
        try
        {
            while (!ct.IsCancellationRequested)
            {
                // Wait for an update, or 1 s so a deleted/created universe is noticed and proxies see traffic.
                await signal.WaitAsync(TimeSpan.FromSeconds(1), ct).ConfigureAwait(false);
                universes.TryGet(id, out Universe? u);
                if (!ReferenceEquals(u, subscribed?.Universe))
                {
                    // Not as a sink: a browser watching does not keep a universe from being collected (olad's UI polls).
                    subscribed?.Dispose();
                    subscribed = u is null ? null : ServerCore.Subscribe(u, OnUpdated, asSink: false);
                }

                sb.Clear();
                if (u is null)
                {
                    sb.Append("event: missing\ndata: {}\n\n");
                }
                else
                {
                    byte[] data = u.GetMergedCopy();
                    sb.Append("data: {\"u\":").Append(id).Append(",\"version\":").Append(u.Version).Append(",\"dmx\":[");
                    for (int i = 0; i < data.Length; i++)
                    {
                        if (i > 0)
                        {
                            sb.Append(',');
                        }

                        sb.Append(data[i]);
                    }

                    sb.Append("]}\n\n");
                }

                await ctx.Response.WriteAsync(sb.ToString(), ct).ConfigureAwait(false);
                await ctx.Response.Body.FlushAsync(ct).ConfigureAwait(false);
                await Task.Delay(MinInterval, ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // The browser went away.
        }
        finally
        {
            universes.Created -= OnCreated;
            subscribed?.Dispose();
        }
    }

    private static void Release(SemaphoreSlim signal)
    {
        try
        {
            if (signal.CurrentCount == 0)
            {
                signal.Release();
            }
        }
        catch (Exception ex) when (ex is SemaphoreFullException or ObjectDisposedException)
        {
            // Already signalled, or the stream ended.
        }
    }
}
