// Licensed under the MIT License. See LICENSE in the repository root.
namespace OlaSharp.Core.Plugins;

/// <summary>
/// A device with numbered input and output ports made once, in its constructor, from the plugin's conf
/// (Art-Net's and E1.31's <c>input_ports</c> / <c>output_ports</c>); its node gets the same arrays.
/// </summary>
/// <typeparam name="TInput">The input port type.</typeparam>
/// <typeparam name="TOutput">The output port type.</typeparam>
public abstract class PortArrayDevice<TInput, TOutput> : Device
    where TInput : InputPort
    where TOutput : OutputPort
{
    /// <summary>Creates the device (ports are added by <see cref="AddPorts"/>).</summary>
    protected PortArrayDevice(Plugin owner, string id, string name)
        : base(owner, id, name)
    {
    }

    /// <summary>The input ports, by index.</summary>
    public IReadOnlyList<TInput> Inputs { get; private set; } = [];

    /// <summary>The output ports, by index.</summary>
    public IReadOnlyList<TOutput> Outputs { get; private set; } = [];

    /// <summary>Adds <paramref name="inputs"/> input and <paramref name="outputs"/> output ports made by the factories (from the constructor).</summary>
    protected (TInput[] Inputs, TOutput[] Outputs) AddPorts(int inputs, Func<int, TInput> input, int outputs, Func<int, TOutput> output)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        var ins = new TInput[inputs];
        for (int i = 0; i < ins.Length; i++)
        {
            ins[i] = AddInputPort(input(i));
        }

        var outs = new TOutput[outputs];
        for (int i = 0; i < outs.Length; i++)
        {
            outs[i] = AddOutputPort(output(i));
        }

        Inputs = ins;
        Outputs = outs;
        return (ins, outs);
    }
}
