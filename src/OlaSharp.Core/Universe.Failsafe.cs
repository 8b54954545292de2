// Licensed under the MIT License. See LICENSE in the repository root.
namespace OlaSharp.Core;

/// <summary>
/// The failsafe, the scenes and the startup scene. The failsafe acts when the last source goes away
/// (<see cref="FailsafeSettings.After"/> null) or at the last frame plus After (the deadline, checked by
/// <see cref="SourceExpiryMonitor"/>, which ticks while one is pending); its frame is written into the merged
/// frame under the lock and announced through <see cref="Updated"/> like any change, so outputs send it on
/// their clock. The first frame from a source after it acted resumes normal merging at once.
/// </summary>
public sealed partial class Universe
{
    // All under _lock. Scenes are few and written rarely (API calls); the frame path only reads the
    // deadline fields and the flags, so the merge stays allocation-free.
    private readonly SortedDictionary<string, byte[]> _scenes = new(StringComparer.Ordinal);
    private FailsafeSettings _failsafe;
    private long _afterTicks = long.MaxValue;
    private bool _failsafeConfigured;
    private string? _startupScene;
    private bool _inFailsafe;
    private LossPolicy _activeMode;
    private DateTimeOffset? _failsafeSince;
    private bool _startupShown;
    private bool _hadData;
    private long _failsafeActivations;

    // Set under _lock when the failsafe starts or ends; the public method that did it takes it (under the lock)
    // and raises FailsafeChanged outside it.
    private bool _failsafeToggled;

    // Timestamp at which the failsafe acts (last frame + After), long.MaxValue when none is pending. Written
    // under _lock; read by the monitor without it to decide whether it must keep ticking.
    private long _failsafeDeadline = long.MaxValue;

    /// <summary>The failsafe (the server-wide default until one is set for this universe).</summary>
    public FailsafeSettings Failsafe
    {
        get
        {
            lock (_lock)
            {
                return _failsafe;
            }
        }
    }

    /// <summary>True when the failsafe was set for this universe (API or conf), not taken from the server default.</summary>
    public bool FailsafeConfigured
    {
        get
        {
            lock (_lock)
            {
                return _failsafeConfigured;
            }
        }
    }

    /// <summary>The scene shown from creation until the first source sends; null for none.</summary>
    public string? StartupScene
    {
        get
        {
            lock (_lock)
            {
                return _startupScene;
            }
        }
    }

    /// <summary>True while the failsafe's frame is the merged frame.</summary>
    public bool InFailsafe
    {
        get
        {
            lock (_lock)
            {
                return _inFailsafe;
            }
        }
    }

    /// <summary>
    /// Called outside the lock when the failsafe starts acting or ends (a source sent again); set by
    /// <see cref="UniverseRegistry"/>, which logs one line per change.
    /// </summary>
    internal Action<Universe>? FailsafeChanged { get; set; }

    /// <summary>True while a failsafe deadline (last frame + After) is pending: <see cref="SourceExpiryMonitor"/> keeps ticking.</summary>
    public bool HasPendingFailsafe => Volatile.Read(ref _failsafeDeadline) != long.MaxValue;

    /// <summary>What the failsafe is doing now.</summary>
    public FailsafeStatus GetFailsafeStatus()
    {
        lock (_lock)
        {
            return new FailsafeStatus(_inFailsafe, _activeMode, _failsafeSince, _startupShown, _failsafeActivations);
        }
    }

    /// <summary>The scenes, by name (copies; for APIs).</summary>
    public IReadOnlyList<SceneInfo> GetScenes()
    {
        lock (_lock)
        {
            var list = new List<SceneInfo>(_scenes.Count);
            foreach (KeyValuePair<string, byte[]> kv in _scenes)
            {
                list.Add(new SceneInfo(kv.Key, (byte[])kv.Value.Clone()));
            }

            return list;
        }
    }

