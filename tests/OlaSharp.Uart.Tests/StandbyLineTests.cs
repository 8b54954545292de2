// Licensed under the MIT License. See LICENSE in the repository root.
using Microsoft.Extensions.Logging;
using OlaSharp.Core.Standby;
using OlaSharp.Uart.Gpio;
using OlaSharp.Uart.Internal;

namespace OlaSharp.Uart.Tests;

/// <summary>
/// Hot standby on the UART line (issue 17): a closed output gate releases the line (driver-enable inactive,
/// nothing written, the thread asleep); an opened one drives the pin before the first break and sends the
/// current merged frame.
/// </summary>
public sealed class StandbyLineTests
{
    private readonly EventLog _log = new();
    private readonly FakeLineClock _clock = new();
    private readonly ListLogger _logger = new();
    private byte[] _slots = [1, 2, 3];

    private UartLineWriter Create(UartLineSettings settings, OutputGate gate, IGpioChips? gpio, DmxSlotSource? source = null) =>
        new("/dev/ttyFAKE", settings, new FakeLineFactory(_log, _clock), _clock, source ?? (s => { _slots.CopyTo(s); return _slots.Length; }), gpio, _logger)
        {
            Outputs = gate,
        };

    private static List<string> Ops(EventLog log) => [.. log.Snapshot().Select(e => e.Op)];

