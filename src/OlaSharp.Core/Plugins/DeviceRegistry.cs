// Licensed under the MIT License. See LICENSE in the repository root.
using System.Globalization;

namespace OlaSharp.Core.Plugins;

/// <summary>
/// Registered devices and the patch board. Patches and port priorities are written to
/// <c>ola-port.conf</c> at once and atomically (olad writes them only on a clean shutdown, so a
/// SIGKILL loses them), in OLA's key format so either server reads the other's file.
/// <para>
/// Locks: the registry decides under its lock and acts outside it. Under <c>_lock</c> it changes the
/// patch board (ports' universes, port counts, the in-memory <c>ola-port.conf</c>) and queues what the
/// decision asks of others (plugin hooks <see cref="Port.OnPatched"/>, <see cref="Port.OnUnpatched"/>,
/// <see cref="Port.OnPriorityChanged"/>, and the clock's <see cref="RefreshScheduler.Add"/> and
/// <see cref="RefreshScheduler.Remove"/>); after releasing it, the calling thread writes the latest state
/// of the file and runs the queued actions in the order they were decided, then raises the events. So no
/// plugin code and no file write ever runs under the registry's lock, readers are never held up by a slow
/// hook, and a hook may call the registry (read it, or patch another port) from its own thread or another.
/// A patch call returns once its own state (or a later one) is on disk and its hooks have run.
/// Lock order, outermost first: <c>_hookLock</c> (held while hooks run, so hooks of different patch calls
/// never overlap) → <c>_saveLock</c> (held while the file is written) → <c>_lock</c> → the
/// <see cref="UniverseRegistry"/> lock → a <see cref="Universe"/>'s lock. Under <c>_lock</c> the registry
/// only reads ports' and devices' fixed properties (<see cref="Port.Id"/>, capabilities,
/// <see cref="Port.IsUniverseValid"/>, <see cref="Device.AllowLooping"/>), which must not block or call
/// back; creating a universe raises <see cref="UniverseRegistry.Created"/> there too. A hook must not wait
/// for another thread's patch call (that call waits for <c>_hookLock</c>).
/// </para>
/// </summary>
public sealed partial class DeviceRegistry
{
    /// <summary>Conf prefix of the patch file.</summary>
    public const string PortConfPrefix = "port";

    /// <summary>OLA's error text for a refused patch.</summary>
    public const string PatchFailed = "Patch port request failed";

    private static readonly UIntValidator s_priorityRange = new(Core.Priority.Min, Core.Priority.Max);
    private static readonly SetValidator s_priorityMode = new("0", "1");

    // The patch board: devices, aliases, ports' universes and port counts, _portConf, _actions,
    // _confVersion. Never held while plugin code runs or a file is written (see the class comment).
    private readonly object _lock = new();

    // Held while the queued actions run (outermost lock): hooks of different calls never overlap, in decided order.
    private readonly object _hookLock = new();

    // Held while ola-port.conf is written (taken before _lock, never inside it); one writer at a time, always the latest state.
    private readonly object _saveLock = new();
    private readonly Queue<PortAction> _actions = new();
    private readonly List<Device> _devices = [];
    private readonly Dictionary<string, int> _aliases = new(StringComparer.Ordinal);
    private readonly UniverseRegistry _universes;
    private readonly RefreshScheduler _clock;
    private readonly ConfStore? _conf;
    private readonly ConfFile _portConf;
    private readonly ILogger _logger;
    private int _nextAlias = 1;

    // Incremented under _lock at each change of _portConf; _savedVersion (under _saveLock) is what is on disk.
    private long _confVersion;
    private long _savedVersion;

    /// <summary>Creates the registry; <paramref name="conf"/> null keeps patches in memory only (tests).</summary>
    public DeviceRegistry(UniverseRegistry universes, RefreshScheduler clock, ConfStore? conf, ILogger<DeviceRegistry>? logger = null)
    {
        _universes = universes ?? throw new ArgumentNullException(nameof(universes));
        _clock = clock ?? throw new ArgumentNullException(nameof(clock));
        _conf = conf;
        _logger = (ILogger?)logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        _portConf = conf?.Load(PortConfPrefix) ?? new ConfFile();
    }

