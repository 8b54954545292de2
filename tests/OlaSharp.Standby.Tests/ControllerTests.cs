// Licensed under the MIT License. See LICENSE in the repository root.
using System.Diagnostics;
using System.Net.Sockets;
using OlaSharp.Udp;

namespace OlaSharp.Standby.Tests;

/// <summary>Two controllers with real sockets and transports on 127.0.0.1 (two ports), as a pair on one host.</summary>
public sealed class ControllerTests : IDisposable
{
    private readonly List<IDisposable> _owned = [];

    [Fact]
    public void Pair_Started_PrimaryActiveBackupStandby()
    {
        (Node primary, Node backup) = StartPair();
        WaitFor(() => primary.Controller.Status.Role == StandbyRole.Active && backup.Controller.Status.Role == StandbyRole.Standby, "primary active, backup standby");
        Assert.True(primary.Gate.IsOpen);
        Assert.False(backup.Gate.IsOpen);
        WaitFor(() => primary.Controller.Status.PartnerRole == StandbyRole.Standby && backup.Controller.Status.PartnerRole == StandbyRole.Active, "each sees the other's role");
        Assert.NotNull(backup.Controller.Status.PartnerLastHeard);
        Assert.Equal("127.0.0.1:" + primary.Port, backup.Controller.Status.Partner);
    }

    [Fact]
    public void SwitchOver_BothDirections_SwapsRolesAndGates()
    {
        (Node primary, Node backup) = StartPair();
        WaitFor(() => primary.Gate.IsOpen && backup.Controller.Status.Role == StandbyRole.Standby && primary.Controller.Status.PartnerRole == StandbyRole.Standby, "pair settled");

        // Active -> standby: the active one yields, the partner opens on hearing it.
        Assert.True(primary.Controller.TrySwitchOver(out string? error), error);
        WaitFor(() => backup.Gate.IsOpen && primary.Controller.Announced == AnnouncedRole.Standby, "backup active after the primary yielded");
        Assert.False(primary.Gate.IsOpen);

        // Standby -> active: the standby takes over with the next term; the other goes standby.
        uint before = backup.Controller.Term;
        Assert.True(primary.Controller.TrySwitchOver(out error), error);
        WaitFor(() => primary.Gate.IsOpen && !backup.Gate.IsOpen, "primary active again");
        Assert.True(primary.Controller.Term > before);
        Assert.Equal(StandbyRole.Standby, backup.Controller.Status.Role);
        Thread.Sleep(300);
        Assert.True(primary.Gate.IsOpen);
        Assert.False(backup.Gate.IsOpen);
    }

    [Fact]
    public void YieldForShutdown_Active_PartnerTakesOverOnTheYieldNotOnSilence()
    {
        (Node primary, Node backup) = StartPair();
        WaitFor(() => primary.Gate.IsOpen && primary.Controller.Status.PartnerRole == StandbyRole.Standby, "pair settled");
        Assert.True(primary.Controller.YieldForShutdown());
        Assert.False(primary.Gate.IsOpen);
        WaitFor(() => backup.Gate.IsOpen, "backup active");
        Assert.Equal("the partner hands the outputs over", backup.Controller.Status.Reason);

        // Now standby, the primary has nothing to hand over.
        WaitFor(() => primary.Controller.Announced == AnnouncedRole.Standby, "primary standby");
        Assert.False(primary.Controller.YieldForShutdown());
        Assert.False(primary.Gate.IsOpen);
    }

    [Fact]
    public void SwitchOver_OutputSlowToRelease_PartnerOpensOnlyAfterTheRelease()
    {
        (Node primary, Node backup) = StartPair();
        WaitFor(() => primary.Gate.IsOpen && primary.Controller.Status.PartnerRole == StandbyRole.Standby, "pair settled");

        // A UART writer mid-frame (or stalled): it still drives the shared line after the gate closed.
        using OutputRelease line = primary.Gate.Register("/dev/fake-uart");
        line.Driving();
        Assert.True(primary.Controller.TrySwitchOver(out string? error), error);
        Assert.False(primary.Gate.IsOpen);
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < TimeSpan.FromMilliseconds(120))
        {
            Assert.False(backup.Gate.IsOpen, "the partner opened while this server still drove the line");
            Thread.Sleep(2);
        }

