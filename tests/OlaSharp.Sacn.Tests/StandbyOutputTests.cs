// Licensed under the MIT License. See LICENSE in the repository root.
using OlaSharp.Core;
using OlaSharp.Core.Clock;
using OlaSharp.Sacn.Internal;
using OlaSharp.Sacn.Packets;

namespace OlaSharp.Sacn.Tests;

/// <summary>An output port of a hot-standby server (issue 17): the gate closed, silent after stream-terminated packets, or at the standby priority.</summary>
public sealed class StandbyOutputTests : IDisposable
{
    private readonly SacnTestHarness _h = new(start: true);

    public void Dispose() => _h.Dispose();

    [Fact]
    public void GateClosed_NoStandbyPriority_ThreeTerminatedPacketsThenSilent()
    {
        SacnOutputPort port = Patched(out DmxFrame frame);
        port.Emit(frame, 120, EmitReason.Change);
        Assert.True(SacnDataPacket.TryParse(_h.ReceiveFromNode(), out _));

        _h.Device.Gate.Set(false);
        Assert.False(port.EmitsWhileGateClosed);
        port.OnGateClosed();
        for (int i = 0; i < 3; i++)
        {
            byte[]? bytes = _h.ReceiveFromNode();
            Assert.True(SacnDataPacket.TryParse(bytes, out SacnDataPacket p));
            Assert.True(p.IsTerminated);
            Assert.Equal(120, p.Priority);
        }

        // A second close (nothing sent since) sends nothing more.
        port.OnGateClosed();
        _h.Peer.ReceiveTimeout = 200;
        Assert.Null(_h.ReceiveFromNode());
    }

    [Fact]
    public void GateClosed_StandbyPriority_KeepsSendingAtItWithoutTerminating()
    {
        SacnOutputPort port = Patched(out DmxFrame frame);
        _h.Device.Gate.StandbyPriority = 50;
        _h.Device.Gate.Set(false);
        Assert.True(port.EmitsWhileGateClosed);
        port.OnGateClosed();
        port.Emit(frame, 120, EmitReason.Change);
        Assert.True(SacnDataPacket.TryParse(_h.ReceiveFromNode(), out SacnDataPacket standby));
        Assert.False(standby.IsTerminated);
        Assert.Equal(50, standby.Priority);
        Assert.Equal(0, standby.StartCode);

        // Take-over: back to the universe's priority.
        _h.Device.Gate.Set(true);
        port.Emit(frame, 120, EmitReason.Change);
        Assert.True(SacnDataPacket.TryParse(_h.ReceiveFromNode(), out SacnDataPacket active));
        Assert.Equal(120, active.Priority);
    }

    private SacnOutputPort Patched(out DmxFrame frame)
    {
        SacnOutputPort port = _h.Device.Outputs[0];
        Assert.True(_h.Devices.TryPatch(port, 7, out string? error), error);
        frame = new DmxFrame();
        frame.Set([9, 8, 7]);
        return port;
    }
}
