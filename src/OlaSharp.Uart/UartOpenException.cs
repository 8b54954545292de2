// Licensed under the MIT License. See LICENSE in the repository root.
using System.Globalization;
using OlaSharp.Core.Interop;
using OlaSharp.Core.Plugins;

namespace OlaSharp.Uart;

/// <summary>
/// A UART that could not be opened, with the health state the failure means (an <see cref="IOException"/>
/// whose <see cref="Exception.HResult"/> is the errno, so callers that only know <see cref="IOException"/> keep working).
/// </summary>
public sealed class UartOpenException : IOException
{
    /// <summary>Creates the exception.</summary>
    public UartOpenException(string message, int errno, DeviceHealthState state, IReadOnlyList<DeviceHolder>? holders = null)
        : base(message, errno)
    {
        State = state;
        Holders = holders ?? [];
    }

    /// <summary>Creates the exception (serialization-free constructors for the analyzers).</summary>
    public UartOpenException()
        : this("The UART could not be opened.", 0, DeviceHealthState.OpenFailed)
    {
    }

    /// <summary>Creates the exception.</summary>
    public UartOpenException(string message)
        : this(message, 0, DeviceHealthState.OpenFailed)
    {
    }

    /// <summary>Creates the exception.</summary>
    public UartOpenException(string message, Exception innerException)
        : base(message, innerException)
    {
        State = DeviceHealthState.OpenFailed;
        Holders = [];
    }

    /// <summary>What the failure means for the device.</summary>
    public DeviceHealthState State { get; }

    /// <summary>The processes that hold the device (<c>olad (pid 1234)</c>), when busy and visible.</summary>
    public IReadOnlyList<DeviceHolder> Holders { get; }

    /// <summary>The state an open failure means: the exception's own, or one read from its errno.</summary>
    public static DeviceHealthState Classify(IOException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (exception is UartOpenException u)
        {
            return u.State;
        }

        return exception.HResult switch
        {
            Libc.ENoEnt or Libc.ENxio or Libc.ENoDev => DeviceHealthState.Missing,
            Libc.EAcces or Libc.EPerm => DeviceHealthState.PermissionDenied,
            Libc.EBusy => DeviceHealthState.Busy,
            Libc.ENotty => DeviceHealthState.NotATty,
            _ => exception is FileNotFoundException or DirectoryNotFoundException ? DeviceHealthState.Missing : DeviceHealthState.OpenFailed,
        };
    }
}

/// <summary>A process that holds a device open: its pid and name (<c>/proc/PID/comm</c>).</summary>
/// <param name="Pid">Process id.</param>
/// <param name="Name">Process name (<c>olad</c>).</param>
public readonly record struct DeviceHolder(int Pid, string Name)
{
    /// <summary><c>olad (pid 1234)</c>.</summary>
    public override string ToString() => $"{Name} (pid {Pid.ToString(CultureInfo.InvariantCulture)})";
}
