// Licensed under the MIT License. See LICENSE in the repository root.
using System.Globalization;
using Microsoft.Extensions.Logging;
using OlaSharp.Core.Plugins;

namespace OlaSharp.Uart.Internal;

/// <summary>
/// The health of one configured UART, written by the plugin (first open and the 1 s retry) and by the line
/// thread (reopens, write failures, the driver-enable pin), read by the health report. Transitions take a lock
/// and build the problem and fix sentences; the line thread's per-frame call reads one volatile field.
/// The state shown is, first match: the open failure while the line is closed; the driver-enable pin that
/// failed; the baud rate the tty refused; write errors in the last <see cref="WriteErrorWindow"/>; open.
/// </summary>
internal sealed class UartHealth(string path, string confPath, TimeProvider time, ILogger logger)
{
    /// <summary>How long write errors keep the state at <see cref="DeviceHealthState.WriteErrors"/> after the last one.</summary>
    public static readonly TimeSpan WriteErrorWindow = TimeSpan.FromSeconds(10);

    private readonly object _lock = new();
    private DeviceHealthState _state = DeviceHealthState.Missing;
    private DateTimeOffset _since = time.GetUtcNow();
    private string? _lastError;
    private string _problem = string.Empty;
    private string _fix = string.Empty;
    private bool _known;

    // The conditions the state is made of.
    private IOException? _openFailure;
    private string? _setupWarning;
    private string? _deError;
    private int? _dePin;
    private long _writeErrors;
    private string? _lastWriteError;
    private DateTimeOffset _lastWriteErrorAt;
    private volatile bool _writeErrorsShown;
    private bool _released;
    private bool _releasedWithDe;

    public string Path { get; } = path;

    public DeviceHealthState State
    {
        get
        {
            lock (_lock)
            {
                return _state;
            }
        }
    }

    public long WriteErrors => Interlocked.Read(ref _writeErrors);

    /// <summary>The open failed (the plugin's first open, its retry, or the line thread's reopen).</summary>
    public void OpenFailed(IOException failure)
    {
        lock (_lock)
        {
            _openFailure = failure;
            Update(failure.Message);
        }
    }

    /// <summary>The line opened; <paramref name="setupWarning"/> says what of the DMX setup the tty refused.</summary>
    public void Opened(string? setupWarning)
    {
        lock (_lock)
        {
            _openFailure = null;
            _setupWarning = setupWarning;
            Update(setupWarning);
        }
    }

    /// <summary>The driver-enable pin could not be driven (the GPIO layer's message).</summary>
    public void DriverEnableFailed(int pin, string message)
    {
        lock (_lock)
        {
            _dePin = pin;
            _deError = message;
            Update(message);
        }
    }

    /// <summary>A frame failed on the line (the line is closed and reopened after this).</summary>
    public void WriteFailed(string message)
    {
        lock (_lock)
        {
            Interlocked.Increment(ref _writeErrors);
            _lastWriteError = message;
            _lastWriteErrorAt = time.GetUtcNow();
            _writeErrorsShown = true;
            Update(message);
        }
    }

    /// <summary>A frame went out: clears the write-error state once the window has passed. One volatile read otherwise.</summary>
    public void FrameSent()
    {
        if (!_writeErrorsShown)
        {
            return;
        }

        lock (_lock)
        {
            if (time.GetUtcNow() - _lastWriteErrorAt >= WriteErrorWindow)
            {
                _writeErrorsShown = false;
                Update(_lastError);
            }
        }
    }

    /// <summary>The line was released by standby (the partner drives it) or taken back; the open state says so.</summary>
    public void Released(bool released, bool withDriverEnable)
    {
        lock (_lock)
        {
            _released = released;
            _releasedWithDe = withDriverEnable;
            Update(_lastError);
            (_problem, _fix) = Sentences(_state);
        }
    }

    public DeviceHealth Snapshot(Plugin plugin, IReadOnlyList<int> universes)
    {
        lock (_lock)
        {
            if (_writeErrorsShown && time.GetUtcNow() - _lastWriteErrorAt >= WriteErrorWindow && _openFailure is null)
            {
                // The line has been quiet (or idle) since: the report does not wait for the next frame.
                _writeErrorsShown = false;
                Update(_lastError);
            }

            return new DeviceHealth(plugin.Id, plugin.Name, plugin.ConfPrefix, $"{plugin.Id.ToString(CultureInfo.InvariantCulture)}-{Path}", Path, _state, _since, _lastError, universes, _problem, _fix);
        }
    }

    // Under _lock: the state's sentences; an open line released by standby says so (it is usable, not broken).
    private (string Problem, string Fix) Sentences(DeviceHealthState state)
    {
        if (_released && state == DeviceHealthState.Open)
        {
            return (
                UartHealthText.ReleasedProblem(Path, _releasedWithDe),
                "Nothing to fix: this server is the standby of a hot-standby pair; it takes the line when the partner stops or on a switch-over (POST /json/standby/switch).");
        }

        return UartHealthText.Describe(state, Path, confPath, _lastError, _openFailure, _dePin, Interlocked.Read(ref _writeErrors));
    }

    // Under _lock: the state the conditions make, a new Since when it changed, and its sentences.
    private void Update(string? error)
    {
        DeviceHealthState state = _openFailure is not null ? UartOpenException.Classify(_openFailure)
            : _deError is not null ? DeviceHealthState.DriverEnableFailed
            : _setupWarning is not null ? DeviceHealthState.BaudNotSettable
            : _writeErrorsShown ? DeviceHealthState.WriteErrors
            : DeviceHealthState.Open;
        string? lastError = state switch
        {
            DeviceHealthState.Open => _lastError,
            DeviceHealthState.DriverEnableFailed => _deError,
            DeviceHealthState.BaudNotSettable => _setupWarning,
            DeviceHealthState.WriteErrors => _lastWriteError,
            _ => _openFailure?.Message ?? error,
        };
        bool wasKnown = _known;
        bool changed = !_known || state != _state;
        if (!changed && string.Equals(lastError, _lastError, StringComparison.Ordinal))
        {
            return;
        }

        _known = true;
        if (changed)
        {
            _since = time.GetUtcNow();
        }

        _state = state;
        _lastError = lastError;
        (_problem, _fix) = Sentences(state);
        if (changed && state != DeviceHealthState.Open)
        {
            Log.HealthChanged(logger, Path, DeviceHealthReport.StateName(state), _problem, _fix);
        }
        else if (changed && wasKnown)
        {
            Log.HealthOpen(logger, Path);
        }
    }
}
