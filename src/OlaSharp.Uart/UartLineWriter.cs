// Licensed under the MIT License. See LICENSE in the repository root.
using Microsoft.Extensions.Logging;
using OlaSharp.Core;
using OlaSharp.Core.Interop;
using OlaSharp.Core.Standby;
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
/// <para>
/// Hot standby (<see cref="Outputs"/>): while the gate is closed the line is released. The frame in progress
/// finishes, the driver-enable pin goes to its receive level (so the partner's transceiver can drive the shared
/// line), nothing more is written (the UART idles at mark) and the thread sleeps on an event until the gate
/// opens: no wake-up per frame. When it opens the writer waits out <see cref="TakeOverGuard"/> (the longest
/// frame the partner may still be sending), drives the pin active, then sends break, MAB and the current merged
/// frame at once.
/// </para>
/// </summary>
public sealed partial class UartLineWriter : IDisposable
{
    /// <summary>Longest wait between reopen attempts, so a returning device is back within a second.</summary>
    public static readonly TimeSpan MaxReopenDelay = TimeSpan.FromMilliseconds(500);

    /// <summary>SCHED_FIFO priority of the line thread: above every ordinary thread, below the kernel's IRQ threads (50).</summary>
    public const int RealtimePriority = 10;

    private const long FirstReopenDelayNs = 50_000_000;
    private const long WarningIntervalNs = 10_000_000_000;
    private const long TakeOverMarginNs = 10_000_000;

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
    private readonly ManualResetEventSlim _gateOpened = new(false);
    private readonly Action<bool> _onGateChanged;
    private readonly long _guardNs;
    private OutputGate _gate = new();
    private bool _gateWatched;
    private OutputRelease? _release;
    private bool _released;
    private long _releases;
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

