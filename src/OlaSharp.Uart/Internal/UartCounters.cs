// Licensed under the MIT License. See LICENSE in the repository root.
using OlaSharp.Core.Stats;

namespace OlaSharp.Uart.Internal;

/// <summary>The UART plugin's counters, declared once (indexes into a <see cref="CounterTable"/>), summed over its lines.</summary>
internal static class UartCounters
{
    public static readonly CounterSchema Schema = new(UartDmxPlugin.CounterProtocol);

    public static readonly int FramesSent = Schema.Add(ProtocolCounterKind.Sent, "dmx");
    public static readonly int Failures = Schema.Add(ProtocolCounterKind.SendErrors);

    public static CounterTable Create() => new(Schema);
}
