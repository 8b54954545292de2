// Licensed under the MIT License. See LICENSE in the repository root.

namespace OlaSharp.Udp;

/// <summary>What a protocol node gives its <see cref="UdpTransport"/>: the callbacks of its receive thread.</summary>
public interface IUdpHandler
{
    /// <summary>One datagram (possibly empty) from <paramref name="from"/>; the span and the address are reused after the call.</summary>
    void OnDatagram(ReadOnlySpan<byte> datagram, SocketAddress from, long now);

    /// <summary>A read failed but the queue moved on (<see cref="SocketError.MessageSize"/>, <see cref="SocketError.ConnectionReset"/>).</summary>
    void OnReceiveError(SocketError error);

    /// <summary>After every wake-up of the receive thread, at least every <see cref="UdpTransport.TickInterval"/>.</summary>
    void OnTick(long now);

    /// <summary>A send failed (the caller's thread, usually the clock's); already counted.</summary>
    void OnSendError(SocketError error);

    /// <summary>An unexpected exception in the loop; the loop goes on after 100 ms.</summary>
    void OnLoopError(Exception exception);
}
