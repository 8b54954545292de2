// Licensed under the MIT License. See LICENSE in the repository root.
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace OlaSharp.Udp;

/// <summary>
/// What every UDP protocol node (Art-Net, E1.31, the hot-standby heartbeat) has besides its protocol: its clock,
/// its logger, the <see cref="UdpTransport"/> its sockets run on, a throttle for the lines about bad input, and a
/// dispose that runs once and joins the receive thread. A node keeps only what is its own: parsing, its state
/// machines, its packets.
/// </summary>
public abstract class UdpNode : IDisposable
{
    private int _disposed;

    /// <summary>Creates the node on <paramref name="time"/> (the system clock when null).</summary>
    protected UdpNode(TimeProvider? time, ILogger? logger)
    {
        Time = time ?? TimeProvider.System;
        Logger = logger ?? NullLogger.Instance;
        BadInputLog = new LogThrottle(Time);
    }

    /// <summary>The node's clock (timestamps of packets, senders and timers).</summary>
    public TimeProvider Time { get; }

    /// <summary>The node's logger.</summary>
    protected ILogger Logger { get; }

    /// <summary>At most one line per <see cref="LogThrottle.BadInputInterval"/> about input the node dropped.</summary>
    protected LogThrottle BadInputLog { get; }

    /// <summary>The transport its sockets run on, from start (null before, or when they could not open).</summary>
    protected UdpTransport? Transport { get; set; }

    /// <summary><paramref name="span"/> in <see cref="Time"/>'s timestamp ticks.</summary>
    protected long ToTicks(TimeSpan span) => (long)(span.TotalSeconds * Time.TimestampFrequency);

    /// <inheritdoc />
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Closes the sockets and joins the receive thread, once; a node then lets go of what else it holds.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing && Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            Transport?.Dispose();
        }
    }
}