        // Break, MAB, start code and 512 slots at 44 us each (250 kbaud 8N2), the mark after the frame, and
        // time for the partner's line thread to wake from its drain and drop its pin.
        _guardNs = _breakNs + _mabNs + ((1 + DmxFrame.MaxSlots) * 44_000L) + _malfNs + TakeOverMarginNs;
        _onGateChanged = open =>
        {
            if (!open)
            {
                return;
            }

            try
            {
                _gateOpened.Set();
            }
            catch (ObjectDisposedException)
            {
                // Raised on the controller's thread while this writer was being disposed: nothing to wake.
            }
        };
    }

    /// <summary>
    /// The output gate of a hot-standby pair (<see cref="Core.Plugins.PluginContext.Outputs"/>): the line is driven
    /// while it is open and released while it is closed. An always open gate by default.
    /// </summary>
    public OutputGate Outputs
    {
        get => _gate;
        init => _gate = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>
    /// How long the writer waits after the gate opens before it drives the pin and sends: the longest frame at
    /// these settings (break, MAB, 513 slots, malf: about 23 ms at the defaults), which the partner that just
    /// closed its gate may still be finishing, plus 10 ms for its thread to drop its pin. So the two
    /// transceivers never drive the shared line at once; about 33 ms of the 1 s take-over.
    /// </summary>
    public TimeSpan TakeOverGuard => TimeSpan.FromTicks(_guardNs / 100);

    /// <summary>
    /// True while the line is released by standby: set after the frame in progress finished and the driver-enable
    /// pin went inactive, so a controller that hands over on it never has both transceivers driving.
    /// </summary>
    public bool IsReleased => Volatile.Read(ref _released);

    /// <summary>Times the line was released by standby since start.</summary>
    public long Releases => Interlocked.Read(ref _releases);

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
        _gateOpened.Dispose();
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
            Log.NoRealtime(_logger, _path, Libc.ErrorText(System.Runtime.InteropServices.Marshal.GetLastPInvokeError()), priority);
        }
    }

    /// <summary>
    /// One step of the line: opens the device if needed (waiting out the backoff), then sends one frame.
    /// Returns true when a frame went out. The thread calls this in a loop; tests call it directly.
    /// </summary>
    internal bool RunOnce(CancellationToken cancellationToken)
    {
        if (!_gate.IsOpen)
        {
            // Standby: let go of the line, then sleep until the gate opens (or the writer stops).
            Release();
            WaitForGate(cancellationToken);
            return false;
        }

        IUartLine? line = _line ?? TryOpen(cancellationToken);
        if (line is null)
        {
            return false;
        }

        if (_released && !Resume(cancellationToken))
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

        // Counted as driving before the last look at the gate: the standby controller, which reads the count after
        // closing the gate, then either sees this writer driving (and waits for its release) or this writer sees
        // the gate closed (and drives nothing).
        (_release ??= _gate.Register(_path)).Driving();
        if (!_gate.IsOpen)
        {
            // Closed while waiting for this frame's start: none begins; the next call releases the line.
            return false;
        }

        if (_de is null && !_deFailed && _settings.DeGpio is not null && _gpio is not null)
        {
            DriveEnable(active: true);
        }
        else if (_de is { Active: false })
        {
            SetDriverEnable(true);
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

    // The line as standby leaves it: the frame in progress has finished (break off, drained), so the UART idles
    // at mark; the DE pin goes to the receive level (requested at it when it was never driven, so a standby
    // from start holds the pin without ever transmitting). Once per release; the thread then sleeps.
    private void Release()
    {
        if (_released)
        {
            return;
        }

        _nextFrameStart = long.MinValue;
        if (_de is null && !_deFailed && _settings.DeGpio is not null && _gpio is not null)
        {
            DriveEnable(active: false);
        }
        else if (_de is { Active: true })
        {
            SetDriverEnable(false);
        }

        // Seen by others only once the pin is down: "released" means the partner may drive now.
        Interlocked.Increment(ref _releases);
        Volatile.Write(ref _released, true);
        _release?.Released();

        bool de = _de is not null;
        Health?.Released(true, de);
        Log.LineReleased(_logger, _path, de ? "driver-enable inactive" : "no driver-enable pin configured: the UART idles at mark");
    }

    // Sleeps until the gate opens: one blocking wait on an event the gate's Changed sets, no polling.
    private void WaitForGate(CancellationToken cancellationToken)
    {
        if (!_gateWatched)
        {
            _gateWatched = true;
            _gate.Changed += _onGateChanged;
        }

        while (!_gate.IsOpen && !cancellationToken.IsCancellationRequested)
        {
            // Reset, then look again: an opening between the two has set the event, so the wait returns.
            _gateOpened.Reset();
            if (_gate.IsOpen)
            {
                return;
            }

            try
            {
                _gateOpened.Wait(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    // The gate opened: wait out the partner's last frame, then the next frame starts at once (the schedule
    // restarts) with the pin driven active before its break. False when the gate closed again meanwhile.
    private bool Resume(CancellationToken cancellationToken)
    {
        _clock.WaitUntil(_clock.NowNanoseconds + _guardNs, cancellationToken);
        if (cancellationToken.IsCancellationRequested || !_gate.IsOpen)
        {
            return false;
        }

        Volatile.Write(ref _released, false);
        _nextFrameStart = long.MinValue;
        Health?.Released(false, _de is not null);
        Log.LineResumed(_logger, _path);
        return true;
    }

    private void SetDriverEnable(bool active)
    {
        try
        {
            _de!.Set(active);
        }
        catch (DriverEnableException ex)
        {
            Log.GpioFailed(_logger, _path, _de!.Pin, ex.Message);
            Health?.DriverEnableFailed(_de.Pin, ex.Message);
        }
    }

    // Drives the DE pin to transmit before the first frame (or holds it at receive, for a standby); it is held
    // until stop. A pin that cannot be driven (no GPIO, no gpio group, busy, wrong number) is logged once, with
    // the fix, and the line runs without it.
    private void DriveEnable(bool active)
    {
        int pin = _settings.DeGpio!.Value;
        try
        {
            // Requested already at the wanted level, so the transceiver never sees the other one.
            _de = DriverEnableLine.Open(_gpio!, pin, _settings.DeActiveHigh, _settings.DeGpioChip, active: active);
            Log.DriverEnabled(_logger, _path, pin, active == _settings.DeActiveHigh ? "high" : "low", _de.ChipPath, _de.ChipLabel);
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
        // On the thread that subscribed (the line thread; the caller of RunOnce in tests).
        if (_gateWatched)
        {
            _gateWatched = false;
            _gate.Changed -= _onGateChanged;
        }

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

        // The line is idle and the pin inactive (or back with the kernel): nothing of this writer drives any more.
        Interlocked.Exchange(ref _release, null)?.Dispose();
    }
}
