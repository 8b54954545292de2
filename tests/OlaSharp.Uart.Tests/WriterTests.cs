// Licensed under the MIT License. See LICENSE in the repository root.
using Microsoft.Extensions.Logging;
using OlaSharp.Tests.Shared;
using OlaSharp.Uart.Gpio;

namespace OlaSharp.Uart.Tests;

/// <summary>The line writer's frame sequence and timing, with a fake OS layer and a fake clock.</summary>
public sealed class WriterTests
{
    private readonly EventLog _log = new();
    private readonly FakeLineClock _clock = new();
    private readonly ListLogger _logger = new();
    private byte[] _slots = [1, 2, 3];

    private UartLineWriter Create(UartLineSettings settings, FakeLineFactory factory, IGpioChips? gpio = null) =>
        new("/dev/ttyFAKE", settings, factory, _clock, s => { _slots.CopyTo(s); return _slots.Length; }, gpio, _logger);

    private static List<LineEvent> Ops(List<LineEvent> events, string op) => [.. events.Where(e => e.Op == op)];

    [Fact]
    public void RunOnce_Frames_BreakMabWriteDrainMalfInOrderWithExactTimes()
    {
        var factory = new FakeLineFactory(_log, _clock);
        using UartLineWriter writer = Create(new UartLineSettings(BreakMicroseconds: 100, MabMicroseconds: 16, MalfMicroseconds: 100), factory);

        for (int i = 0; i < 3; i++)
        {
            Assert.True(writer.RunOnce(CancellationToken.None));
        }

        List<LineEvent> events = _log.Snapshot().Where(e => e.Op != "open").ToList();
        Assert.Equal(
            ["break-on", "break-off", "write", "drain", "break-on", "break-off", "write", "drain", "break-on", "break-off", "write", "drain"],
            events.Select(e => e.Op));
        for (int f = 0; f < 3; f++)
        {
            LineEvent on = events[f * 4], off = events[(f * 4) + 1], write = events[(f * 4) + 2], drain = events[(f * 4) + 3];
            Assert.Equal(100_000, off.TimeNs - on.TimeNs);
            Assert.Equal(16_000, write.TimeNs - off.TimeNs);
            Assert.Equal(new byte[] { 0, 1, 2, 3 }, write.Data);
            Assert.Equal(4 * 44_000, drain.TimeNs - write.TimeNs);
            if (f > 0)
            {
                // The malf idle is counted from the end of the drain: a real mark after the last slot.
                Assert.Equal(100_000, on.TimeNs - events[(f * 4) - 1].TimeNs);
            }
        }

        Assert.Equal(3, writer.FramesSent);
    }

    [Fact]
    public void RunOnce_RefreshHz_FrameStartsOnAbsoluteDeadlines()
    {
        var factory = new FakeLineFactory(_log, _clock);
        using UartLineWriter writer = Create(new UartLineSettings(RefreshHz: 40, MalfMicroseconds: 100), factory);
        _slots = new byte[512];

        for (int i = 0; i < 5; i++)
        {
            writer.RunOnce(CancellationToken.None);
        }

        List<LineEvent> breaks = Ops(_log.Snapshot(), "break-on");
        Assert.Equal(5, breaks.Count);
        for (int i = 1; i < breaks.Count; i++)
        {
            Assert.Equal(25_000_000, breaks[i].TimeNs - breaks[i - 1].TimeNs);
        }
    }

    [Fact]
    public void RunOnce_LateWakeUp_ScheduleNotStretchedAndBreakNeverSkipped()
    {
        var factory = new FakeLineFactory(_log, _clock);
        using UartLineWriter writer = Create(new UartLineSettings(RefreshHz: 40), factory);

        writer.RunOnce(CancellationToken.None);
        _clock.Advance(5_000_000); // a 5 ms late wake-up (preemption)
        writer.RunOnce(CancellationToken.None);
        writer.RunOnce(CancellationToken.None);

        List<LineEvent> events = _log.Snapshot();
        List<LineEvent> breaks = Ops(events, "break-on");
        Assert.Equal(3, breaks.Count);
        Assert.Equal(3, Ops(events, "break-off").Count);

        // Frame 3 is back on the original grid: 2 periods after frame 1.
        Assert.Equal(50_000_000, breaks[2].TimeNs - breaks[0].TimeNs);
    }

    [Fact]
    public void RunOnce_SourceChanges_LatestFrameGoesOut()
    {
        var factory = new FakeLineFactory(_log, _clock);
        using UartLineWriter writer = Create(new UartLineSettings(), factory);
        writer.RunOnce(CancellationToken.None);
        _slots = [9, 8];
        writer.RunOnce(CancellationToken.None);
        _slots = [];
        writer.RunOnce(CancellationToken.None);

        List<LineEvent> writes = Ops(_log.Snapshot(), "write");
        Assert.Equal(new byte[] { 0, 1, 2, 3 }, writes[0].Data);
        Assert.Equal(new byte[] { 0, 9, 8 }, writes[1].Data);
        Assert.Equal(new byte[] { 0 }, writes[2].Data);
    }

