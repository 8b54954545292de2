// Licensed under the MIT License. See LICENSE in the repository root.
namespace OlaSharp.Core.Plugins;

/// <summary>
/// A device of a plugin with its input and output ports. Its unique id is <c>&lt;plugin id&gt;-&lt;device id&gt;</c>
/// as in OLA (<c>1-1</c>, <c>2-1</c>, <c>20-/dev/ttyAMA0</c>); its alias is a runtime number from 1 used by
/// OLA's tools (<c>ola_patch -d</c>), stable across plugin reloads.
/// </summary>
public class Device
{
    private readonly List<InputPort> _inputs = [];
    private readonly List<OutputPort> _outputs = [];

    /// <summary>Creates a device of <paramref name="owner"/> with the plugin-local id <paramref name="id"/>.</summary>
    public Device(Plugin owner, string id, string name)
    {
        Owner = owner ?? throw new ArgumentNullException(nameof(owner));
        ArgumentException.ThrowIfNullOrEmpty(id);
        UniqueId = $"{owner.Id}-{id}";
        Name = name ?? string.Empty;
    }

    /// <summary>The owning plugin.</summary>
    public Plugin Owner { get; }

    /// <summary>OLA's unique device id.</summary>
    public string UniqueId { get; }

    /// <summary>Display name (e.g. <c>Dummy Device</c>, <c>ArtNet [198.18.0.1]</c>).</summary>
    public string Name { get; protected set; }

    /// <summary>Runtime alias (1..), set on registration.</summary>
    public int Alias { get; internal set; }

    /// <summary>Input ports.</summary>
    public IReadOnlyList<InputPort> InputPorts => _inputs;

    /// <summary>Output ports.</summary>
    public IReadOnlyList<OutputPort> OutputPorts => _outputs;

    /// <summary>OLA: may an input and an output of this device share a universe? (Art-Net, E1.31, uartdmx: no.)</summary>
    public virtual bool AllowLooping => false;

    /// <summary>OLA: may two ports of one direction of this device share a universe?</summary>
    public virtual bool AllowMultiPortPatching => false;

    /// <summary>All ports.</summary>
    public IEnumerable<Port> Ports => _inputs.Cast<Port>().Concat(_outputs);

    /// <summary>Adds an input port (before registration).</summary>
    protected T AddInputPort<T>(T port)
        where T : InputPort
    {
        ArgumentNullException.ThrowIfNull(port);
        _inputs.Add(port);
        return port;
    }

    /// <summary>Adds an output port (before registration).</summary>
    protected T AddOutputPort<T>(T port)
        where T : OutputPort
    {
        ArgumentNullException.ThrowIfNull(port);
        _outputs.Add(port);
        return port;
    }

    /// <summary>Finds a port by direction and index.</summary>
    public Port? FindPort(bool isOutput, int index)
    {
        if (isOutput)
        {
            return index >= 0 && index < _outputs.Count ? _outputs[index] : null;
        }

        return index >= 0 && index < _inputs.Count ? _inputs[index] : null;
    }

    /// <inheritdoc />
    public override string ToString() => $"{UniqueId} ({Name})";
}
