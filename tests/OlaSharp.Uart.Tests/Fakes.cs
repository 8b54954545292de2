// Licensed under the MIT License. See LICENSE in the repository root.
using Microsoft.Extensions.Logging;

namespace OlaSharp.Uart.Tests;

/// <summary>One recorded OS call, with the fake clock's time.</summary>
internal sealed record LineEvent(string Op, long TimeNs, byte[]? Data = null);

/// <summary>A shared, ordered record of line and GPIO events.</summary>
internal sealed class EventLog
{
    private readonly List<LineEvent> _events = [];

    public void Add(LineEvent e)
    {
        lock (_events)
        {
            _events.Add(e);
        }
    }

    public List<LineEvent> Snapshot()
    {
        lock (_events)
        {
            return [.. _events];
        }
    }
}

/// <summary>A clock that jumps to each deadline at once; OS calls advance it by their modelled cost.</summary>
internal sealed class FakeLineClock : ILineClock
{
    private long _now = 1_000_000_000;

    public long NowNanoseconds => Interlocked.Read(ref _now);

    public List<long> Waits { get; } = [];

    public void Advance(long ns) => Interlocked.Add(ref _now, ns);

    public void WaitUntil(long deadlineNanoseconds, CancellationToken cancellationToken)
    {
        Waits.Add(deadlineNanoseconds - _now);
        if (deadlineNanoseconds > _now)
        {
            Interlocked.Exchange(ref _now, deadlineNanoseconds);
        }
    }
}

/// <summary>
/// A UART that records each call. Drain advances the clock by 44 µs per byte written (250 kbaud 8N2),
/// so the writer sees a line as slow as the real one.
/// </summary>
internal sealed class FakeLine(EventLog log, FakeLineClock clock, bool breakSupported = true) : IUartLine
{
    private int _pending;

    public bool Fail { get; set; }

    public bool Disposed { get; private set; }

    public bool SetBreak(bool on)
    {
        Check();
        log.Add(new LineEvent(on ? "break-on" : "break-off", clock.NowNanoseconds));
        return breakSupported;
    }

    public void Write(ReadOnlySpan<byte> data)
    {
        Check();
        log.Add(new LineEvent("write", clock.NowNanoseconds, data.ToArray()));
        _pending += data.Length;
    }

    public void Drain()
    {
        Check();
        clock.Advance(_pending * 44_000L);
        _pending = 0;
        log.Add(new LineEvent("drain", clock.NowNanoseconds));
    }

    public void Dispose()
    {
        Disposed = true;
        log.Add(new LineEvent("close", clock.NowNanoseconds));
    }

    private void Check()
    {
        if (Fail)
        {
            throw new IOException("ioctl failed: Input/output error");
        }
    }
}

/// <summary>Opens <see cref="FakeLine"/>s while <see cref="Present"/>.</summary>
internal sealed class FakeLineFactory(EventLog log, FakeLineClock clock) : IUartLineFactory
{
    public bool Present { get; set; } = true;

    public Func<string, bool> IsPresent { get; set; } = _ => true;

    public int Opens { get; private set; }

    public FakeLine? Last { get; private set; }

    /// <summary>When it returns an exception for a path, opening that path throws it (a device that is busy, say).</summary>
    public Func<string, IOException?> Failure { get; set; } = _ => null;

    /// <summary>The setup warning opens return (a tty that refused 250 kbaud).</summary>
    public string? Warning { get; set; }

    public IUartLine Open(string path, out string? warning)
    {
        warning = Warning;
        log.Add(new LineEvent("open", clock.NowNanoseconds));
        if (!Present || !IsPresent(path))
        {
            throw new IOException($"Could not open {path}: No such file or directory", 2);
        }

        if (Failure(path) is IOException failure)
        {
            throw failure;
        }

        Opens++;
        Last = new FakeLine(log, clock);
        return Last;
    }
}

/// <summary>Collects log entries; <see cref="Count"/> counts by level.</summary>
internal sealed class ListLogger : ILogger, ILoggerProvider, ILoggerFactory
{
    private readonly List<(LogLevel Level, string Message)> _entries = [];

    public List<(LogLevel Level, string Message)> Entries
    {
        get
        {
            lock (_entries)
            {
                return [.. _entries];
            }
        }
    }

    /// <summary>Entries logged with an exception (a stack trace in the server's log).</summary>
    public int Exceptions { get; private set; }

    // The SCHED_FIFO notice depends on who runs the tests (root or not), so it is not counted.
    public int Count(LogLevel level) => Entries.Count(e => e.Level == level && !e.Message.Contains("SCHED_FIFO", StringComparison.Ordinal));

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_entries)
        {
            _entries.Add((logLevel, formatter(state, exception)));
            if (exception is not null)
            {
                Exceptions++;
            }
        }
    }

    public ILogger CreateLogger(string categoryName) => this;

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }
}