    [Fact]
    public void RunOnce_LineFails_OneWarningThenReopensWithinASecondOfReturn()
    {
        var factory = new FakeLineFactory(_log, _clock);
        using UartLineWriter writer = Create(new UartLineSettings(), factory);
        Assert.True(writer.RunOnce(CancellationToken.None));

        factory.Last!.Fail = true;
        factory.Present = false;
        for (int i = 0; i < 50; i++)
        {
            Assert.False(writer.RunOnce(CancellationToken.None));
        }

        Assert.True(factory.Last.Disposed);
        Assert.False(writer.IsOpen);
        Assert.Equal(1, _logger.Count(LogLevel.Warning));

        // Retries back off but never wait more than MaxReopenDelay.
        List<LineEvent> opens = Ops(_log.Snapshot(), "open");
        for (int i = 1; i < opens.Count; i++)
        {
            Assert.InRange(opens[i].TimeNs - opens[i - 1].TimeNs, 1, (long)UartLineWriter.MaxReopenDelay.TotalNanoseconds);
        }

        long back = _clock.NowNanoseconds;
        factory.Present = true;
        while (!writer.RunOnce(CancellationToken.None))
        {
        }

        LineEvent reopened = Ops(_log.Snapshot(), "open")[^1];
        Assert.InRange(reopened.TimeNs - back, 0, 1_000_000_000);
        Assert.Equal(1, _logger.Count(LogLevel.Warning));
        Assert.Contains(_logger.Entries, e => e.Level == LogLevel.Information && e.Message.Contains("reopened", StringComparison.Ordinal));
        Assert.Equal(1, writer.Failures);
    }

    [Fact]
    public void RunOnce_DeviceMissingAtStart_LoggedOnceAndOpenedWhenItAppears()
    {
        var factory = new FakeLineFactory(_log, _clock) { Present = false };
        using UartLineWriter writer = Create(new UartLineSettings(), factory);
        for (int i = 0; i < 20; i++)
        {
            Assert.False(writer.RunOnce(CancellationToken.None));
        }

        Assert.Equal(1, _logger.Count(LogLevel.Warning));
        factory.Present = true;
        Assert.True(writer.RunOnce(CancellationToken.None));
    }

    [Fact]
    public void RunOnce_BreakUnsupported_WarnsOnceAndKeepsSending()
    {
        var factory = new UnsupportedBreakFactory(_log, _clock);
        using var writer = new UartLineWriter("/dev/pts/x", new UartLineSettings(), factory, _clock, s => 0, null, _logger);
        for (int i = 0; i < 5; i++)
        {
            Assert.True(writer.RunOnce(CancellationToken.None));
        }

        Assert.Equal(5, Ops(_log.Snapshot(), "write").Count);
        Assert.Equal(1, _logger.Count(LogLevel.Warning));
    }

    [Fact]
    public void Gpio_DrivenBeforeFirstWrite_HeldThenReleasedOnStop()
    {
        FakeGpioChips gpio = FakeGpioChips.Pi4(_log);
        var factory = new FakeLineFactory(_log, _clock);
        UartLineWriter writer = Create(new UartLineSettings(DeGpio: 18), factory, gpio);
        writer.RunOnce(CancellationToken.None);
        writer.RunOnce(CancellationToken.None);
        Assert.True(gpio["/dev/gpiochip0"].Levels[18]);
        writer.Dispose();

        List<string> ops = _log.Snapshot().Select(e => e.Op).ToList();
        int firstWrite = ops.IndexOf("write");

        // Requested as an output already high: no separate write, no glitch low first.
        int driven = ops.IndexOf("gpio-request /dev/gpiochip0 18 high olasharpd");
        Assert.InRange(driven, 0, firstWrite - 1);
        Assert.Equal(1, ops.Count(o => o.StartsWith("gpio-request", StringComparison.Ordinal)));
        Assert.DoesNotContain("gpio-write 18 high", ops);

        // Stop: line left idle (break off, drained), closed, then DE inactive and the line released.
        int close = ops.IndexOf("close");
        Assert.Equal("break-off", ops[close - 2]);
        Assert.Equal("drain", ops[close - 1]);
        int low = ops.IndexOf("gpio-write 18 low");
        Assert.True(low > close);
        Assert.True(ops.IndexOf("gpio-close 18") > low);
        Assert.Empty(gpio["/dev/gpiochip0"].Requested);
        Assert.False(gpio["/dev/gpiochip0"].Levels[18]);
        Assert.All(gpio.Chips, c => Assert.Equal(0, c.OpenHandles));
        Assert.Contains(_logger.Entries, e => e.Level == LogLevel.Information && e.Message.Contains("driver-enable GPIO 18 driven high on /dev/gpiochip0 (pinctrl-bcm2711)", StringComparison.Ordinal));
    }