    /// <summary>Raised after a device is registered.</summary>
    public event Action<Device>? DeviceAdded;

    /// <summary>Raised after a device is unregistered.</summary>
    public event Action<Device>? DeviceRemoved;

    /// <summary>Raised after a port is patched, unpatched or its priority changes.</summary>
    public event Action<Port>? PortChanged;

    /// <summary>A snapshot of the registered devices, by alias.</summary>
    public IReadOnlyList<Device> Devices
    {
        get
        {
            lock (_lock)
            {
                return [.. _devices.OrderBy(d => d.Alias)];
            }
        }
    }

    /// <summary>Registers a device: gives it an alias (the same one it had before, if any) and restores its patches and priorities.</summary>
    public void Register(Device device)
    {
        ArgumentNullException.ThrowIfNull(device);
        lock (_lock)
        {
            if (_devices.Contains(device))
            {
                return;
            }

            if (_devices.Any(d => d.UniqueId == device.UniqueId))
            {
                throw new InvalidOperationException($"A device with id {device.UniqueId} is already registered.");
            }

            if (!_aliases.TryGetValue(device.UniqueId, out int alias))
            {
                alias = _nextAlias++;
                _aliases.Add(device.UniqueId, alias);
            }

            device.Alias = alias;
            _devices.Add(device);
            foreach (Port port in device.Ports)
            {
                RestoreLocked(port);
            }
        }

        RunDecided();
        DeviceAdded?.Invoke(device);
    }

    /// <summary>Unregisters a device; its ports are unpatched in memory, their saved patches stay in the file.</summary>
    public void Unregister(Device device)
    {
        ArgumentNullException.ThrowIfNull(device);
        lock (_lock)
        {
            if (!_devices.Remove(device))
            {
                return;
            }

            foreach (Port port in device.Ports)
            {
                DetachLocked(port);
            }
        }

        RunDecided();
        DeviceRemoved?.Invoke(device);
    }

    /// <summary>Finds a device by its alias.</summary>
    public Device? FindByAlias(int alias)
    {
        lock (_lock)
        {
            return _devices.FirstOrDefault(d => d.Alias == alias);
        }
    }

    /// <summary>Finds a device by its unique id.</summary>
    public Device? FindById(string uniqueId)
    {
        lock (_lock)
        {
            return _devices.FirstOrDefault(d => d.UniqueId == uniqueId);
        }
    }

    /// <summary>Finds a port by OLA id (<c>1-1-O-0</c>).</summary>
    public Port? FindPort(string portId)
    {
        lock (_lock)
        {
            foreach (Device d in _devices)
            {
                foreach (Port p in d.Ports)
                {
                    if (p.Id == portId)
                    {
                        return p;
                    }
                }
            }
        }

        return null;
    }

    /// <summary>Ports patched to a universe.</summary>
    public IReadOnlyList<Port> PortsOf(int universeId)
    {
        lock (_lock)
        {
            return [.. _devices.SelectMany(d => d.Ports).Where(p => p.Universe?.Id == universeId)];
        }
    }

    /// <summary>Patches <paramref name="port"/> to universe <paramref name="universeId"/> (creating it), enforcing OLA's rules, and saves.</summary>
    public bool TryPatch(Port port, int universeId, out string? error)
    {
        ArgumentNullException.ThrowIfNull(port);
        lock (_lock)
        {
            if (!TryPatchLocked(port, universeId, out error))
            {
                return false;
            }

            _portConf.Set(port.Id, universeId.ToString(CultureInfo.InvariantCulture));
            _confVersion++;
        }

        SaveLatest();
        RunDecided();
        PortChanged?.Invoke(port);
        return true;
    }

    /// <summary>Unpatches a port and saves; true if it was patched.</summary>
    public bool Unpatch(Port port)
    {
        ArgumentNullException.ThrowIfNull(port);
        bool was;
        lock (_lock)
        {
            was = DetachLocked(port);
            if (_portConf.Remove(port.Id) || was)
            {
                _confVersion++;
            }
        }

        SaveLatest();
        RunDecided();
        if (was)
        {
            PortChanged?.Invoke(port);
        }

        return was;
    }

