// Licensed under the MIT License. See LICENSE in the repository root.
namespace OlaSharp.Uart.Gpio;

/// <summary>Why the driver-enable line could not be driven.</summary>
public enum DriverEnableFailure
{
    /// <summary>No <c>/dev/gpiochip*</c> at all.</summary>
    NoGpio,

    /// <summary>Chips exist, but none with a Raspberry Pi label (or the one <c>de_gpiochip</c> names).</summary>
    NoChip,

    /// <summary>Opening the chip node was refused (group).</summary>
    PermissionDenied,

    /// <summary>Another consumer holds the line.</summary>
    Busy,

    /// <summary>The pin number is past the chip's last line.</summary>
    OutOfRange,

    /// <summary>The kernel refused for another reason (errno in the message).</summary>
    Failed,
}

/// <summary>
/// The one exception <see cref="DriverEnableLine"/> throws. <see cref="Exception.Message"/> is a sentence for the
/// user that names the cause and the fix ("GPIO 18 is in use by 'xyz'..."); <see cref="Failure"/> classifies it.
/// </summary>
public sealed class DriverEnableException : IOException
{
    /// <summary>Creates the exception.</summary>
    public DriverEnableException(DriverEnableFailure failure, string message)
        : base(message)
    {
        Failure = failure;
    }

    /// <summary>Creates the exception (for serializers and analyzers; <see cref="Failure"/> is <see cref="DriverEnableFailure.Failed"/>).</summary>
    public DriverEnableException()
        : this(DriverEnableFailure.Failed, "the driver-enable GPIO could not be driven")
    {
    }

    /// <summary>Creates the exception with <see cref="DriverEnableFailure.Failed"/>.</summary>
    public DriverEnableException(string message)
        : this(DriverEnableFailure.Failed, message)
    {
    }

    /// <summary>Creates the exception with <see cref="DriverEnableFailure.Failed"/> and a cause.</summary>
    public DriverEnableException(string message, Exception innerException)
        : base(message, innerException)
    {
        Failure = DriverEnableFailure.Failed;
    }

    /// <summary>The kind of failure.</summary>
    public DriverEnableFailure Failure { get; }
}