    [Fact]
    public void Gpio_ActiveLow_DrivenLowThenHighOnStop()
    {
        FakeGpioChips gpio = FakeGpioChips.Pi5New(_log);
        UartLineWriter writer = Create(new UartLineSettings(DeGpio: 4, DeActiveHigh: false), new FakeLineFactory(_log, _clock), gpio);
        writer.RunOnce(CancellationToken.None);
        Assert.False(gpio["/dev/gpiochip0"].Levels[4]);
        Assert.Contains("gpio-request /dev/gpiochip0 4 low olasharpd", _log.Snapshot().Select(e => e.Op));
        writer.Dispose();
        Assert.True(gpio["/dev/gpiochip0"].Levels[4]);
        Assert.Empty(gpio["/dev/gpiochip0"].Requested);
    }

    [Fact]
    public void Gpio_Busy_LoggedOnceWithTheFixAndFramesStillFlow()
    {
        FakeGpioChips gpio = FakeGpioChips.Pi4(_log);
        gpio["/dev/gpiochip0"].Used[18] = "pwm-fan";
        using UartLineWriter writer = Create(new UartLineSettings(DeGpio: 18), new FakeLineFactory(_log, _clock), gpio);
        for (int i = 0; i < 5; i++)
        {
            Assert.True(writer.RunOnce(CancellationToken.None));
        }

        // One attempt, one error line (no stack trace), five frames.
        Assert.Equal(1, gpio["/dev/gpiochip0"].Opens);
        (LogLevel level, string message) = Assert.Single(_logger.Entries, e => e.Level == LogLevel.Error);
        Assert.Equal(
            "/dev/ttyFAKE: could not drive driver-enable GPIO 18, the transceiver may not transmit: GPIO 18 is in use by 'pwm-fan' on /dev/gpiochip0 (pinctrl-bcm2711): " +
            "stop that program, or remove the device-tree overlay that claims the pin (`pinctrl get 18` shows its function), or set <device>-de_gpio to the pin the hat really uses",
            message);
        Assert.Equal(5, Ops(_log.Snapshot(), "write").Count);
        Assert.Equal(5, writer.FramesSent);
    }

    [Fact]
    public void Gpio_ChipOverride_UsesTheNamedChip()
    {
        FakeGpioChips gpio = new FakeGpioChips(_log).With("/dev/gpiochip0", "gpio-mockup-A", 8).With("/dev/gpiochip1", "ftdi-cbus", 4);
        using UartLineWriter writer = Create(new UartLineSettings(DeGpio: 2, DeGpioChip: "ftdi-cbus"), new FakeLineFactory(_log, _clock), gpio);
        writer.RunOnce(CancellationToken.None);
        Assert.Contains("gpio-request /dev/gpiochip1 2 high olasharpd", _log.Snapshot().Select(e => e.Op));
    }

    [Fact]
    public void Start_RealThread_FramesFlowAndDisposeStops()
    {
        var factory = new FakeLineFactory(_log, _clock);
        UartLineWriter writer = Create(new UartLineSettings(MalfMicroseconds: 1000), factory);
        writer.Start();
        SpinWait.SpinUntil(() => writer.FramesSent >= 10, TimeSpan.FromSeconds(10));
        writer.Dispose();
        Assert.True(writer.FramesSent >= 10);
        Assert.True(factory.Last!.Disposed);
    }

    [Fact]
    public void RunOnce_SteadyState_AllocatesNothing()
    {
        byte[] slots = new byte[512];
        var line = new NullLine();
        var clock = new StepClock();
        using var writer = new UartLineWriter("/dev/null0", new UartLineSettings(RefreshHz: 44), new SingleLineFactory(line), clock, s => { slots.CopyTo(s); return slots.Length; }, null, _logger);
        SteadyState.AssertAllocatesNothing(
            () =>
            {
                for (int i = 0; i < 1000; i++)
                {
                    writer.RunOnce(CancellationToken.None);
                }
            });
        Assert.Equal(6000, writer.FramesSent);
    }

    private sealed class NullLine : IUartLine
    {
        public bool SetBreak(bool on) => true;

        public void Write(ReadOnlySpan<byte> data)
        {
        }

        public void Drain()
        {
        }

        public void Dispose()
        {
        }
    }

    private sealed class SingleLineFactory(IUartLine line) : IUartLineFactory
    {
        public IUartLine Open(string path, out string? warning)
        {
            warning = null;
            return line;
        }
    }

    private sealed class StepClock : ILineClock
    {
        public long NowNanoseconds { get; private set; }

        public void WaitUntil(long deadlineNanoseconds, CancellationToken cancellationToken) =>
            NowNanoseconds = Math.Max(NowNanoseconds, deadlineNanoseconds);
    }

    private sealed class UnsupportedBreakFactory(EventLog log, FakeLineClock clock) : IUartLineFactory
    {
        public IUartLine Open(string path, out string? warning)
        {
            warning = null;
            return new FakeLine(log, clock, breakSupported: false);
        }
    }
}
