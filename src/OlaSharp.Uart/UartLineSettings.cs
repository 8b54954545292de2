// Licensed under the MIT License. See LICENSE in the repository root.
namespace OlaSharp.Uart;

/// <summary>
/// The timing and driver-enable settings of one UART, read from <c>ola-uartdmx.conf</c>
/// (<c>&lt;device&gt;-break</c>, <c>-malf</c> as in olad; <c>-mab</c>, <c>-refresh_hz</c>, <c>-de_gpio</c>,
/// <c>-de_active_high</c> ours).
/// </summary>
/// <param name="BreakMicroseconds">Break length, 88..1,000,000 µs (olad default 100).</param>
/// <param name="MabMicroseconds">Mark after break, 8..1,000,000 µs (olad fixes it at 16).</param>
/// <param name="MalfMicroseconds">Idle mark after the frame has left the UART, before the next break, 8..1,000,000 µs.</param>
/// <param name="RefreshHz">Frame starts on absolute deadlines at this rate (1..44); 0 runs as fast as the line allows.</param>
/// <param name="DeGpio">BCM pin of the RS-485 driver-enable, or null when the transceiver switches itself.</param>
/// <param name="DeActiveHigh">Whether the driver-enable pin is driven high to transmit.</param>
/// <param name="DeGpioChip">
/// <c>&lt;device&gt;-de_gpiochip</c>: the GPIO chip of <paramref name="DeGpio"/> by label or node, for boards that are
/// not a Raspberry Pi; null finds the Pi's chip by its label.
/// </param>
public sealed record UartLineSettings(
    int BreakMicroseconds = UartLineSettings.DefaultBreak,
    int MabMicroseconds = UartLineSettings.DefaultMab,
    int MalfMicroseconds = UartLineSettings.DefaultMalf,
    int RefreshHz = 0,
    int? DeGpio = null,
    bool DeActiveHigh = true,
    string? DeGpioChip = null)
{
    /// <summary>olad's default break, µs.</summary>
    public const int DefaultBreak = 100;

    /// <summary>olad's fixed MAB, µs.</summary>
    public const int DefaultMab = 16;

    /// <summary>olad's default mark after last frame, µs.</summary>
    public const int DefaultMalf = 100;

    /// <summary>Highest refresh rate accepted: 513 slots at 44 µs plus break and MAB take about 22.7 ms.</summary>
    public const int MaxRefreshHz = 44;
}
