// Licensed under the MIT License. See LICENSE in the repository root.
using OlaSharp.Core.Plugins;

namespace OlaSharp.Uart;

/// <summary>A UART device: <c>20-&lt;path&gt;</c>, named <c>UART native DMX</c> as in olad, one output port.</summary>
public sealed class UartDmxDevice : Device
{
    private UartLineWriter? _writer;

    /// <summary>Creates the device for <paramref name="path"/>.</summary>
    public UartDmxDevice(Plugin owner, string path)
        : base(owner, path, "UART native DMX")
    {
        Path = path;
        Port = AddOutputPort(new UartDmxOutputPort(this, path));
    }

    /// <summary>The device path.</summary>
    public string Path { get; }

    /// <summary>The output port.</summary>
    public UartDmxOutputPort Port { get; }

    /// <summary>The line writer.</summary>
    public UartLineWriter Writer => _writer ?? throw new InvalidOperationException("The device has no writer yet.");

    internal void Attach(UartLineWriter writer) => _writer = writer;
}
