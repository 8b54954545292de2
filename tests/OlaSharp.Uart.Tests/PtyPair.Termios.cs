// Licensed under the MIT License. See LICENSE in the repository root.
using OlaSharp.Core.Interop;
namespace OlaSharp.Uart.Tests;

/// <summary>The part of <see cref="PtyPair"/> that uses the plugin's internal termios declarations.</summary>
internal sealed unsafe partial class PtyPair
{
    /// <summary>Reads the slave's current termios2 through the test's own descriptor.</summary>
    public Internal.Native.Termios2 SlaveTermios()
    {
        int fd = Libc.Open(SlavePath, Libc.ORdWr | Libc.ONoCtty);
        Assert.True(fd >= 0);
        try
        {
            Internal.Native.Termios2 t;
            Assert.Equal(0, Internal.Native.Ioctl(fd, Internal.Native.TcGets2, &t));
            return t;
        }
        finally
        {
            _ = Close(fd);
        }
    }
}
