// Licensed under the MIT License. See LICENSE in the repository root.
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using OlaSharp.Uart.Internal;
using Xunit.Abstractions;

namespace OlaSharp.Uart.Tests;

/// <summary>The real writer (libc tty calls, monotonic clock) on a pseudo-terminal pair.</summary>
public sealed class PtyTests(ITestOutputHelper output) : IDisposable
{
    private readonly ListLogger _logger = new();
    private readonly string _dir = Directory.CreateTempSubdirectory("olas-uart-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private static byte[] Expected(byte[] slots) => [0, .. slots];

    // Every byte a cooked tty would touch: NL, CR, XON/XOFF, ^C, ^D, ^Z, DEL, ESC, 0xFF (PARMRK), NUL.
    private static byte[] HostileSlots(int n)
    {
        byte[] special = [0x0A, 0x0D, 0x0A, 0x0D, 0x11, 0x13, 0x03, 0x04, 0x1A, 0x7F, 0x1B, 0xFF, 0x00, 0x0A];
        return [.. Enumerable.Range(0, n).Select(i => special[i % special.Length])];
    }

    private UartLineWriter Start(string path, UartLineSettings settings, Func<byte[]> slots)
    {
        var writer = new UartLineWriter(path, settings, LinuxUartFactory.Instance, MonotonicLineClock.Instance, s =>
        {
            byte[] b = slots();
            b.CopyTo(s);
            return b.Length;
        }, null, _logger);
        writer.Start();
        return writer;
    }

    private static void AssertFrames(byte[] stream, byte[] frame, int minFrames)
    {
        Assert.True(stream.Length >= frame.Length * minFrames, $"only {stream.Length} bytes");
        int whole = stream.Length / frame.Length;
        for (int f = 0; f < whole; f++)
        {
            Assert.True(stream.AsSpan(f * frame.Length, frame.Length).SequenceEqual(frame), $"frame {f} differs");
        }
    }

    [Fact]
    public void Pty_FullFrameOfControlBytes_ArrivesByteForByte()
    {
        using var pty = new PtyPair();
        byte[] slots = HostileSlots(512);
        using UartLineWriter writer = Start(pty.SlavePath, new UartLineSettings(MalfMicroseconds: 100), () => slots);
        byte[] frame = Expected(slots);
        byte[] stream = pty.Read(frame.Length * 20, TimeSpan.FromSeconds(10));
        AssertFrames(stream, frame, 20);

        // Linux ptys accept TIOCSBRK/TIOCCBRK (a no-op) and TCSETS2 with BOTHER: no fallback warning.
        foreach ((LogLevel level, string message) in _logger.Entries)
        {
            output.WriteLine($"{level}: {message}");
        }

        Assert.Equal(0, _logger.Count(LogLevel.Warning));
    }

    [Fact]
    public void Pty_ShortFrame_LengthAsPatched()
    {
        using var pty = new PtyPair();
        byte[] slots = [0x0D, 0x0A, 0x0A];
        using UartLineWriter writer = Start(pty.SlavePath, new UartLineSettings(), () => slots);
        byte[] stream = pty.Read(4 * 50, TimeSpan.FromSeconds(10));
        AssertFrames(stream, [0, 0x0D, 0x0A, 0x0A], 50);
    }

    [Fact]
    public void Pty_Termios_RawEightDataTwoStopNoParity()
    {
        using var pty = new PtyPair();
        using UartLineWriter writer = Start(pty.SlavePath, new UartLineSettings(), () => []);
        Assert.NotEmpty(pty.Read(10, TimeSpan.FromSeconds(10)));
        Native.Termios2 t = pty.SlaveTermios();
        output.WriteLine($"slave termios2: iflag {t.IFlag:x} oflag {t.OFlag:x} cflag {t.CFlag:x} lflag {t.LFlag:x} ispeed {t.ISpeed} ospeed {t.OSpeed}");
        Assert.Equal(0u, t.OFlag & Native.OPost);
        Assert.Equal(Native.Cs8 | Native.CStopB, t.CFlag & (Native.CSize | Native.CStopB | Native.ParEnb));
        Assert.Equal(0u, t.CFlag & Native.CrtsCts);
        Assert.NotEqual(0u, t.CFlag & Native.CLocal);
        Assert.Equal(0u, t.LFlag & (Native.ICanon | Native.Echo | Native.ISig));
        Assert.Equal(0u, t.IFlag & (Native.IXon | Native.ICrNl | Native.InlCr));
        Assert.Equal(LinuxUart.Baud, t.OSpeed);
        Assert.Equal(Native.BOther, t.CFlag & Native.CBaud);
    }

    [Fact]
    public void Termios2_Layout_Is44Bytes()
    {
        unsafe
        {
            Assert.Equal(44, sizeof(Native.Termios2));
        }
    }

    [Fact]
    public void Pty_NewData_LatestMergedFrameGoesOut()
    {
        using var pty = new PtyPair();
        byte[] current = [1, 1, 1, 1];
        using UartLineWriter writer = Start(pty.SlavePath, new UartLineSettings(MalfMicroseconds: 1000), () => Volatile.Read(ref current));
        AssertFrames(pty.Read(5 * 10, TimeSpan.FromSeconds(10)), [0, 1, 1, 1, 1], 10);
        Volatile.Write(ref current, [7, 7, 7, 7]);
        byte[] later = pty.Read(5 * 200, TimeSpan.FromSeconds(5));
        byte[] tail = later[^(5 * 10)..];
        AssertFrames(tail, [0, 7, 7, 7, 7], 10);
    }

    [Theory]
    [InlineData(24000, 0, 30, 45)]
    [InlineData(100, 20, 15, 21)]
    public void Pty_FrameRate_FollowsMalfAndRefresh(int malf, int hz, int minFps, int maxFps)
    {
        using var pty = new PtyPair();
        byte[] slots = new byte[512];
        using UartLineWriter writer = Start(pty.SlavePath, new UartLineSettings(MalfMicroseconds: malf, RefreshHz: hz), () => slots);
        Assert.NotEmpty(pty.Read(513, TimeSpan.FromSeconds(10)));
        long before = writer.FramesSent;
        var sw = Stopwatch.StartNew();
        pty.Drain(TimeSpan.FromSeconds(2));
        double fps = (writer.FramesSent - before) / sw.Elapsed.TotalSeconds;
        output.WriteLine($"malf {malf} us, refresh {hz} Hz: {fps:F2} frames/s on the pty");
        Assert.InRange(fps, minFps, maxFps);
    }

    [Fact]
    public void Pty_BreakAndMab_NeverShorterThanConfigured()
    {
        using var pty = new PtyPair();
        var factory = new TimingFactory();
        byte[] slots = new byte[512];
        using var writer = new UartLineWriter(pty.SlavePath, new UartLineSettings(BreakMicroseconds: 100, MabMicroseconds: 16, MalfMicroseconds: 1000), factory, MonotonicLineClock.Instance, s => { slots.CopyTo(s); return slots.Length; }, null, _logger);
        writer.Start();
        pty.Drain(TimeSpan.FromSeconds(3));
        writer.Dispose();

        double[] breaks = [.. factory.Line!.Breaks.Select(t => t / 1000.0).Order()];
        double[] mabs = [.. factory.Line.Mabs.Select(t => t / 1000.0).Order()];
        output.WriteLine($"{breaks.Length} frames; break us min {breaks[0]:F1} median {breaks[breaks.Length / 2]:F1} p99 {breaks[(int)(breaks.Length * 0.99)]:F1} max {breaks[^1]:F1}");
        output.WriteLine($"MAB us min {mabs[0]:F1} median {mabs[mabs.Length / 2]:F1} p99 {mabs[(int)(mabs.Length * 0.99)]:F1} max {mabs[^1]:F1}");
        Assert.True(breaks.Length > 100);
        Assert.True(breaks[0] >= 100, $"a break of {breaks[0]} us");
        Assert.True(mabs[0] >= 16, $"a MAB of {mabs[0]} us");
    }

    [Fact]
    public void Clock_SleepsToAbsoluteDeadlines_AndNeverReturnsEarly()
    {
        // On Linux the line clock is CLOCK_MONOTONIC, so its sleeps are clock_nanosleep(TIMER_ABSTIME).
        Assert.Equal(OperatingSystem.IsLinux(), MonotonicLineClock.AbsoluteSleep);

        // 200 deadlines 5 ms apart from one start: absolute deadlines do not accumulate each wait's overshoot.
        MonotonicLineClock clock = MonotonicLineClock.Instance;
        const long period = 5_000_000;
        long start = clock.NowNanoseconds;
        double[] late = new double[200];
        for (int i = 0; i < late.Length; i++)
        {
            long deadline = start + ((i + 1) * period);
            clock.WaitUntil(deadline, CancellationToken.None);
            late[i] = (clock.NowNanoseconds - deadline) / 1000.0;
        }

        Array.Sort(late);
        output.WriteLine($"wake-up after deadline us: min {late[0]:F1} median {late[late.Length / 2]:F1} p99 {late[(int)(late.Length * 0.99)]:F1} max {late[^1]:F1}; spin window now {MonotonicLineClock.SpinNanoseconds / 1000.0:F0} us");
        Assert.True(late[0] >= 0, $"returned {-late[0]} us early");
    }

    /// <summary>Times the real calls: break = TIOCSBRK return to TIOCCBRK call, MAB = TIOCCBRK return to write.</summary>
    private sealed class TimingFactory : IUartLineFactory
    {
        public TimingLine? Line { get; private set; }

        public IUartLine Open(string path, out string? warning) => Line = new TimingLine(LinuxUart.Open(path, out warning));
    }

    private sealed class TimingLine(IUartLine inner) : IUartLine
    {
        private long _on;
        private long _off;

        public List<long> Breaks { get; } = new(10000);

        public List<long> Mabs { get; } = new(10000);

        public bool SetBreak(bool on)
        {
            if (!on && _on != 0)
            {
                Breaks.Add(MonotonicLineClock.Instance.NowNanoseconds - _on);
                _on = 0;
            }

            bool ok = inner.SetBreak(on);
            if (on)
            {
                _on = MonotonicLineClock.Instance.NowNanoseconds;
            }
            else
            {
                _off = MonotonicLineClock.Instance.NowNanoseconds;
            }

            return ok;
        }

        public void Write(ReadOnlySpan<byte> data)
        {
            Mabs.Add(MonotonicLineClock.Instance.NowNanoseconds - _off);
            inner.Write(data);
        }

        public void Drain() => inner.Drain();

        public void Dispose() => inner.Dispose();
    }

    [Fact]
    public void Pty_UnplugAndReplug_OneWarningAndBackWithinOneSecond()
    {
        string link = Path.Combine(_dir, "ttyDMX");
        var first = new PtyPair();
        File.CreateSymbolicLink(link, first.SlavePath);
        byte[] slots = [5, 6, 7];
        using UartLineWriter writer = Start(link, new UartLineSettings(MalfMicroseconds: 1000), () => slots);
        try
        {
            AssertFrames(first.Read(4 * 10, TimeSpan.FromSeconds(10)), [0, 5, 6, 7], 10);

            // Unplug: the master goes away (the slave is hung up) and so does the device node.
            File.Delete(link);
            first.Dispose();
            Assert.True(SpinWait.SpinUntil(() => !writer.IsOpen, TimeSpan.FromSeconds(5)));
            Thread.Sleep(1500);
            Assert.Equal(1, _logger.Count(LogLevel.Warning));

            // Replug.
            using var second = new PtyPair();
            File.CreateSymbolicLink(link, second.SlavePath);
            var sw = Stopwatch.StartNew();
            byte[] data = second.Read(4, TimeSpan.FromSeconds(5));
            double ms = sw.Elapsed.TotalMilliseconds;
            output.WriteLine($"replug to first byte: {ms:F0} ms");
            Assert.Equal(4, data.Length);
            Assert.InRange(ms, 0, 1000);
            AssertFrames(second.Read(4 * 10, TimeSpan.FromSeconds(5)), [0, 5, 6, 7], 10);
            Assert.Equal(1, _logger.Count(LogLevel.Warning));
        }
        finally
        {
            first.Dispose();
        }
    }
}