        Assert.Equal(AnnouncedRole.Yielding, primary.Controller.Announced);
        line.Released();
        WaitFor(() => backup.Gate.IsOpen && primary.Controller.Announced == AnnouncedRole.Standby, "backup active after the release");
        Assert.Equal(0, primary.Gate.Driving);
    }

    [Fact]
    public void SwitchOver_OutputNeverReleases_HandsOverAfterTheBoundedWait()
    {
        (Node primary, Node backup) = StartPair();
        WaitFor(() => primary.Gate.IsOpen && primary.Controller.Status.PartnerRole == StandbyRole.Standby, "pair settled");
        using OutputRelease line = primary.Gate.Register("/dev/stuck-uart");
        line.Driving();
        var sw = Stopwatch.StartNew();
        Assert.True(primary.Controller.TrySwitchOver(out string? error), error);
        WaitFor(() => backup.Gate.IsOpen, "backup active after the bounded wait");
        Assert.True(sw.Elapsed >= StandbyController.ReleaseWait, "opened after " + sw.Elapsed.TotalMilliseconds + " ms");
        Assert.Equal("/dev/stuck-uart", primary.Gate.DrivingNames());
        WaitFor(() => primary.Controller.Announced == AnnouncedRole.Standby, "primary standby");
    }

    [Fact]
    public void SwitchOver_PartnerUnheard_RefusedAndStaysActive()
    {
        (Node primary, Node backup) = StartPair();
        WaitFor(() => primary.Gate.IsOpen && primary.Controller.Status.PartnerRole == StandbyRole.Standby, "pair settled");
        backup.Controller.Dispose();
        WaitFor(() => primary.Controller.Status.PartnerLastHeard > TimeSpan.FromMilliseconds(600), "partner unheard");
        Assert.False(primary.Controller.TrySwitchOver(out string? error));
        Assert.Contains("dark", error, StringComparison.Ordinal);
        Assert.True(primary.Gate.IsOpen);
    }

    [Fact]
    public void ActiveStops_StandbyTakesOverAfterTakeoverTime()
    {
        (Node primary, Node backup) = StartPair();
        WaitFor(() => primary.Gate.IsOpen && backup.Controller.Status.Role == StandbyRole.Standby, "pair settled");
        var opened = new ManualResetEventSlim();
        backup.Gate.Changed += open =>
        {
            if (open)
            {
                opened.Set();
            }
        };
        long stopped = Stopwatch.GetTimestamp();
        primary.Controller.Dispose();
        Assert.True(opened.Wait(TimeSpan.FromSeconds(5)), "the backup never took over");
        TimeSpan takeover = Stopwatch.GetElapsedTime(stopped);
        Assert.InRange(takeover, TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(1000));
        Assert.Contains("silent for", backup.Controller.Status.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Start_LongAfterConstruction_StillListensForTheTakeoverTime()
    {
        // The server builds the controller, then starts its plugins (seconds under JIT on a Pi), then Start():
        // the start-up wait counted from construction was over at once, so a restarted server went active
        // before hearing its active partner (found by the kill test: "starting -> active" 44 ms after start).
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var gate = new OutputGate();
        var controller = new StandbyController(new StandbySettings
        {
            Enabled = true,
            Cid = 1,
            PartnerAddress = IPAddress.Loopback,
            PartnerPort = FreePort(),
            Interface = IPAddress.Loopback,
            Port = FreePort(),
            Takeover = TimeSpan.FromMilliseconds(300),
            Heartbeat = TimeSpan.FromMilliseconds(20),
        }, gate, time);
        _owned.Add(controller);
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.True(controller.Start());
        Thread.Sleep(200);
        Assert.Equal(AnnouncedRole.Starting, controller.Announced);
        time.Advance(TimeSpan.FromMilliseconds(310));
        WaitFor(() => controller.Announced == AnnouncedRole.Active, "active after the take-over time from Start");
        Assert.True(gate.IsOpen);
    }

    [Fact]
    public void Start_HeartbeatPortTaken_OutputsDrivenAndStatusSaysWhy()
    {
        // Another program holds the heartbeat port: the server drives its outputs alone, and the web UI, gRPC and
        // /metrics must say so, not "starting" for ever.
        using var holder = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        holder.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        int taken = ((IPEndPoint)holder.LocalEndPoint!).Port;
        var gate = new OutputGate();
        var controller = new StandbyController(new StandbySettings
        {
            Enabled = true,
            Cid = 1,
            PartnerAddress = IPAddress.Loopback,
            PartnerPort = FreePort(),
            Interface = IPAddress.Loopback,
            Port = taken,
        }, gate);
        _owned.Add(controller);
        Assert.False(controller.Start());
        Assert.True(gate.IsOpen);
        StandbyStatus status = controller.Status;
        Assert.Equal(StandbyRole.Active, status.Role);
        Assert.Contains($"UDP port {taken}", status.Reason, StringComparison.Ordinal);
        Assert.Contains("AddressAlreadyInUse", status.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void HeartbeatPath_SteadyState_AllocatesNothing()
    {
        // The standby's per-heartbeat work (parse, rules, the reply heartbeat on the socket) at 20 Hz for months.
        int partnerPort = FreePort();
        var controller = new StandbyController(new StandbySettings
        {
            Enabled = true,
            Cid = 1,
            PartnerAddress = IPAddress.Loopback,
            PartnerPort = partnerPort,
            Interface = IPAddress.Loopback,
            Port = FreePort(),
            Heartbeat = TimeSpan.FromMilliseconds(20),
        }, new OutputGate());
        _owned.Add(controller);
        Assert.True(controller.Start());
        IUdpHandler handler = controller;
        var from = new IPEndPoint(IPAddress.Loopback, partnerPort).Serialize();
        byte[] buffer = new byte[HeartbeatPacket.Length];
        uint sequence = 0;
        void Round()
        {
            for (int i = 0; i < 50; i++)
            {
                new HeartbeatPacket(AnnouncedRole.Active, ConfRole.Backup, 3, ++sequence, 2, 0).Write(buffer);
                long now = Stopwatch.GetTimestamp();
                handler.OnDatagram(buffer, from, now);

                // A tick late enough to send the reply heartbeat, too early for a take-over.
                handler.OnTick(now + (Stopwatch.Frequency / 10));
            }
        }

        Round();
        Assert.Equal(AnnouncedRole.Standby, controller.Announced);
        OlaSharp.Tests.Shared.SteadyState.AssertAllocatesNothing(Round);
    }

    [Fact]
    public void OnDatagram_NotPartnerOrGarbage_CountedAndIgnored()
    {
        UInt128 partnerCid = 0x1234;
        var gate = new OutputGate();
        var controller = new StandbyController(new StandbySettings { Enabled = true, Cid = 1, PartnerCid = partnerCid, Takeover = TimeSpan.FromMilliseconds(300) }, gate);
        _owned.Add(controller);
        IUdpHandler handler = controller;
        var from = new IPEndPoint(IPAddress.Loopback, 5570).Serialize();
        byte[] buffer = new byte[HeartbeatPacket.Length];
        new HeartbeatPacket(AnnouncedRole.Active, ConfRole.Primary, 3, 1, 0x9999, 0).Write(buffer);
        handler.OnDatagram(buffer, from, Stopwatch.GetTimestamp());
        handler.OnDatagram(buffer.AsSpan(0, 10), from, Stopwatch.GetTimestamp());
        Assert.Equal(1, controller.Ignored);
        Assert.Equal(1, controller.Malformed);
        Assert.Equal(AnnouncedRole.Starting, controller.Announced);

        new HeartbeatPacket(AnnouncedRole.Active, ConfRole.Primary, 3, 2, partnerCid, 0).Write(buffer);
        handler.OnDatagram(buffer, from, Stopwatch.GetTimestamp());
        Assert.Equal(AnnouncedRole.Standby, controller.Announced);
        Assert.False(gate.IsOpen);
    }

    [Fact]
    public void OnDatagram_NotPartner_OneLogLinePerMinuteWithTheCount()
    {
        var log = new RecordingLogger();
        var controller = new StandbyController(new StandbySettings { Enabled = true, Cid = 1, PartnerCid = 0x1234 }, new OutputGate(), logger: log);
        _owned.Add(controller);
        IUdpHandler handler = controller;
        var from = new IPEndPoint(IPAddress.Loopback, 5570).Serialize();
        byte[] buffer = new byte[HeartbeatPacket.Length];
        new HeartbeatPacket(AnnouncedRole.Active, ConfRole.Primary, 3, 1, 0x9999, 0).Write(buffer);
        long t0 = Stopwatch.GetTimestamp();
        long second = Stopwatch.Frequency;

        handler.OnDatagram(buffer, from, t0);
        handler.OnDatagram(buffer, from, t0 + (30 * second));
        handler.OnDatagram(buffer, from, t0 + (59 * second));
        handler.OnDatagram(buffer, from, t0 + (61 * second));

        Assert.Equal(4, controller.Ignored);
        List<string> lines = log.Messages.FindAll(m => m.Contains("ignored a heartbeat", StringComparison.Ordinal));
        Assert.Equal(2, lines.Count);
        Assert.Contains("; 1 ignored so far", lines[0], StringComparison.Ordinal);
        Assert.Contains("; 4 ignored so far", lines[1], StringComparison.Ordinal);
    }

    public void Dispose()
    {
        foreach (IDisposable d in _owned)
        {
            d.Dispose();
        }
    }

    private static void WaitFor(Func<bool> condition, string what)
    {
        var sw = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(sw.Elapsed < TimeSpan.FromSeconds(5), "timed out waiting for: " + what);
            Thread.Sleep(10);
        }
    }

    private static int FreePort()
    {
        using var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        s.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)s.LocalEndPoint!).Port;
    }

    private (Node Primary, Node Backup) StartPair()
    {
        int a = FreePort();
        int b = FreePort();
        Node primary = Start(ConfRole.Primary, 1, a, b);
        Node backup = Start(ConfRole.Backup, 2, b, a);
        return (primary, backup);
    }

    private Node Start(ConfRole role, UInt128 cid, int port, int partnerPort)
    {
        var gate = new OutputGate();
        var controller = new StandbyController(new StandbySettings
        {
            Enabled = true,
            Partner = "127.0.0.1:" + partnerPort,
            PartnerAddress = IPAddress.Loopback,
            PartnerPort = partnerPort,
            Interface = IPAddress.Loopback,
            Port = port,
            Cid = cid,
            ConfRole = role,
            Heartbeat = TimeSpan.FromMilliseconds(20),
            Takeover = TimeSpan.FromMilliseconds(300),
        }, gate);
        _owned.Add(controller);
        Assert.False(gate.IsOpen);
        Assert.True(controller.Start());
        return new Node(controller, gate, port);
    }

    private sealed record Node(StandbyController Controller, OutputGate Gate, int Port);
}

/// <summary>The messages logged at Information or above.</summary>
internal sealed class RecordingLogger : Microsoft.Extensions.Logging.ILogger
{
    public List<string> Messages { get; } = [];

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => logLevel >= Microsoft.Extensions.Logging.LogLevel.Information;

    public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (IsEnabled(logLevel))
        {
            Messages.Add(formatter(state, exception));
        }
    }
}