    /// <summary>Sets a port's priority mode and value (value required for static mode), and saves as OLA does for its capability.</summary>
    public bool TrySetPriority(Port port, PriorityMode mode, int? value, out string? error)
    {
        ArgumentNullException.ThrowIfNull(port);
        if (port.PriorityCapability == PriorityCapability.None)
        {
            error = "Port doesn't support priorities";
            return false;
        }

        if (mode == PriorityMode.Static && value is null)
        {
            error = "Invalid SetPortPriority request, see logs for more info";
            return false;
        }

        if (mode == PriorityMode.Inherit && port.PriorityCapability != PriorityCapability.Full)
        {
            error = "Port doesn't support priority inherit mode";
            return false;
        }

        lock (_lock)
        {
            if (value is int v)
            {
                if (v > Core.Priority.Max)
                {
                    Log.PriorityClamped(_logger, port.Id, v);
                }

                port.Priority = v;
            }

            port.PriorityMode = mode;
            _portConf.Set(port.Id + "_priority_value", port.Priority.ToString(CultureInfo.InvariantCulture));
            if (port.PriorityCapability == PriorityCapability.Full)
            {
                _portConf.Set(port.Id + "_priority_mode", ((int)port.PriorityMode).ToString(CultureInfo.InvariantCulture));
            }

            _confVersion++;
            _actions.Enqueue(new(PortActionKind.PriorityChanged, port, null));
        }

        SaveLatest();
        RunDecided();
        PortChanged?.Invoke(port);
        error = null;
        return true;
    }

    private bool TryPatchLocked(Port port, int universeId, out string? error)
    {
        error = PatchFailed;
        if (!_devices.Contains(port.Device))
        {
            error = "Device doesn't exist";
            return false;
        }

        if (universeId < 0)
        {
            return false;
        }

        if (!port.IsUniverseValid(universeId, out string? reason))
        {
            Log.PatchRefused(_logger, port.Id, universeId, reason ?? "invalid universe");
            return false;
        }

        if (port.Universe?.Id == universeId)
        {
            error = null;
            return true;
        }

        foreach (Port other in port.Device.Ports)
        {
            if (ReferenceEquals(other, port) || other.Universe?.Id != universeId)
            {
                continue;
            }

            if (other.IsOutput != port.IsOutput && !port.Device.AllowLooping)
            {
                Log.PatchRefused(_logger, port.Id, universeId, $"{other.Id} of the same device is patched to it in the other direction");
                return false;
            }

            if (other.IsOutput == port.IsOutput && !port.Device.AllowMultiPortPatching)
            {
                Log.PatchRefused(_logger, port.Id, universeId, $"{other.Id} of the same device is already patched to it");
                return false;
            }
        }

        DetachLocked(port);
        Universe u = _universes.GetOrCreate(universeId);
        port.Universe = u;
        if (port is OutputPort output)
        {
            u.OutputPortCount++;
            _actions.Enqueue(new(PortActionKind.Patched, port, u));
            if (output.UsesRefreshClock)
            {
                _actions.Enqueue(new(PortActionKind.ClockAdd, port, u));
            }
        }
        else
        {
            u.InputPortCount++;
            _actions.Enqueue(new(PortActionKind.Patched, port, u));
        }

        error = null;
        return true;
    }

    private bool DetachLocked(Port port)
    {
        Universe? u = port.Universe;
        if (u is null)
        {
            return false;
        }

        if (port is OutputPort)
        {
            _actions.Enqueue(new(PortActionKind.ClockRemove, port, u));
            u.OutputPortCount--;
        }
        else
        {
            u.InputPortCount--;
        }

        port.Universe = null;
        _actions.Enqueue(new(PortActionKind.Unpatched, port, u));
        return true;
    }