    /// <summary>
    /// Sets the failsafe. Refused for a scene mode without a scene, an unknown scene, or an After outside
    /// 1 ms to a day. When the failsafe is active, the new mode applies at once.
    /// </summary>
    public FailsafeResult SetFailsafe(FailsafeSettings settings)
    {
        if (settings.Mode is < LossPolicy.Hold or > LossPolicy.Scene)
        {
            return new(FailsafeError.InvalidArgument, "failsafe mode must be hold, blackout, full or scene");
        }

        if (settings.After is TimeSpan after && (after < TimeSpan.FromMilliseconds(1) || after > FailsafeSettings.MaxAfter))
        {
            return new(FailsafeError.InvalidArgument, $"failsafe 'after' must be 1 ms to {FailsafeSettings.MaxAfter.TotalMilliseconds:0} ms, or empty to act when the last source goes away");
        }

        string? scene = settings.Mode == LossPolicy.Scene ? settings.Scene : null;
        bool pendingStarted = false;
        bool notify;
        bool toggled;
        long before;
        lock (_lock)
        {
            if (settings.Mode == LossPolicy.Scene)
            {
                if (string.IsNullOrEmpty(scene))
                {
                    return new(FailsafeError.InvalidArgument, "failsafe mode scene needs a scene name (capture the current look as a scene first)");
                }

                if (!_scenes.ContainsKey(scene))
                {
                    return NoSceneLocked(scene);
                }
            }

            before = Version;
            _failsafe = settings with { Scene = scene };
            _failsafeConfigured = true;
            _afterTicks = settings.After is TimeSpan a ? TimeUtil.ToTimestampTicks(a, _time.TimestampFrequency) : long.MaxValue;
            notify = false;
            if (_inFailsafe)
            {
                // The new mode applies now; it is still the same failsafe episode.
                ApplyFailsafeLocked(countActivation: false);
                notify = true;
            }
            else if (_afterTicks != long.MaxValue && _hadData)
            {
                pendingStarted = Volatile.Read(ref _failsafeDeadline) == long.MaxValue;
                Volatile.Write(ref _failsafeDeadline, _lastFrame + _afterTicks);
            }
            else
            {
                Volatile.Write(ref _failsafeDeadline, long.MaxValue);
                if (_hadData && _activeSources == 0)
                {
                    // Data already lost: act as the last source going away would have.
                    ApplyFailsafeLocked(countActivation: true);
                    notify = true;
                }
            }

            toggled = TakeFailsafeToggleLocked();
        }

        SettingsChanged?.Invoke(this);
        if (toggled)
        {
            FailsafeChanged?.Invoke(this);
        }

        if (pendingStarted)
        {
            ExpirableSourceActivated?.Invoke();
        }

        if (notify)
        {
            Updated?.Invoke(this, Version != before);
        }

        return FailsafeResult.Done;
    }

    /// <summary>Captures the current merged frame as scene <paramref name="name"/> (replacing one of that name).</summary>
    public FailsafeResult CaptureScene(string name)
    {
        if (!SceneNames.IsValid(name))
        {
            return new(FailsafeError.InvalidArgument, SceneNames.Invalid(name));
        }

        lock (_lock)
        {
            if (_mergedLength == 0)
            {
                return new(FailsafeError.FailedPrecondition, $"universe {Id} has no data to capture yet: send some first");
            }

            _scenes[name] = _merged.AsSpan(0, _mergedLength).ToArray();
        }

        SettingsChanged?.Invoke(this);
        return FailsafeResult.Done;
    }

    /// <summary>Stores <paramref name="slots"/> (1-512) as scene <paramref name="name"/>; for the conf reader and tools.</summary>
    public FailsafeResult SetScene(string name, ReadOnlySpan<byte> slots)
    {
        if (!SceneNames.IsValid(name))
        {
            return new(FailsafeError.InvalidArgument, SceneNames.Invalid(name));
        }

        if (slots.IsEmpty || slots.Length > DmxFrame.MaxSlots)
        {
            return new(FailsafeError.InvalidArgument, $"a scene has 1 to {DmxFrame.MaxSlots} slots, not {slots.Length}");
        }

        lock (_lock)
        {
            _scenes[name] = slots.ToArray();
        }

        SettingsChanged?.Invoke(this);
        return FailsafeResult.Done;
    }

    /// <summary>Deletes a scene; refused while it is the failsafe or the startup scene.</summary>
    public FailsafeResult DeleteScene(string name)
    {
        lock (_lock)
        {
            if (name is null || !_scenes.ContainsKey(name))
            {
                return NoSceneLocked(name);
            }

            if (_failsafe.Mode == LossPolicy.Scene && _failsafe.Scene == name)
            {
                return new(FailsafeError.FailedPrecondition, $"scene '{name}' is universe {Id}'s failsafe scene: choose another failsafe first");
            }

            if (_startupScene == name)
            {
                return new(FailsafeError.FailedPrecondition, $"scene '{name}' is universe {Id}'s startup scene: clear or change the startup scene first");
            }

            _scenes.Remove(name);
        }

        SettingsChanged?.Invoke(this);
        return FailsafeResult.Done;
    }

