// Licensed under the MIT License. See LICENSE in the repository root.
using Microsoft.Extensions.Logging;
using OlaSharp.Core;
using OlaSharp.Uart.Gpio;
using OlaSharp.Uart.Internal;

namespace OlaSharp.Uart;

/// <summary>Fills the slots of the next frame (at most 512) and returns how many there are.</summary>
public delegate int DmxSlotSource(Span<byte> slots);

/// <summary>
/// Drives one DMX512 line on its own thread. Per frame: break on (<c>TIOCSBRK</c>), hold <c>break</c> µs,
/// break off, hold MAB, one write of start code 0 and the slots, <c>tcdrain</c>, then idle <c>malf</c> µs;
/// with <c>refresh_hz</c> frames start on absolute deadlines. The break is never skipped (olad skips it
/// when its start-up sleep check fails, ola#1798). A device that fails is closed, logged once, and
/// reopened with backoff (at most <see cref="MaxReopenDelay"/> between attempts) until it returns.
/// The frame buffer is allocated once; a frame allocates nothing.
/// </summary>
public sealed partial class UartLineWriter : IDisposable
{
    /// <summary>Longest wait between reopen attempts, so a returning device is back within a second.</summary>
    public static readonly TimeSpan MaxReopenDelay = TimeSpan.FromMilliseconds(500);

    /// <summary>SCHED_FIFO priority of the line thread: above every ordinary thread, below the kernel's IRQ threads (50).</summary>
    public const int RealtimePriority = 10;

    private const long FirstReopenDelayNs = 50_000_000;
    private const long WarningIntervalNs = 10_000_000_000;

    private readonly string _path;
    private readonly UartLineSettings _settings;
    private readonly IUartLineFactory _factory;
    private readonly ILineClock _clock;
    private readonly DmxSlotSource _source;
    private readonly IGpioChips? _gpio;
    private readonly ILogger _logger;
    private readonly byte[] _frame = new byte[1 + DmxFrame.MaxSlots];
    private readonly long _breakNs;
    private readonly long _mabNs;
    private readonly long _malfNs;
    private readonly long _periodNs;
    private readonly CancellationTokenSource _stop = new();
    private IUartLine? _line;
    private Thread? _thread;
    private long _nextFrameStart = long.MinValue;
    private long _nextOpenAttempt = long.MinValue;
    private long _reopenDelay = FirstReopenDelayNs;
    private long _lastWarning = long.MinValue;
    private int _suppressedWarnings;
    private bool _quiet;
    private bool _lost;
    private bool _breakUnsupportedLogged;
    private DriverEnableLine? _de;
    private bool _deFailed;
    private long _frames;
    private long _failures;
    private int _disposed;

    /// <summary>Creates a writer; <paramref name="initialLine"/> is an already opened line (the plugin's test open).</summary>
    /// <param name="path">Device path, for reopening and logs.</param>
    /// <param name="settings">Timing and driver-enable settings.</param>
    /// <param name="factory">Opens the device.</param>
    /// <param name="clock">Monotonic clock.</param>
    /// <param name="source">Fills each frame's slots (the patched universe's merged frame).</param>
    /// <param name="gpio">The GPIO chips for <see cref="UartLineSettings.DeGpio"/>; null drives no driver-enable pin.</param>
    /// <param name="logger">Logger.</param>
    /// <param name="initialLine">A line already opened for <paramref name="path"/>, or null.</param>
    public UartLineWriter(string path, UartLineSettings settings, IUartLineFactory factory, ILineClock clock, DmxSlotSource source, IGpioChips? gpio, ILogger logger, IUartLine? initialLine = null)
    {
        _path = path ?? throw new ArgumentNullException(nameof(path));
        _settings = settings ?? throw new ArgumentNullException(nameof(settings));
        _factory = factory ?? throw new ArgumentNullException(nameof(factory));
        _clock = clock ?? throw new ArgumentNullException(nameof(clock));
        _source = source ?? throw new ArgumentNullException(nameof(source));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _gpio = gpio;
        _line = initialLine;
        _breakNs = settings.BreakMicroseconds * 1000L;
        _mabNs = settings.MabMicroseconds * 1000L;
        _malfNs = settings.MalfMicroseconds * 1000L;
        _periodNs = settings.RefreshHz > 0 ? 1_000_000_000L / settings.RefreshHz : 0;
    }

    /// <summary>The device path.</summary>
    public string Path => _path;

