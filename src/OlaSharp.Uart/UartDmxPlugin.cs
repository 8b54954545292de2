// Licensed under the MIT License. See LICENSE in the repository root.
using Microsoft.Extensions.Logging;
using OlaSharp.Core.Conf;
using OlaSharp.Core.Plugins;
using OlaSharp.Core.Stats;
using OlaSharp.Uart.Gpio;
using OlaSharp.Uart.Internal;

namespace OlaSharp.Uart;

/// <summary>
/// OLA's "UART native DMX" plugin (id 20, <c>ola-uartdmx.conf</c>): one device <c>20-&lt;path&gt;</c> per
/// configured UART, each with one output port whose own thread drives the line (see <see cref="UartLineWriter"/>).
/// A device missing at start is logged, left unregistered as in olad, and retried every second; it is
/// registered (and its keys written) when it appears. Its lines' counters reach <c>/metrics</c> as protocol
/// <c>uartdmx</c> (frames sent, line failures), summed over the devices and kept across a reload.
/// Every configured device has a health report (<see cref="CollectHealth"/>): missing, permission denied,
/// busy, not a tty, baud rate refused, driver-enable failed, write errors, or open, with the fix in words.
/// While the server is the standby of a hot-standby pair (<see cref="PluginContext.Outputs"/> closed) each line
/// is released (driver-enable inactive, nothing written) and its health says so.
/// </summary>
public sealed partial class UartDmxPlugin : Plugin, IProtocolCounterSource, IDeviceHealthSource
{
    /// <summary>The <c>protocol</c> label of this plugin's counters.</summary>
    public const string CounterProtocol = "uartdmx";

    /// <summary>How often missing devices are looked for.</summary>
    public static readonly TimeSpan MissingDeviceRetry = TimeSpan.FromSeconds(1);

    private readonly IUartLineFactory _lines;
    private readonly IGpioChips _gpio;
    private readonly ILineClock _clock;
    private readonly object _lock = new();
    private readonly List<UartDmxDevice> _devices = [];
    private readonly List<string> _missing = [];

    // One health report per configured path, in conf order (under _lock; each report has its own lock).
    private readonly List<UartHealth> _health = [];
    private ITimer? _retryTimer;

    // Counts of the writers of devices already stopped, so the totals never go back on a reload (under _lock).
    private readonly CounterTable _retired = UartCounters.Create();
    private ILogger _logger = Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    /// <summary>Creates the plugin with the real UARTs, GPIO and clock.</summary>
    public UartDmxPlugin()
        : this(null, null, null)
    {
    }

    /// <summary>Creates the plugin with injected OS layers (tests).</summary>
    /// <param name="lines">Opens UARTs; null for the Linux tty layer.</param>
    /// <param name="gpio">The GPIO chips for <c>de_gpio</c>; null for the kernel's character devices (<see cref="LinuxGpioChips"/>).</param>
    /// <param name="clock">The line clock; null for the monotonic clock.</param>
    public UartDmxPlugin(IUartLineFactory? lines, IGpioChips? gpio = null, ILineClock? clock = null)
    {
        _lines = lines ?? LinuxUartFactory.Instance;
        _gpio = gpio ?? LinuxGpioChips.Instance;
        _clock = clock ?? MonotonicLineClock.Instance;
    }

    /// <inheritdoc />
    public override int Id => PluginIds.UartDmx;

    /// <inheritdoc />
    public override string Name => "UART native DMX";

    /// <inheritdoc />
    public override string ConfPrefix => "uartdmx";

    /// <inheritdoc />
    public override bool EnabledByDefault => false;

