// Licensed under the MIT License. See LICENSE in the repository root.

namespace OlaSharp.Core.Plugins;

/// <summary>
/// A port of a device, patched to at most one universe. Ids follow OLA: <c>&lt;plugin&gt;-&lt;device&gt;-&lt;I|O&gt;-&lt;n&gt;</c>
/// (e.g. <c>2-1-O-0</c>, <c>20-/dev/ttyAMA0-O-0</c>), which is also the <c>ola-port.conf</c> key.
/// </summary>
public abstract class Port
{
    private int _priority = Core.Priority.Default;
    private string? _id;

    /// <summary>Creates a port of <paramref name="device"/>.</summary>
    protected Port(Device device, int index, string description)
    {
        Device = device ?? throw new ArgumentNullException(nameof(device));
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        Index = index;
        Description = description ?? string.Empty;
    }

    /// <summary>The owning device.</summary>
    public Device Device { get; }

    /// <summary>Index within its direction on the device.</summary>
    public int Index { get; }

    /// <summary>True for output ports.</summary>
    public abstract bool IsOutput { get; }

    /// <summary>OLA's port id.</summary>
    public string Id => _id ??= $"{Device.UniqueId}-{(IsOutput ? 'O' : 'I')}-{Index}";

    /// <summary>Text shown by ola_dev_info and the web UI.</summary>
    public string Description { get; protected set; }

    /// <summary>The patched universe, or null.</summary>
    public Universe? Universe { get; internal set; }

    /// <summary>Priority support; OLA: static for inputs, none for outputs, full for E1.31.</summary>
    public virtual PriorityCapability PriorityCapability => IsOutput ? PriorityCapability.None : PriorityCapability.Static;

    /// <summary>Priority mode (meaningful when the capability is not none).</summary>
    public PriorityMode PriorityMode { get; protected internal set; } = PriorityMode.Static;

    /// <summary>Configured priority value, 0..200.</summary>
    public int Priority
    {
        get => _priority;
        internal set => _priority = Core.Priority.Clamp(value);
    }

    /// <summary>Whether the port answers RDM (none do yet).</summary>
    public virtual bool SupportsRdm => false;

    /// <summary>Port-level universe check (E1.31 allows 1..63999). Return false with a reason to refuse.</summary>
    public virtual bool IsUniverseValid(int universeId, out string? reason)
    {
        reason = null;
        return true;
    }

    /// <summary>Called after the port is patched to <paramref name="universe"/>.</summary>
    protected internal virtual void OnPatched(Universe universe)
    {
    }

    /// <summary>Called after the port is unpatched from <paramref name="universe"/>.</summary>
    protected internal virtual void OnUnpatched(Universe universe)
    {
    }

    /// <summary>Called after the priority settings change.</summary>
    protected internal virtual void OnPriorityChanged()
    {
    }

    /// <inheritdoc />
    public override string ToString() => Id;
}

/// <summary>
/// A port that receives DMX from outside and feeds a universe as one or more sources.
/// Simple ports call <see cref="Publish"/> (one source per port, OLA's model); protocol ports that
/// track several senders (sACN CIDs, Art-Net nodes) create a source per sender with <see cref="CreateSource"/>.
/// </summary>
public abstract class InputPort : Port
{
    // Guards _sources only, a leaf: the universe calls on those sources are made after copying them out.
    private readonly object _sourcesLock = new();
    private readonly List<DmxSource> _sources = [];
    private DmxSource? _defaultSource;

    /// <summary>Creates an input port.</summary>
    protected InputPort(Device device, int index, string description)
        : base(device, index, description)
    {
    }

    /// <inheritdoc />
    public sealed override bool IsOutput => false;

    /// <summary>Protocol label for the sources this port creates.</summary>
    protected virtual string SourceKind => Device.Owner.ConfPrefix;

    /// <summary>Silence after which this port's default source stops counting (its protocol's timeout).</summary>
    protected virtual TimeSpan SourceTimeout => TimeSpan.FromSeconds(2.5);

    /// <summary>The priority a source of this port gets, given what the protocol says.</summary>
    public int EffectivePriority(int? protocolPriority) =>
        PriorityMode == PriorityMode.Static || PriorityCapability != PriorityCapability.Full
            ? Priority
            : Core.Priority.Clamp(protocolPriority ?? Core.Priority.Default);