    // OLA's restore order: the value is applied as static first, then mode 0 switches to inherit.
    private void RestoreLocked(Port port)
    {
        if (port.PriorityCapability != PriorityCapability.None)
        {
            string valueKey = port.Id + "_priority_value";
            string? valueText = _portConf.Get(valueKey);
            if (_portConf.GetInt(valueKey) is int value)
            {
                port.Priority = value;
                port.PriorityMode = PriorityMode.Static;
                if (value != port.Priority)
                {
                    _portConf.WarnInvalid(valueKey, valueText!, s_priorityRange.Expected, ConfFile.Quote(port.Priority.ToString(CultureInfo.InvariantCulture)));
                }
            }
            else if (valueText is not null)
            {
                _portConf.WarnInvalid(valueKey, valueText, s_priorityRange.Expected, ConfFile.Quote(port.Priority.ToString(CultureInfo.InvariantCulture)));
            }

            string modeKey = port.Id + "_priority_mode";
            string? modeText = _portConf.Get(modeKey);
            if (port.PriorityCapability == PriorityCapability.Full && modeText is not null && !s_priorityMode.IsValid(modeText))
            {
                _portConf.WarnInvalid(modeKey, modeText, "0 (inherit) or 1 (static)", port.PriorityMode == PriorityMode.Inherit ? "inherit" : "static");
            }
            else if (port.PriorityCapability == PriorityCapability.Full && _portConf.GetInt(modeKey) == (int)PriorityMode.Inherit)
            {
                port.PriorityMode = PriorityMode.Inherit;
            }
        }

        string? patched = _portConf.Get(port.Id);
        if (patched is null)
        {
            return;
        }

        if (!int.TryParse(patched, NumberStyles.None, CultureInfo.InvariantCulture, out int universeId))
        {
            _portConf.WarnInvalid(port.Id, patched, "a universe number", "no patch (the port stays unpatched)");
            return;
        }

        if (!TryPatchLocked(port, universeId, out string? error))
        {
            Log.RestoreFailed(_logger, port.Id, universeId, error ?? PatchFailed);
        }
    }

    // Writes the latest state of the file, unless it is already on disk. One writer at a time; each writes
    // the newest snapshot, so an older state never lands after a newer one and bursts coalesce.
    private void SaveLatest()
    {
        if (_conf is null)
        {
            return;
        }

        lock (_saveLock)
        {
            ConfFile snapshot;
            long version;
            lock (_lock)
            {
                if (_confVersion == _savedVersion)
                {
                    return;
                }

                version = _confVersion;
                snapshot = _portConf.Copy();
            }

            bool truncated = snapshot.Truncated;
            _conf.TrySave(PortConfPrefix, snapshot);
            _savedVersion = version;
            if (truncated && !snapshot.Truncated)
            {
                // The store copied the oversized original aside; not again.
                lock (_lock)
                {
                    _portConf.Truncated = false;
                }
            }
        }
    }

    // Runs the queued actions in the order they were decided. Whoever holds _hookLock drains the queue, so
    // when this returns every action queued before the call has run (a hook that patches runs the actions
    // its patch queued from inside the hook: Monitor is re-entrant). A failing hook is logged, not rethrown,
    // so it cannot strand the actions of other calls queued behind it.
    private void RunDecided()
    {
        lock (_hookLock)
        {
            while (true)
            {
                PortAction action;
                lock (_lock)
                {
                    if (!_actions.TryDequeue(out action))
                    {
                        return;
                    }
                }

                try
                {
                    Run(action);
                }
                catch (Exception ex)
                {
                    Log.HookFailed(_logger, ex, action.Kind.ToString(), action.Port.Id);
                }
            }
        }
    }

    private void Run(PortAction action)
    {
        switch (action.Kind)
        {
            case PortActionKind.Patched:
                action.Port.OnPatched(action.Universe!);
                break;
            case PortActionKind.ClockAdd:
                _clock.Add((OutputPort)action.Port);
                break;
            case PortActionKind.ClockRemove:
                _clock.Remove((OutputPort)action.Port);
                break;
            case PortActionKind.Unpatched:
                action.Port.OnUnpatched(action.Universe!);
                break;
            default:
                action.Port.OnPriorityChanged();
                break;
        }
    }

    private enum PortActionKind
    {
        Patched,
        ClockAdd,
        ClockRemove,
        Unpatched,
        PriorityChanged,
    }

    // What a decision asks of a plugin or the clock, run after the registry's lock is released.
    private readonly record struct PortAction(PortActionKind Kind, Port Port, Universe? Universe);
}