    [Fact]
    public async Task GateClosesDuringAFrame_FrameFinishesThenDeInactiveAndNothingWritten_ThreadSleeps()
    {
        FakeGpioChips gpio = FakeGpioChips.Pi4(_log);
        var gate = new OutputGate();
        int fills = 0;
        using UartLineWriter writer = Create(new UartLineSettings(DeGpio: 18), gate, gpio, s =>
        {
            if (++fills == 2)
            {
                gate.Set(false); // the standby controller closes the gate while this frame is being built
            }

            _slots.CopyTo(s);
            return _slots.Length;
        });

        Assert.True(writer.RunOnce(CancellationToken.None));
        Assert.Equal(1, gate.Driving); // counted as driving the shared line
        Assert.True(writer.RunOnce(CancellationToken.None)); // the frame in progress still goes out whole
        Assert.Equal(1, gate.Driving); // the gate closed, but the pin is still active: the partner must not open yet
        Assert.Equal(writer.Path, gate.DrivingNames());

        using var stop = new CancellationTokenSource();
        Task<bool> released = Task.Run(() => writer.RunOnce(stop.Token));
        Assert.True(SpinWait.SpinUntil(() => writer.IsReleased && gpio["/dev/gpiochip0"].Levels[18] == false, TimeSpan.FromSeconds(10)));
        Assert.Equal(0, gate.Driving); // the controller's released flag may go out now
        int waits = _clock.Waits.Count;
        await Task.Delay(200);

        // Asleep: no clock waits (no per-frame wake-ups), no return, nothing on the line after the last drain.
        Assert.False(released.IsCompleted);
        Assert.Equal(waits, _clock.Waits.Count);
        List<string> ops = Ops(_log);
        int lastDrain = ops.LastIndexOf("drain");
        Assert.Equal(2, ops.Count(o => o == "write"));
        Assert.Equal(["gpio-write 18 low"], ops.Skip(lastDrain + 1));
        Assert.Equal(1, writer.Releases);
        Assert.Contains(_logger.Entries, e => e.Level == LogLevel.Information && e.Message.Contains("line released by standby", StringComparison.Ordinal));

        stop.Cancel();
        Assert.False(await released.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task GateOpens_GuardThenDeActiveBeforeFirstBreak_FirstFrameIsTheCurrentMergedFrame()
    {
        FakeGpioChips gpio = FakeGpioChips.Pi4(_log);
        var gate = new OutputGate();
        using UartLineWriter writer = Create(new UartLineSettings(DeGpio: 18), gate, gpio);
        Assert.True(writer.RunOnce(CancellationToken.None));
        gate.Set(false);
        using var stop = new CancellationTokenSource();
        Task<bool> sleeping = Task.Run(() => writer.RunOnce(stop.Token));
        Assert.True(SpinWait.SpinUntil(() => writer.IsReleased, TimeSpan.FromSeconds(10)));

        // The merge moved on while this server was standby: the first frame must be this look, not black.
        _slots = [200, 100, 50, 25];
        int before = _log.Snapshot().Count;
        gate.Set(true);
        Assert.False(await sleeping.WaitAsync(TimeSpan.FromSeconds(10)));
        long opened = _clock.NowNanoseconds;
        Assert.True(writer.RunOnce(CancellationToken.None));

        List<LineEvent> after = [.. _log.Snapshot().Skip(before)];
        Assert.Equal(["gpio-write 18 high", "break-on", "break-off", "write", "drain"], after.Select(e => e.Op));
        Assert.Equal(new byte[] { 0, 200, 100, 50, 25 }, after[3].Data);
        Assert.True(gpio["/dev/gpiochip0"].Levels[18]);
        Assert.False(writer.IsReleased);

        // The break waited out the partner's longest frame (break, MAB, 513 slots, malf) plus the margin.
        Assert.Equal(100_000 + 16_000 + (513 * 44_000) + 100_000 + 10_000_000, after[1].TimeNs - opened);
        Assert.Equal(TimeSpan.FromTicks((after[1].TimeNs - opened) / 100), writer.TakeOverGuard);
        Assert.Contains(_logger.Entries, e => e.Message.Contains("line taken by this server", StringComparison.Ordinal));
    }

    [Fact]
    public async Task StandbyFromStart_PinRequestedInactive_NeverDrivenUntilTheGateOpens()
    {
        FakeGpioChips gpio = FakeGpioChips.Pi4(_log);
        var gate = new OutputGate();
        gate.Set(false);
        using UartLineWriter writer = Create(new UartLineSettings(DeGpio: 18), gate, gpio);
        using var stop = new CancellationTokenSource();
        Task<bool> sleeping = Task.Run(() => writer.RunOnce(stop.Token));
        Assert.True(SpinWait.SpinUntil(() => writer.IsReleased, TimeSpan.FromSeconds(10)));
        await Task.Delay(50);

        // Held at the receive level (so nothing else takes the pin), never high, no open, no frame.
        Assert.Equal(["gpio-request /dev/gpiochip0 18 low olasharpd"], Ops(_log));
        Assert.Contains(_logger.Entries, e => e.Message.Contains("driver-enable GPIO 18 driven low", StringComparison.Ordinal));

        gate.Set(true);
        Assert.False(await sleeping.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.True(writer.RunOnce(CancellationToken.None));
        List<string> ops = Ops(_log);
        Assert.True(ops.IndexOf("gpio-write 18 high") < ops.IndexOf("break-on"));
        Assert.Equal(1, ops.Count(o => o.StartsWith("gpio-request", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task NoDePin_Released_LineIdlesAtMarkAndTheHealthSaysReleasedByStandby()
    {
        var gate = new OutputGate();
        var time = TimeProvider.System;
        var health = new UartHealth("/dev/ttyFAKE", "/etc/ola/ola-uartdmx.conf", time, _logger);
        health.Opened(null);
        using UartLineWriter writer = new("/dev/ttyFAKE", new UartLineSettings(), new FakeLineFactory(_log, _clock), _clock, s => 3, null, _logger)
        {
            Outputs = gate,
            Health = health,
        };
        Assert.True(writer.RunOnce(CancellationToken.None));
        gate.Set(false);
        using var stop = new CancellationTokenSource();
        Task<bool> sleeping = Task.Run(() => writer.RunOnce(stop.Token));
        Assert.True(SpinWait.SpinUntil(() => writer.IsReleased, TimeSpan.FromSeconds(10)));

        // The last thing the line saw is the end of a frame (break off long before): it idles at mark.
        Assert.Equal("drain", Ops(_log)[^1]);
        var plugin = new UartDmxPlugin(new FakeLineFactory(_log, _clock), FakeGpioChips.Pi4(), _clock);
        Core.Plugins.DeviceHealth released = health.Snapshot(plugin, [1]);
        Assert.Equal(Core.Plugins.DeviceHealthState.Open, released.State);
        Assert.Equal(
            "Standby: partner active, outputs silent, UART line /dev/ttyFAKE released (no driver-enable pin configured: the line idles at mark, nothing is written).",
            released.Problem);

        gate.Set(true);
        Assert.False(await sleeping.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.True(writer.RunOnce(CancellationToken.None));
        Assert.Equal(string.Empty, health.Snapshot(plugin, [1]).Problem);
    }

    [Fact]
    public void Start_ReleasedThenDisposed_ThreadEndsAndTheGateNoLongerWakesIt()
    {
        FakeGpioChips gpio = FakeGpioChips.Pi4(_log);
        var gate = new OutputGate();
        gate.Set(false);
        UartLineWriter writer = Create(new UartLineSettings(DeGpio: 18), gate, gpio);
        writer.Start();
        Assert.True(SpinWait.SpinUntil(() => writer.IsReleased, TimeSpan.FromSeconds(10)));

        // The sleeping thread wakes for the stop (not only for the gate), releases the pin and unsubscribes.
        writer.Dispose();
        Assert.Empty(gpio["/dev/gpiochip0"].Requested);
        gate.Set(true);
        gate.Set(false);
        Assert.Equal(0, writer.FramesSent);
        Assert.DoesNotContain("break-on", Ops(_log));
    }

    [Fact]
    public void StandbyPair_SharedBus_NeverBothDriversOn_AndFramesBackWithinTheTakeOver()
    {
        var bus = new SharedBus();
        var gateA = new OutputGate();
        var gateB = new OutputGate();
        gateB.Set(false); // B starts as the standby
        byte[] look = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120, 130, 140, 150, 160, 170, 180, 190, 200, 210, 220, 230, 240];
        int Source(Span<byte> s)
        {
            look.CopyTo(s);
            return look.Length;
        }

        var settings = new UartLineSettings(DeGpio: 18);
        var a = new UartLineWriter("/dev/ttyA", settings, new BusLineFactory(bus, "A"), MonotonicLineClock.Instance, Source, new BusGpio(bus, "A"), _logger) { Outputs = gateA };
        var b = new UartLineWriter("/dev/ttyB", settings, new BusLineFactory(bus, "B"), MonotonicLineClock.Instance, Source, new BusGpio(bus, "B"), _logger) { Outputs = gateB };
        try
        {
            a.Start();
            b.Start();
            Assert.True(SpinWait.SpinUntil(() => bus.FramesBy("A") >= 5 && b.IsReleased, TimeSpan.FromSeconds(10)));

            var gaps = new List<TimeSpan>();
            for (int i = 0; i < 6; i++)
            {
                // As a pair hands over: the active one closes its gate and, once its line is released (the frame
                // in progress finished, its pin down), announces standby; the partner then opens. A partner's
                // line thread can stall for tens of ms on a loaded machine (45 ms measured here at load 16),
                // which no fixed guard covers: the hand-over waits for the release, not for a time.
                (OutputGate from, OutputGate to, UartLineWriter fromWriter, string next) = i % 2 == 0 ? (gateA, gateB, a, "B") : (gateB, gateA, b, "A");
                long before = bus.FramesBy(next);
                long switched = System.Diagnostics.Stopwatch.GetTimestamp();
                from.Set(false);
                Assert.True(SpinWait.SpinUntil(() => fromWriter.IsReleased, TimeSpan.FromSeconds(5)));
                to.Set(true);
                Assert.True(SpinWait.SpinUntil(() => bus.FramesBy(next) >= before + 3, TimeSpan.FromSeconds(5)), $"no frames from {next} after switch {i}");
                gaps.Add(bus.FirstFrameAfter(next, switched));
                Thread.Sleep(30);
            }

            Assert.Equal(0, bus.BothDriving);
            Assert.Equal(0, bus.WritesWithoutDriver);
            Assert.All(gaps, g => Assert.InRange(g, a.TakeOverGuard, TimeSpan.FromSeconds(1)));
        }
        finally
        {
            a.Dispose();
            b.Dispose();
        }

        // Stopped: every frame either side sent carried the look (none black), and neither drives any more.
        Assert.Equal(0, bus.BothDriving);
        Assert.All(bus.Frames, f => Assert.Equal(look, f.Skip(1)));
        Assert.True(bus.Frames.Count > 20);
    }

    /// <summary>
    /// One RS-485 line shared by two transceivers: each side's driver-enable level and what it writes. A write
    /// by a side whose driver is off, or both drivers on at once, is counted as a fault.
    /// </summary>
    private sealed class SharedBus
    {
        private readonly object _lock = new();
        private readonly Dictionary<string, bool> _driving = [];
        private readonly Dictionary<string, List<long>> _frameTimes = [];

        public List<byte[]> Frames { get; } = [];

        public int BothDriving { get; private set; }

        public int WritesWithoutDriver { get; private set; }

        public void Drive(string side, bool on)
        {
            lock (_lock)
            {
                _driving[side] = on;
                if (_driving.Values.Count(v => v) > 1)
                {
                    BothDriving++;
                }
            }
        }

        public void Write(string side, ReadOnlySpan<byte> data)
        {
            lock (_lock)
            {
                if (!_driving.GetValueOrDefault(side))
                {
                    WritesWithoutDriver++;
                }

                Frames.Add(data.ToArray());
                if (!_frameTimes.TryGetValue(side, out List<long>? times))
                {
                    _frameTimes[side] = times = [];
                }

                times.Add(System.Diagnostics.Stopwatch.GetTimestamp());
            }
        }

        public long FramesBy(string side)
        {
            lock (_lock)
            {
                return _frameTimes.TryGetValue(side, out List<long>? times) ? times.Count : 0;
            }
        }

        public TimeSpan FirstFrameAfter(string side, long timestamp)
        {
            lock (_lock)
            {
                long first = _frameTimes[side].First(t => t >= timestamp);
                return System.Diagnostics.Stopwatch.GetElapsedTime(timestamp, first);
            }
        }
    }

    /// <summary>A UART on the shared bus; the drain takes the frame's real time on the wire (44 us a byte).</summary>
    private sealed class BusLine(SharedBus bus, string side) : IUartLine
    {
        private int _pending;

        public bool SetBreak(bool on) => true;

        public void Write(ReadOnlySpan<byte> data)
        {
            bus.Write(side, data);
            _pending = data.Length;
        }

        public void Drain()
        {
            MonotonicLineClock.Instance.WaitUntil(MonotonicLineClock.Instance.NowNanoseconds + (_pending * 44_000L), CancellationToken.None);
            _pending = 0;
        }

        public void Dispose()
        {
        }
    }

    private sealed class BusLineFactory(SharedBus bus, string side) : IUartLineFactory
    {
        public IUartLine Open(string path, out string? warning)
        {
            warning = null;
            return new BusLine(bus, side);
        }
    }

    /// <summary>One Pi's GPIO chip whose line 18 is that side's driver-enable on the bus (active high).</summary>
    private sealed class BusGpio(SharedBus bus, string side) : IGpioChips
    {
        public IReadOnlyList<string> ChipPaths() => ["/dev/gpiochip0"];

        public int TryOpen(string path, out IGpioChip? chip)
        {
            chip = new Chip(bus, side);
            return 0;
        }

        public string? NodeGroup(string path) => "gpio";

        private sealed class Chip(SharedBus bus, string side) : IGpioChip
        {
            public string Path => "/dev/gpiochip0";

            public GpioChipInfo Info => new("gpiochip0", "pinctrl-bcm2711", 58);

            public int TryGetLineInfo(int offset, out GpioLineInfo info)
            {
                info = new GpioLineInfo("GPIO18", string.Empty, false);
                return 0;
            }

            public int TryRequestOutput(int offset, bool value, string consumer, out IGpioLine? line)
            {
                bus.Drive(side, value);
                line = new Line(bus, side);
                return 0;
            }

            public void Dispose()
            {
            }
        }

        private sealed class Line(SharedBus bus, string side) : IGpioLine
        {
            public int SetValue(bool value)
            {
                bus.Drive(side, value);
                return 0;
            }

            public void Dispose()
            {
            }
        }
    }
}