    /// <inheritdoc />
    public override string Description =>
        "Native UART DMX Plugin\n----------------------\n\n" +
        "This plugin drives a POSIX UART (the Raspberry Pi's PL011 on /dev/ttyAMA0, through an RS-485 transceiver) " +
        "to produce a DMX512 output stream: break, mark after break, start code and slots, from its own thread.\n\n" +
        "--- Config file : ola-uartdmx.conf ---\n\n" +
        "enabled = true\nEnable this plugin (DISABLED by default).\n" +
        "device = /dev/ttyAMA0\nThe device to use for DMX output. One line per UART.\n" +
        "--- Per Device Settings (using above device name) ---\n" +
        "<device>-break = 100\nThe DMX break time in microseconds (88..1000000).\n" +
        "<device>-malf = 100\nThe idle mark after the frame has left the UART, in microseconds (8..1000000).\n" +
        "<device>-mab = 16\nThe mark after break in microseconds.\n" +
        "<device>-refresh_hz = <1..44>\nStart frames at this rate (default: as fast as break, frame and malf allow).\n" +
        "<device>-de_gpio = 18\nBCM pin of the RS-485 driver-enable, driven while the plugin runs. It is line 18 of the " +
        "Raspberry Pi's GPIO chip, found by its label (pinctrl-bcm2835, pinctrl-bcm2711 or pinctrl-rp1) through the " +
        "kernel's GPIO character device; libgpiod is not needed.\n" +
        "<device>-de_active_high = true\nWhether driver-enable is active high.\n" +
        "<device>-de_gpiochip = pinctrl-rp1\nOnly off a Raspberry Pi: the chip of the driver-enable pin, by label or node " +
        "(/dev/gpiochip4). Absent: the Pi's chip.\n";

    /// <summary>The started devices.</summary>
    public IReadOnlyList<UartDmxDevice> Devices
    {
        get
        {
            lock (_lock)
            {
                return [.. _devices];
            }
        }
    }

    /// <inheritdoc />
    protected override bool SetDefaultPreferences(ConfFile preferences)
    {
        bool changed = base.SetDefaultPreferences(preferences);
        changed |= UartConf.SetPluginDefaults(preferences);
        return changed;
    }