    /// <summary>
    /// The senders behind this port's universe source, for ports that merge several senders themselves
    /// (sACN's CIDs); empty for ports whose senders are universe sources of their own.
    /// </summary>
    public virtual IReadOnlyList<SenderInfo> DescribeSenders() => [];

    /// <summary>Sends a frame from this port's single source; returns false when unpatched or not winning.</summary>
    protected bool Publish(ReadOnlySpan<byte> slots, int? protocolPriority = null)
    {
        DmxSource? source = _defaultSource;
        if (source is null || source.IsRemoved)
        {
            source = CreateSource(Id, SourceTimeout);
            if (source is null)
            {
                return false;
            }

            _defaultSource = source;
        }

        return source.Universe.Update(source, slots, EffectivePriority(protocolPriority));
    }

    /// <summary>Attaches a new source to the patched universe (null when unpatched); it is removed on unpatch.</summary>
    protected DmxSource? CreateSource(string name, TimeSpan timeout)
    {
        Universe? u = Universe;
        if (u is null)
        {
            return null;
        }

        DmxSource s = u.AddSource(name, SourceKind, timeout, Priority);
        lock (_sourcesLock)
        {
            _sources.Add(s);
        }

        return s;
    }

    /// <summary>Removes one source created by this port.</summary>
    protected void RemoveSource(DmxSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        lock (_sourcesLock)
        {
            _sources.Remove(source);
        }

        source.Universe.RemoveSource(source);
    }

    /// <inheritdoc />
    protected internal override void OnUnpatched(Universe universe)
    {
        DmxSource[] sources;
        lock (_sourcesLock)
        {
            sources = [.. _sources];
            _sources.Clear();
        }

        _defaultSource = null;
        foreach (DmxSource s in sources)
        {
            s.Universe.RemoveSource(s);
        }
    }

    /// <inheritdoc />
    protected internal override void OnPriorityChanged()
    {
        if (PriorityMode != PriorityMode.Static)
        {
            return;
        }

        DmxSource[] sources;
        lock (_sourcesLock)
        {
            sources = [.. _sources];
        }

        foreach (DmxSource s in sources)
        {
            s.Universe.SetSourcePriority(s, Priority);
        }
    }
}

/// <summary>
/// A port that sends a universe's merged frame out. By default it is driven by the
/// <see cref="RefreshScheduler"/> with its <see cref="Refresh"/> policy; ports whose device has its
/// own clock (a UART line paced by the hardware) override <see cref="UsesRefreshClock"/> and read the
/// universe themselves.
/// </summary>
public abstract class OutputPort : Port, IClockTarget
{
    private long _framesSent;

    /// <summary>Creates an output port.</summary>
    protected OutputPort(Device device, int index, string description)
        : base(device, index, description)
    {
        PriorityMode = PriorityMode.Inherit;
    }

    /// <inheritdoc />
    public sealed override bool IsOutput => true;

    /// <summary>The clock settings (read when patched or rescheduled).</summary>
    public RefreshPolicy Refresh { get; set; } = RefreshPolicy.Default;

    /// <summary>False for ports with their own clock.</summary>
    public virtual bool UsesRefreshClock => true;

    /// <summary>The priority to send for a universe at <paramref name="universePriority"/> (static mode: the port's value).</summary>
    public int OutputPriority(int universePriority) =>
        PriorityCapability == PriorityCapability.Full && PriorityMode == PriorityMode.Static ? Priority : universePriority;

    /// <summary>Frames this port has sent since it was created (frames out, for <c>/metrics</c>).</summary>
    public long FramesSent => Interlocked.Read(ref _framesSent);

    /// <inheritdoc />
    public abstract void Emit(DmxFrame frame, int priority, EmitReason reason);

    /// <summary>Counts one frame out; the refresh clock calls it after each emit, ports with their own clock call it per frame.</summary>
    protected internal void CountFrameSent() => Interlocked.Increment(ref _framesSent);

    /// <inheritdoc />
    void IClockTarget.CountFrameSent() => CountFrameSent();
}
