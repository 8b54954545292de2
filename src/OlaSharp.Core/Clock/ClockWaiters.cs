// Licensed under the MIT License. See LICENSE in the repository root.
using System.Diagnostics;
using System.Runtime.InteropServices;
using OlaSharp.Core.Interop;

namespace OlaSharp.Core.Clock;

/// <summary>Blocks the clock thread until an absolute timestamp or a signal.</summary>
public interface IClockWaiter : IDisposable
{
    /// <summary>Returns at <paramref name="deadline"/> (a <see cref="TimeProvider.GetTimestamp"/> value), on <see cref="Signal"/>, or early on cancellation.</summary>
    void WaitUntil(long deadline, CancellationToken cancellationToken);

    /// <summary>Wakes a waiting <see cref="WaitUntil"/> (or the next one) at once.</summary>
    void Signal();
}

/// <summary>A waiter built on <see cref="TimeProvider"/> timers; works with any provider, including fakes.</summary>
public sealed class TimeProviderWaiter : IClockWaiter
{
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly ITimer _timer;

    /// <summary>Creates a waiter.</summary>
    public TimeProviderWaiter(TimeProvider time)
    {
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _timer = _time.CreateTimer(static s => ((TimeProviderWaiter)s!).Signal(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <inheritdoc />
    public void WaitUntil(long deadline, CancellationToken cancellationToken)
    {
        if (deadline != long.MaxValue)
        {
            long remaining = deadline - _time.GetTimestamp();
            if (remaining <= 0)
            {
                return;
            }

            _timer.Change(TimeUtil.FromTimestampTicks(remaining, _time.TimestampFrequency), Timeout.InfiniteTimeSpan);
        }

        try
        {
            _wake.Wait(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Cancellation ends the wait; the caller checks the token.
        }
    }

    /// <inheritdoc />
    public void Signal()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled: one pending wake is enough.
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _timer.Dispose();
        _wake.Dispose();
    }
}

/// <summary>
/// Linux waiter: a <c>timerfd</c> armed with an absolute CLOCK_MONOTONIC deadline plus an <c>eventfd</c>
/// for signals, both polled. .NET's Stopwatch timestamps on Linux are CLOCK_MONOTONIC nanoseconds, so
/// deadlines from <see cref="TimeProvider.System"/> map 1:1; wake-up is at microsecond resolution
/// instead of the millisecond rounding of <c>WaitHandle</c> timeouts.
/// </summary>
public sealed unsafe partial class TimerFdWaiter : IClockWaiter
{
    private readonly int _timerFd;
    private readonly int _eventFd;
    private int _disposed;

    /// <summary>Creates the descriptors; throws on non-Linux or when the kernel refuses.</summary>
    public TimerFdWaiter()
    {
        if (!IsSupported)
        {
            throw new PlatformNotSupportedException("timerfd needs 64-bit Linux (64-bit timespec) with a nanosecond Stopwatch.");
        }

        _timerFd = timerfd_create(Libc.ClockMonotonic, Libc.OCloExec);
        if (_timerFd < 0)
        {
            throw new InvalidOperationException($"timerfd_create failed: errno {Marshal.GetLastPInvokeError()}");
        }

        _eventFd = eventfd(0, Libc.OCloExec | Libc.ONonBlock);
        if (_eventFd < 0)
        {
            int err = Marshal.GetLastPInvokeError();
            _ = Libc.Close(_timerFd);
            throw new InvalidOperationException($"eventfd failed: errno {err}");
        }
    }

    /// <summary>True when this waiter can be used here.</summary>
    public static bool IsSupported => OperatingSystem.IsLinux() && IntPtr.Size == 8 && Stopwatch.Frequency == 1_000_000_000;

    /// <inheritdoc />
    public void WaitUntil(long deadline, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return;
        }

        var spec = default(ITimerSpec);
        if (deadline != long.MaxValue)
        {
            if (deadline - Stopwatch.GetTimestamp() <= 0)
            {
                return;
            }

            spec.ValueSec = deadline / 1_000_000_000;
            spec.ValueNsec = deadline % 1_000_000_000;
        }

        // A zero it_value disarms the timer: we then wait only for a signal.
        _ = timerfd_settime(_timerFd, Libc.TimerAbstime, &spec, null);
        Libc.PollFd* fds = stackalloc Libc.PollFd[2];
        fds[0] = new Libc.PollFd { Fd = _timerFd, Events = Libc.PollIn };
        fds[1] = new Libc.PollFd { Fd = _eventFd, Events = Libc.PollIn };
        int rc;
        do
        {
            rc = Libc.Poll(fds, 2, -1);
        }
        while (rc < 0 && Marshal.GetLastPInvokeError() == Libc.EIntr);

        ulong value;
        if ((fds[0].Revents & Libc.PollIn) != 0)
        {
            _ = Libc.Read(_timerFd, &value, 8);
        }

        if ((fds[1].Revents & Libc.PollIn) != 0)
        {
            _ = Libc.Read(_eventFd, &value, 8);
        }
    }

    /// <inheritdoc />
    public void Signal()
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            return;
        }

        ulong one = 1;
        _ = Libc.Write(_eventFd, &one, 8);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _ = Libc.Close(_timerFd);
            _ = Libc.Close(_eventFd);
        }
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int timerfd_create(int clockId, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int timerfd_settime(int fd, int flags, ITimerSpec* newValue, ITimerSpec* oldValue);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int eventfd(uint initval, int flags);

    [StructLayout(LayoutKind.Sequential)]
    private struct ITimerSpec
    {
        public long IntervalSec;
        public long IntervalNsec;
        public long ValueSec;
        public long ValueNsec;
    }
}