    /// <inheritdoc />
    protected override Task StartAsync(CancellationToken cancellationToken)
    {
        _logger = Context.LoggerFactory.CreateLogger<UartDmxPlugin>();
        string confPath = Context.Conf.PathFor(ConfPrefix);
        lock (_lock)
        {
            _health.Clear();
            foreach (string path in UartConf.Devices(Preferences))
            {
                _health.Add(new UartHealth(path, confPath, Context.Time, _logger));
            }
        }

        foreach (string path in UartConf.Devices(Preferences))
        {
            if (!TryStartDevice(path, logFailure: true))
            {
                lock (_lock)
                {
                    _missing.Add(path);
                }
            }
        }

        lock (_lock)
        {
            if (_missing.Count > 0)
            {
                _retryTimer = Context.Time.CreateTimer(_ => RetryMissing(), null, MissingDeviceRetry, MissingDeviceRetry);
            }
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    protected override Task StopAsync(CancellationToken cancellationToken)
    {
        UartDmxDevice[] devices;
        lock (_lock)
        {
            _retryTimer?.Dispose();
            _retryTimer = null;
            _missing.Clear();
            _health.Clear();
            devices = [.. _devices];
        }

        foreach (UartDmxDevice device in devices)
        {
            Context.Devices.Unregister(device);
            device.Writer.Dispose();
        }

        lock (_lock)
        {
            // The devices leave the list and their final counts join the retired totals in one step.
            foreach (UartDmxDevice device in devices)
            {
                _retired.Add(UartCounters.FramesSent, device.Writer.FramesSent);
                _retired.Add(UartCounters.Failures, device.Writer.Failures);
                _devices.Remove(device);
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Frames the lines sent (<c>olasharp_packets_sent_total{protocol="uartdmx",type="dmx"}</c>) and the times
    /// a line failed and was closed (<c>olasharp_send_errors_total{protocol="uartdmx"}</c>), over all devices.
    /// </summary>
    public void CollectCounters(ICollection<ProtocolCounter> into)
    {
        ArgumentNullException.ThrowIfNull(into);
        CounterTable totals = UartCounters.Create();
        lock (_lock)
        {
            totals.Add(UartCounters.FramesSent, _retired.Read(UartCounters.FramesSent));
            totals.Add(UartCounters.Failures, _retired.Read(UartCounters.Failures));
            foreach (UartDmxDevice device in _devices)
            {
                totals.Add(UartCounters.FramesSent, device.Writer.FramesSent);
                totals.Add(UartCounters.Failures, device.Writer.Failures);
            }
        }

        totals.CollectCounters(into);
    }

    /// <summary>
    /// The health of every configured device, opened or not; the universes are the port's patch, or for a
    /// device not registered (it never opened) the patch saved for it in <c>ola-port.conf</c>.
    /// </summary>
    public void CollectHealth(ICollection<DeviceHealth> into)
    {
        ArgumentNullException.ThrowIfNull(into);
        UartHealth[] reports;
        UartDmxDevice[] devices;
        lock (_lock)
        {
            reports = [.. _health];
            devices = [.. _devices];
        }

        foreach (UartHealth h in reports)
        {
            UartDmxDevice? device = devices.FirstOrDefault(d => d.Path == h.Path);
            int? universe = device is not null ? device.Port.Universe?.Id : Context.Devices.SavedUniverse($"{Id.ToString(System.Globalization.CultureInfo.InvariantCulture)}-{h.Path}-O-0");
            into.Add(h.Snapshot(this, universe is int u ? [u] : []));
        }
    }

    private UartHealth? HealthOf(string path)
    {
        lock (_lock)
        {
            return _health.FirstOrDefault(h => h.Path == path);
        }
    }

    private void RetryMissing()
    {
        string[] missing;
        lock (_lock)
        {
            missing = [.. _missing];
        }

        foreach (string path in missing)
        {
            if (TryStartDevice(path, logFailure: false))
            {
                lock (_lock)
                {
                    _missing.Remove(path);
                    if (_missing.Count == 0)
                    {
                        _retryTimer?.Dispose();
                        _retryTimer = null;
                    }
                }
            }
        }
    }

    private bool TryStartDevice(string path, bool logFailure)
    {
        IUartLine line;
        string? warning;
        try
        {
            line = _lines.Open(path, out warning);
        }
        catch (IOException ex)
        {
            // The report logs each change of state with its fix (a missing device once, not every second).
            HealthOf(path)?.OpenFailed(ex);
            return false;
        }

        lock (_lock)
        {
            if (_retryTimer is null && !logFailure)
            {
                // Stopped while this retry ran.
                line.Dispose();
                return true;
            }

            // As olad: the per-device keys are written only for a device that opened.
            if (UartConf.SetDeviceDefaults(Preferences, path))
            {
                Context.Conf.TrySave(ConfPrefix, Preferences);
            }

            UartLineSettings settings = UartConf.Read(Preferences, path);
            if (warning is not null)
            {
                Log.SetupWarning(_logger, path, warning);
            }

            UartHealth? health = _health.FirstOrDefault(h => h.Path == path);
            health?.Opened(warning);
            var device = new UartDmxDevice(this, path);
            var writer = new UartLineWriter(path, settings, _lines, _clock, device.Port.FillSlots, _gpio, Context.LoggerFactory.CreateLogger<UartLineWriter>(), line)
            {
                Health = health,

                // Hot standby: the line is released while this server is the standby of a pair.
                Outputs = Context.Outputs,
            };
            device.Attach(writer);
            _devices.Add(device);
            Context.Devices.Register(device);
            writer.Start();
            Log.DeviceStarted(_logger, path, settings.BreakMicroseconds, settings.MabMicroseconds, settings.MalfMicroseconds, settings.RefreshHz);
        }

        return true;
    }
}

/// <summary>
/// The UART output port. It has its own clock (the line), so the refresh scheduler leaves it alone; the
/// line thread copies the patched universe's merged frame at each frame start.
/// </summary>
public sealed class UartDmxOutputPort : OutputPort
{
    /// <summary>Creates the port; its description is the device path, as in olad.</summary>
    public UartDmxOutputPort(Device device, string path)
        : base(device, 0, path)
    {
    }

    /// <inheritdoc />
    public override bool UsesRefreshClock => false;

    /// <inheritdoc />
    public override void Emit(Core.DmxFrame frame, int priority, Core.Clock.EmitReason reason)
    {
        // Not driven by the refresh clock (UsesRefreshClock is false).
    }

    /// <summary>
    /// Copies the merged frame of the patched universe (nothing when unpatched: start-code-only frames, as
    /// olad). The line calls it once per frame, so it counts the frame out.
    /// </summary>
    public int FillSlots(Span<byte> slots)
    {
        if (Universe is not { } u)
        {
            return 0;
        }

        CountFrameSent();
        return u.CopyMerged(slots);
    }
}
