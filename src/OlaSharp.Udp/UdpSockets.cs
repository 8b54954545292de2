// Licensed under the MIT License. See LICENSE in the repository root.
using System.Text;

namespace OlaSharp.Udp;

/// <summary>How <see cref="UdpSockets.Open"/> sets a socket up.</summary>
public sealed record UdpSocketOptions(IPEndPoint Bind)
{
    /// <summary>Grow the receive buffer (<see cref="SocketBuffers"/>): for the socket that carries the bulk of the traffic.</summary>
    public bool GrowReceiveBuffer { get; init; }

    /// <summary>Allow sending to broadcast addresses.</summary>
    public bool Broadcast { get; init; }

    /// <summary>SO_BINDTODEVICE to this interface (Linux; ignored where not permitted).</summary>
    public string? Device { get; init; }

    /// <summary>DSCP for sent packets (0: leave the default).</summary>
    public int Dscp { get; init; }

    /// <summary>The interface multicast is sent from (null: the kernel's choice).</summary>
    public IPAddress? MulticastInterface { get; init; }
}

/// <summary>Socket setup for the UDP protocol nodes: one place for the options they share.</summary>
public static class UdpSockets
{
    /// <summary>
    /// Opens a non-blocking IPv4 UDP socket with SO_REUSEADDR (olad and a console on the same host share the
    /// port), the <paramref name="options"/>, bound to <see cref="UdpSocketOptions.Bind"/>. Throws
    /// <see cref="SocketException"/> when it cannot bind (the socket is closed then).
    /// </summary>
    public static Socket Open(UdpSocketOptions options, out int receiveBufferBytes)
    {
        ArgumentNullException.ThrowIfNull(options);
        receiveBufferBytes = 0;
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            if (options.GrowReceiveBuffer)
            {
                receiveBufferBytes = SocketBuffers.GrowReceiveBuffer(socket);
            }

            if (options.Broadcast)
            {
                socket.EnableBroadcast = true;
            }

            if (!string.IsNullOrEmpty(options.Device))
            {
                TryBindToDevice(socket, options.Device);
            }

            socket.Bind(options.Bind);
            socket.Blocking = false;
            if (options.Dscp > 0)
            {
                socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.TypeOfService, options.Dscp << 2);
            }

            if (options.MulticastInterface is { } multicastInterface)
            {
                socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastInterface, multicastInterface.GetAddressBytes());
            }

            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static void TryBindToDevice(Socket socket, string interfaceName)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        const int solSocket = 1;
        const int soBindToDevice = 25;
        byte[] name = Encoding.ASCII.GetBytes(interfaceName + "\0");
        try
        {
            socket.SetRawSocketOption(solSocket, soBindToDevice, name);
        }
        catch (SocketException)
        {
            // Without CAP_NET_RAW on old kernels: the socket then listens on every interface.
        }
    }
}
