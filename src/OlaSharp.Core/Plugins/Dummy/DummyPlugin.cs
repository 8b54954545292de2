// Licensed under the MIT License. See LICENSE in the repository root.

namespace OlaSharp.Core.Plugins.Dummy;

/// <summary>
/// OLA's dummy plugin (id 1): one device <c>Dummy Device</c> (<c>1-1</c>) with one output port
/// <c>Dummy Port</c> that records what the clock emits, so the whole path (inputs, merge, clock,
/// outputs, APIs) can be exercised with no network and no hardware.
/// Conf keys of ours in <c>ola-dummy.conf</c>: <c>output_refresh</c> (<c>fixed</c> or <c>change</c>, default change)
/// and <c>output_hz</c> (1..44, default 44). OLA's RDM responder keys in that file are kept untouched.
/// </summary>
public sealed class DummyPlugin : DevicePlugin
{
    /// <summary>Creates the plugin.</summary>
    public DummyPlugin()
        : base(PluginIds.Dummy, "Dummy", "dummy")
    {
    }

    /// <inheritdoc />
    public override string Description =>
        "Dummy Plugin\n----------------------------\n\n" +
        "The plugin creates a single device with one output port. The port records the frames the refresh clock sends it; " +
        "use it to test the server without hardware.\n\n" +
        "--- Config file : ola-dummy.conf ---\n\n" +
        "enabled = true\nEnable this plugin.\n\n" +
        "output_refresh = [fixed|change]\nEmit on every clock tick, or on change with a 1 s keep-alive.\n\n" +
        "output_hz = <int>\nRefresh rate of the port, 1..44.\n";

    /// <summary>The device while started.</summary>
    public DummyDevice? Device => (DummyDevice?)ActiveDevice;

    /// <inheritdoc />
    protected internal override bool SetDefaultPreferences(ConfFile preferences)
    {
        bool changed = base.SetDefaultPreferences(preferences);
        changed |= preferences.SetDefaultValue("output_refresh", new SetValidator("fixed", "change"), "change");
        changed |= preferences.SetDefaultValue("output_hz", new UIntValidator(1, 44), "44");
        return changed;
    }

    /// <inheritdoc />
    protected override Device? OpenDevice()
    {
        RefreshPolicy.TryParseMode(Preferences.Get("output_refresh"), out RefreshMode mode);
        // GetInt: the validator accepts olad's lenient "3x" as 3, which double.Parse would throw on.
        double hz = Preferences.GetInt("output_hz") ?? 44;
        return new DummyDevice(this, new RefreshPolicy(mode, hz), Context.LoggerFactory.CreateLogger<DummyOutputPort>());
    }
}

/// <summary>An output port that keeps the last frame it was given (frames out: <see cref="OutputPort.FramesSent"/>, counted by the clock).</summary>
public sealed partial class DummyOutputPort : OutputPort
{
    // Guards the last frame, a leaf (held only to copy it).
    private readonly object _lock = new();
    private readonly DmxFrame _last = new();
    private readonly ILogger _logger;

    /// <summary>Creates the port.</summary>
    public DummyOutputPort(Device device, ILogger logger)
        : base(device, 0, "Dummy Port")
    {
        _logger = logger;
    }

    /// <summary>Priority of the last frame.</summary>
    public int LastPriority { get; private set; }

    /// <summary>A copy of the last frame's slots (allocates).</summary>
    public byte[] LastSlots()
    {
        lock (_lock)
        {
            return _last.Slots.ToArray();
        }
    }

    /// <inheritdoc />
    public override void Emit(DmxFrame frame, int priority, EmitReason reason)
    {
        ArgumentNullException.ThrowIfNull(frame);
        lock (_lock)
        {
            _last.CopyFrom(frame);
            LastPriority = priority;
        }

        if (reason == EmitReason.Change && _logger.IsEnabled(LogLevel.Information))
        {
            // Like olad's dummy port, which logs what it is given: the way to watch an output with no hardware.
            Log.Changed(_logger, Id, frame.Length, priority, FormatSlots(frame.Slots));
        }
        else if (_logger.IsEnabled(LogLevel.Trace))
        {
            // The clock counts this frame once Emit returns.
            Log.Frame(_logger, FramesSent + 1, frame.Length, reason, priority);
        }
    }

    private static string FormatSlots(ReadOnlySpan<byte> slots)
    {
        const int Shown = 32;
        var sb = new System.Text.StringBuilder(Shown * 3 + 4);
        for (int i = 0; i < slots.Length && i < Shown; i++)
        {
            sb.Append(i == 0 ? string.Empty : " ").Append(slots[i].ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
        }

        if (slots.Length > Shown)
        {
            sb.Append(" ...");
        }

        return sb.ToString();
    }
}
