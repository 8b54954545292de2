// Licensed under the MIT License. See LICENSE in the repository root.
namespace OlaSharp.Uart;

/// <summary>
/// One opened UART as the line writer drives it: the OS calls of a DMX frame, behind an interface so the
/// writer's sequence and timing can be tested with a fake. Every method throws <see cref="IOException"/>
/// when the device has gone (unplugged, hung up); the writer then closes it and reopens the path.
/// </summary>
public interface IUartLine : IDisposable
{
    /// <summary>
    /// Asserts (<c>TIOCSBRK</c>) or releases (<c>TIOCCBRK</c>) the break condition. Returns false when the
    /// device cannot signal a break at all (a pseudo-terminal, say); throws when the device failed.
    /// </summary>
    bool SetBreak(bool on);

    /// <summary>Writes the whole buffer (start code and slots) in one call, retrying partial writes.</summary>
    void Write(ReadOnlySpan<byte> data);

    /// <summary>Waits until every written byte has left the UART (<c>tcdrain</c>).</summary>
    void Drain();
}

/// <summary>Opens UARTs by path and sets them up for DMX512 (250 kbaud, 8N2, raw).</summary>
public interface IUartLineFactory
{
    /// <summary>
    /// Opens and configures <paramref name="path"/>. Throws <see cref="IOException"/> when it cannot be opened.
    /// <paramref name="warning"/> is set when the device took the open but not the whole DMX setup (a pty
    /// that keeps its own baud rate); the line is still usable as a byte stream.
    /// </summary>
    IUartLine Open(string path, out string? warning);
}

/// <summary>The monotonic clock of the line thread, in nanoseconds; a fake advances it in tests.</summary>
public interface ILineClock
{
    /// <summary>Now, in nanoseconds on a monotonic clock.</summary>
    long NowNanoseconds { get; }

    /// <summary>
    /// Returns when <see cref="NowNanoseconds"/> reaches <paramref name="deadlineNanoseconds"/>: sleeps the
    /// bulk and spins the last stretch. Returns early only when <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    void WaitUntil(long deadlineNanoseconds, CancellationToken cancellationToken);
}