    /// <summary>Frames sent since start.</summary>
    public long FramesSent => Interlocked.Read(ref _frames);

    /// <summary>Times the line failed and was closed.</summary>
    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>The device's health report, kept up to date by the line thread (set by the plugin before start).</summary>
    internal UartHealth? Health { get; set; }

    /// <summary>True while the device is open.</summary>
    public bool IsOpen => Volatile.Read(ref _line) is not null;

    /// <summary>Starts the line thread.</summary>
    public void Start()
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (_thread is not null)
        {
            return;
        }

        _thread = new Thread(Run)
        {
            IsBackground = true,
            Name = "uartdmx " + _path,

            // Only takes effect with CAP_SYS_NICE or a systemd Nice=; the spin below keeps the break exact anyway.
            Priority = ThreadPriority.Highest,
        };
        _thread.Start();
    }

    /// <summary>Stops the thread, leaves the line idle (mark), closes the device and releases the DE pin.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _stop.Cancel();
        if (_thread is not null)
        {
            // A frame takes at most break + MAB + 513 slots + malf, about 2 s at the limits.
            if (!_thread.Join(TimeSpan.FromSeconds(5)))
            {
                Log.StopTimedOut(_logger, _path);
                return;
            }
        }
        else
        {
            Shutdown();
        }

        _stop.Dispose();
    }

    private void Run()
    {
        RaisePriority();
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                RunOnce(_stop.Token);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Log.ThreadFailed(_logger, ex, _path);
        }
        finally
        {
            Shutdown();
        }
    }

    // A real-time policy keeps ordinary load from preempting the break spin; at 44 fps the thread spins the
    // break, the MAB and its clock's spin window per frame (20-300 us, learnt from how late it wakes:
    // MonotonicLineClock) and sleeps the rest, and the kernel's RT throttling caps it anyway.
    // pid 0 in sched_setscheduler is the calling thread on Linux. Needs root, CAP_SYS_NICE or RLIMIT_RTPRIO
    // (LimitRTPRIO= in the systemd unit); without it the thread stays SCHED_OTHER, which is logged once.
    // The timer slack (default 50 us: the kernel may end a sleep that much later, to batch wake-ups) goes to
    // 1 us first, for a thread left SCHED_OTHER; a SCHED_FIFO thread's sleeps get no slack anyway (the
    // tracefs run shows softexpires == expires: docs/uart-timing.md).
    private unsafe void RaisePriority()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        _ = Internal.Native.Prctl(Internal.Native.PrSetTimerSlack, 1000, 0, 0, 0);

        int priority = RealtimePriority;
        if (Internal.Native.SchedSetScheduler(0, Internal.Native.SchedFifo, &priority) == 0)
        {
            Log.Realtime(_logger, _path, priority);
        }
        else
        {
            Log.NoRealtime(_logger, _path, Internal.Native.ErrorText(System.Runtime.InteropServices.Marshal.GetLastPInvokeError()), priority);
        }
    }

    /// <summary>
    /// One step of the line: opens the device if needed (waiting out the backoff), then sends one frame.
    /// Returns true when a frame went out. The thread calls this in a loop; tests call it directly.
    /// </summary>
    internal bool RunOnce(CancellationToken cancellationToken)
    {
        IUartLine? line = _line ?? TryOpen(cancellationToken);
        if (line is null)
        {
            return false;
        }

        if (_periodNs > 0)
        {
            long now = _clock.NowNanoseconds;
            if (_nextFrameStart == long.MinValue || now - _nextFrameStart > _periodNs)
            {
                // First frame, or more than a period late (a reopen): restart the schedule from now.
                _nextFrameStart = now;
            }
            else
            {
                _clock.WaitUntil(_nextFrameStart, cancellationToken);
            }

            _nextFrameStart += _periodNs;
        }

        if (_de is null && !_deFailed && _settings.DeGpio is not null && _gpio is not null)
        {
            DriveEnable();
        }

        int slots = Math.Clamp(_source(_frame.AsSpan(1)), 0, DmxFrame.MaxSlots);
        _frame[0] = DmxFrame.NullStartCode;
        try
        {
            // Break and MAB are never cut short by a stop: a short break is worse than a late stop.
            bool breakWorks = line.SetBreak(true);
            _clock.WaitUntil(_clock.NowNanoseconds + _breakNs, CancellationToken.None);
            line.SetBreak(false);
            if (!breakWorks && !_breakUnsupportedLogged)
            {
                _breakUnsupportedLogged = true;
                Log.BreakUnsupported(_logger, _path);
            }

            _clock.WaitUntil(_clock.NowNanoseconds + _mabNs, CancellationToken.None);
            line.Write(_frame.AsSpan(0, 1 + slots));
            line.Drain();
        }
        catch (IOException ex)
        {
            LineFailed(line, ex);
            return false;
        }

        Interlocked.Increment(ref _frames);
        Health?.FrameSent();
        _clock.WaitUntil(_clock.NowNanoseconds + _malfNs, cancellationToken);
        return true;
    }

    private IUartLine? TryOpen(CancellationToken cancellationToken)
    {
        if (_nextOpenAttempt != long.MinValue)
        {
            _clock.WaitUntil(_nextOpenAttempt, cancellationToken);
            if (cancellationToken.IsCancellationRequested)
            {
                return null;
            }
        }

        IUartLine line;
        string? warning;
        try
        {
            line = _factory.Open(_path, out warning);
        }
        catch (IOException ex)
        {
            Health?.OpenFailed(ex);
            if (!_quiet)
            {
                _quiet = true;
                Log.OpenFailed(_logger, _path, ex.Message);
            }

            _nextOpenAttempt = _clock.NowNanoseconds + _reopenDelay;
            _reopenDelay = Math.Min(_reopenDelay * 2, (long)MaxReopenDelay.TotalNanoseconds);
            return null;
        }

        if (warning is not null)
        {
            Log.SetupIncomplete(_logger, _path, warning);
        }

        Health?.Opened(warning);

        if (_lost)
        {
            _lost = false;
            Log.Reopened(_logger, _path);
        }

        _quiet = false;
        _reopenDelay = FirstReopenDelayNs;
        _nextOpenAttempt = long.MinValue;
        Volatile.Write(ref _line, line);
        return line;
    }

    // Drives the DE pin to transmit before the first frame; it is held until stop. A pin that cannot be
    // driven (no GPIO, no gpio group, busy, wrong number) is logged once, with the fix, and the line runs without it.
    private void DriveEnable()
    {
        int pin = _settings.DeGpio!.Value;
        try
        {
            // Requested already at the active level, so the transceiver never sees the wrong one.
            _de = DriverEnableLine.Open(_gpio!, pin, _settings.DeActiveHigh, _settings.DeGpioChip);
            Log.DriverEnabled(_logger, _path, pin, _settings.DeActiveHigh ? "high" : "low", _de.ChipPath, _de.ChipLabel);
        }
        catch (DriverEnableException ex)
        {
            // Whatever the GPIO layer throws: its message is the user's clue, shown in the health report; the
            // line keeps running (harmless: an undriven transceiver sends nothing, a strapped one still works).
            _deFailed = true;
            Log.GpioFailed(_logger, _path, pin, ex.Message);
            Health?.DriverEnableFailed(pin, ex.Message);
        }
    }

    private void LineFailed(IUartLine line, IOException ex)
    {
        Interlocked.Increment(ref _failures);
        Health?.WriteFailed(ex.Message);
        Volatile.Write(ref _line, null);
        line.Dispose();
        _lost = true;
        _quiet = true;

        // One warning per outage; a device that flaps (opens, then fails again) is throttled to one per 10 s.
        long now = _clock.NowNanoseconds;
        if (_lastWarning == long.MinValue || now - _lastWarning >= WarningIntervalNs)
        {
            Log.LineLost(_logger, _path, ex.Message, _suppressedWarnings);
            _lastWarning = now;
            _suppressedWarnings = 0;
        }
        else
        {
            _suppressedWarnings++;
        }

        _reopenDelay = FirstReopenDelayNs;
        _nextOpenAttempt = now + _reopenDelay;
    }

    /// <summary>Leaves the line idle and releases everything; runs on the line thread at exit.</summary>
    internal void Shutdown()
    {
        IUartLine? line = Interlocked.Exchange(ref _line, null);
        if (line is not null)
        {
            try
            {
                line.SetBreak(false);
                line.Drain();
            }
            catch (IOException)
            {
                // Gone already; nothing to leave idle.
            }

            line.Dispose();
        }

        DriverEnableLine? de = Interlocked.Exchange(ref _de, null);
        if (de is not null)
        {
            try
            {
                // Inactive (receive) level, then the line goes back to the kernel.
                de.Dispose();
            }
            catch (IOException ex)
            {
                Log.GpioReleaseFailed(_logger, ex, _path, de.Pin);
            }
        }
    }
}