    /// <summary>
    /// Sets the startup scene (null or empty clears it). When no source has sent yet, the scene becomes the
    /// merged frame at once (so setting it while the universe is created, as the conf reader does, shows it
    /// from the first tick); it stays until the first source sends.
    /// </summary>
    public FailsafeResult SetStartupScene(string? name)
    {
        string? scene = string.IsNullOrEmpty(name) ? null : name;
        bool notify = false;
        long before;
        lock (_lock)
        {
            if (scene is not null && !_scenes.ContainsKey(scene))
            {
                return NoSceneLocked(scene);
            }

            before = Version;
            _startupScene = scene;
            if (scene is null)
            {
                _startupShown = false;
            }
            else if (!_hadData && _activeSources == 0)
            {
                ShowLocked(_scenes[scene]);
                _startupShown = true;
                notify = true;
            }
        }

        SettingsChanged?.Invoke(this);
        if (notify)
        {
            Updated?.Invoke(this, Version != before);
        }

        return FailsafeResult.Done;
    }

    private FailsafeResult NoSceneLocked(string? name)
    {
        string known = _scenes.Count == 0 ? "it has none yet (capture one first)" : "its scenes: " + string.Join(", ", _scenes.Keys);
        return new(FailsafeError.SceneNotFound, $"universe {Id} has no scene '{name}'; {known}");
    }

    // Called under _lock for every accepted level frame (slots > 0): leaves the failsafe or the startup scene
    // (true: the caller must merge without the sender test, the merged frame is not the sources' merge) and
    // moves the After deadline; pendingStarted says the monitor must be woken. Allocation-free.
    private bool OnFrameLocked(long now, out bool pendingStarted)
    {
        pendingStarted = false;
        _lastFrame = now;
        _hadData = true;
        if (_afterTicks != long.MaxValue)
        {
            pendingStarted = _failsafeDeadline == long.MaxValue;
            Volatile.Write(ref _failsafeDeadline, now + _afterTicks);
        }

        if (!_inFailsafe && !_startupShown)
        {
            return false;
        }

        _failsafeToggled |= _inFailsafe;
        _inFailsafe = false;
        _failsafeSince = null;
        _startupShown = false;
        return true;
    }

    // Under _lock: the last active source went away. Acts now unless After decides (its deadline is pending).
    private void OnLastSourceGoneLocked()
    {
        if (_afterTicks == long.MaxValue && !_inFailsafe)
        {
            ApplyFailsafeLocked(countActivation: true);
        }
    }

    // Under _lock, from ExpireSources: true when the After deadline passed and the failsafe acted.
    private bool CheckDeadlineLocked(long now)
    {
        long deadline = _failsafeDeadline;
        if (deadline == long.MaxValue || now < deadline)
        {
            return false;
        }

        ApplyFailsafeLocked(countActivation: true);
        return true;
    }

    // Under _lock: writes the failsafe's frame into the merged frame (hold keeps it) and marks the state.
    private void ApplyFailsafeLocked(bool countActivation)
    {
        Volatile.Write(ref _failsafeDeadline, long.MaxValue);
        LossPolicy mode = _failsafe.Mode;
        byte[]? scene = null;
        if (mode == LossPolicy.Scene && (_failsafe.Scene is null || !_scenes.TryGetValue(_failsafe.Scene, out scene)))
        {
            // Unreachable through the API (a scene in use cannot be deleted); blackout is the safe answer.
            mode = LossPolicy.Blackout;
        }

        switch (mode)
        {
            case LossPolicy.Blackout:
                ShowFilledLocked(0, _mergedLength);
                break;
            case LossPolicy.Full:
                ShowFilledLocked(255, _mergedLength > 0 ? _mergedLength : DmxFrame.MaxSlots);
                break;
            case LossPolicy.Scene:
                ShowLocked(scene!);
                break;
        }

        if (!_inFailsafe || !countActivation)
        {
            _failsafeSince ??= _time.GetUtcNow();
        }

        _failsafeToggled |= !_inFailsafe;
        _inFailsafe = true;
        _activeMode = mode;
        if (countActivation)
        {
            _failsafeActivations++;
            _failsafeSince = _time.GetUtcNow();
        }
    }

    private bool TakeFailsafeToggleLocked()
    {
        bool toggled = _failsafeToggled;
        _failsafeToggled = false;
        return toggled;
    }

    private void ShowFilledLocked(byte value, int length)
    {
        _scratch.AsSpan(0, length).Fill(value);
        SwapInLocked(length);
    }

    private void ShowLocked(ReadOnlySpan<byte> slots)
    {
        slots.CopyTo(_scratch);
        SwapInLocked(slots.Length);
    }

    // The failsafe's frame is not a merge of per-slot priorities: outputs forward none (sACN 0xDD).
    private void SwapInLocked(int length)
    {
        ClearMergedPrioritiesLocked();
        PublishScratchLocked(length);
    }
}
