// Licensed under the MIT License. See LICENSE in the repository root.
namespace OlaSharp.Uart.Setup;

/// <summary>What <see cref="SetupDoctor"/> looks at.</summary>
public sealed record SetupOptions
{
    /// <summary>
    /// The file-system root the boot files, <c>/etc</c> and <c>/proc/device-tree/model</c> are read under
    /// (<c>/</c> for the running system).
    /// </summary>
    public string Root { get; init; } = "/";

    /// <summary>
    /// Whether this is the running system. False for <c>--root</c> (an SD card mounted on a laptop, a test tree):
    /// then the device node, its holders, the baud rate and the GPIO line are not applicable.
    /// </summary>
    public bool RunningSystem { get; init; } = true;

    /// <summary>The OLA conf dir (<c>ola-uartdmx.conf</c>, <c>ola-port.conf</c>), as a real path.</summary>
    public required string ConfigDir { get; init; }

    /// <summary>The service user named with <c>--user</c>; used when no olasharpd unit names one.</summary>
    public string? User { get; init; }

    /// <summary>The user running the doctor, used when neither a unit nor <see cref="User"/> names one.</summary>
    public string CurrentUser { get; init; } = Environment.UserName;

    /// <summary>The board named with <c>--model</c>, for a card without <c>/proc/device-tree/model</c>.</summary>
    public PiModel? Model { get; init; }

    /// <summary>
    /// The pid of the server asking (the web UI's setup page): its own hold on the tty and the GPIO line is
    /// how it should be, not a conflict.
    /// </summary>
    public int? ServerPid { get; init; }
}
