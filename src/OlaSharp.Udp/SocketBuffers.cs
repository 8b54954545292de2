// Licensed under the MIT License. See LICENSE in the repository root.
using System.Buffers.Binary;

namespace OlaSharp.Udp;

/// <summary>Receive-buffer sizing for the UDP protocol nodes (the transport and the protocol nodes pass their sockets).</summary>
public static class SocketBuffers
{
    /// <summary>
    /// What the sACN and Art-Net nodes ask for: the kernel's default (208 KiB) held about 10 ms of traffic at
    /// 2,000 universes x 44 Hz in interop/bench, and a late receive thread lost packets at the socket.
    /// </summary>
    public const int DefaultReceiveBytes = 8 * 1024 * 1024;

    private const int SolSocket = 1;
    private const int SoRcvBufForce = 33;

    /// <summary>
    /// Asks for a receive buffer of <paramref name="bytes"/>. Linux caps the request at
    /// <c>net.core.rmem_max</c>; with CAP_NET_ADMIN (root) <c>SO_RCVBUFFORCE</c> passes the cap. Returns the
    /// size the kernel reports (Linux reports twice the usable bytes, its bookkeeping included). Never throws.
    /// </summary>
    public static int GrowReceiveBuffer(Socket socket, int bytes = DefaultReceiveBytes)
    {
        ArgumentNullException.ThrowIfNull(socket);
        try
        {
            socket.ReceiveBufferSize = bytes;
            if (socket.ReceiveBufferSize < bytes && OperatingSystem.IsLinux())
            {
                Span<byte> value = stackalloc byte[sizeof(int)];
                BinaryPrimitives.WriteInt32LittleEndian(value, bytes);
                try
                {
                    socket.SetRawSocketOption(SolSocket, SoRcvBufForce, value);
                }
                catch (SocketException)
                {
                    // Not privileged: keep what rmem_max allows.
                }
            }

            return socket.ReceiveBufferSize;
        }
        catch (SocketException)
        {
            return 0;
        }
    }
}
