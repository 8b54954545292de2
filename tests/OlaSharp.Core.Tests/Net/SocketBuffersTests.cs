// Licensed under the MIT License. See LICENSE in the repository root.
using System.Net.Sockets;
using OlaSharp.Udp;

namespace OlaSharp.Core.Tests.Net;

public class SocketBuffersTests
{
    [Fact]
    public void GrowReceiveBuffer_GetsTheSizeAsked_PastRmemMaxWhenPrivileged()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        int before = socket.ReceiveBufferSize;
        const int Asked = 4 * 1024 * 1024;
        int granted = SocketBuffers.GrowReceiveBuffer(socket, Asked);
        Assert.Equal(socket.ReceiveBufferSize, granted);
        Assert.True(granted >= before, $"{granted} < {before}");
        int rmemMax = int.Parse(File.ReadAllText("/proc/sys/net/core/rmem_max").Trim(), System.Globalization.CultureInfo.InvariantCulture);
        if (Environment.UserName == "root")
        {
            // SO_RCVBUFFORCE: the whole request (Linux reports it doubled).
            Assert.True(granted >= Asked, $"granted {granted}, rmem_max {rmemMax}");
        }
        else
        {
            Assert.True(granted >= Math.Min(Asked, rmemMax), $"granted {granted}, rmem_max {rmemMax}");
        }
    }
}
