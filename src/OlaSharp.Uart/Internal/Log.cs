// Licensed under the MIT License. See LICENSE in the repository root.
using Microsoft.Extensions.Logging;

namespace OlaSharp.Uart.Internal;

/// <summary>UART DMX log messages (EventIds 2000-2099), one group per component.</summary>
internal static partial class Log
{
    // UART line thread (UartLineWriter), 2001-2012.
    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "Could not open {Path}: {Reason}; retrying until it appears")] public static partial void OpenFailed(ILogger logger, string path, string reason);
    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "{Path} failed ({Reason}); closed, reopening when it returns ({Suppressed} similar warnings suppressed)")] public static partial void LineLost(ILogger logger, string path, string reason, int suppressed);
    [LoggerMessage(EventId = 2003, Level = LogLevel.Information, Message = "{Path} reopened; DMX output resumed")] public static partial void Reopened(ILogger logger, string path);
    [LoggerMessage(EventId = 2004, Level = LogLevel.Warning, Message = "{Path} cannot signal a break (not a UART?); sending the byte stream without breaks")] public static partial void BreakUnsupported(ILogger logger, string path);
    [LoggerMessage(EventId = 2005, Level = LogLevel.Warning, Message = "{Path}: {Warning}")] public static partial void SetupIncomplete(ILogger logger, string path, string warning);
    [LoggerMessage(EventId = 2006, Level = LogLevel.Information, Message = "{Path}: driver-enable GPIO {Pin} driven {Level} on {Chip} ({Label})")] public static partial void DriverEnabled(ILogger logger, string path, int pin, string level, string chip, string label);
    [LoggerMessage(EventId = 2007, Level = LogLevel.Warning, Message = "{Path}: could not release driver-enable GPIO {Pin}")] public static partial void GpioReleaseFailed(ILogger logger, Exception exception, string path, int pin);
    [LoggerMessage(EventId = 2008, Level = LogLevel.Error, Message = "UART line thread for {Path} stopped")] public static partial void ThreadFailed(ILogger logger, Exception exception, string path);
    [LoggerMessage(EventId = 2009, Level = LogLevel.Warning, Message = "UART line thread for {Path} did not stop within 5 s")] public static partial void StopTimedOut(ILogger logger, string path);

    // The reason is DriverEnableException.Message, a sentence with the fix; no stack trace for a setup problem.
    [LoggerMessage(EventId = 2010, Level = LogLevel.Error, Message = "{Path}: could not drive driver-enable GPIO {Pin}, the transceiver may not transmit: {Reason}")] public static partial void GpioFailed(ILogger logger, string path, int pin, string reason);
    [LoggerMessage(EventId = 2011, Level = LogLevel.Information, Message = "UART line thread for {Path} runs SCHED_FIFO {Priority}")] public static partial void Realtime(ILogger logger, string path, int priority);
    [LoggerMessage(EventId = 2012, Level = LogLevel.Warning, Message = "UART line thread for {Path} could not get SCHED_FIFO {Priority} ({Reason}); break timing may stretch under load (LimitRTPRIO= in the systemd unit allows it)")] public static partial void NoRealtime(ILogger logger, string path, string reason, int priority);

    // UART plugin (UartDmxPlugin), 2020-2023.
    [LoggerMessage(EventId = 2020, Level = LogLevel.Warning, Message = "Could not open {Path}: {Reason}; looking for it every second")] public static partial void DeviceMissing(ILogger logger, string path, string reason);
    [LoggerMessage(EventId = 2021, Level = LogLevel.Information, Message = "UART {Path} started: break {Break} us, MAB {Mab} us, malf {Malf} us, refresh {Hz} Hz (0 = line rate)")] public static partial void DeviceStarted(ILogger logger, string path, int @break, int mab, int malf, int hz);
    [LoggerMessage(EventId = 2022, Level = LogLevel.Warning, Message = "{Path}: {Warning}")] public static partial void SetupWarning(ILogger logger, string path, string warning);

    // Device health (UartHealth), 2024-2025.
    [LoggerMessage(EventId = 2024, Level = LogLevel.Warning, Message = "{Path}: {State}. {Problem} Fix: {Fix}")] public static partial void HealthChanged(ILogger logger, string path, string state, string problem, string fix);
    [LoggerMessage(EventId = 2025, Level = LogLevel.Information, Message = "{Path}: open, DMX output running")] public static partial void HealthOpen(ILogger logger, string path);

    // Hot standby (UartLineWriter), 2026-2027: one line per change of the output gate.
    [LoggerMessage(EventId = 2026, Level = LogLevel.Information, Message = "{Path}: line released by standby (the partner drives it; {How}), no frames sent")] public static partial void LineReleased(ILogger logger, string path, string how);
    [LoggerMessage(EventId = 2027, Level = LogLevel.Information, Message = "{Path}: line taken by this server (active), driver-enable on and the current frame sent")] public static partial void LineResumed(ILogger logger, string path);
}
