// Licensed under the MIT License. See LICENSE in the repository root.
using System.Globalization;
using OlaSharp.Uart.Gpio;

namespace OlaSharp.Uart.Tests;

/// <summary>One fake <c>/dev/gpiochipN</c>: what the kernel would report and refuse.</summary>
internal sealed class FakeChip(string path, string label, int lines)
{
    public string Path { get; } = path;

    public string Label { get; } = label;

    public int Lines { get; } = lines;

    /// <summary>errno for opening the node (13 = EACCES); 0 opens.</summary>
    public int OpenErrno { get; set; }

    /// <summary>errno for the line request (16 = EBUSY); 0 grants it.</summary>
    public int RequestErrno { get; set; }

    /// <summary>Lines already held, with their consumer ("" for a kernel driver with no name).</summary>
    public Dictionary<int, string> Used { get; } = [];

    /// <summary>Consumers that take a line between the look and the request (a race).</summary>
    public Dictionary<int, string> UsedAfterLook { get; } = [];

    public string Group { get; set; } = "gpio";

    /// <summary>Physical level of each requested line, kept after release (what the pin was left at).</summary>
    public Dictionary<int, bool> Levels { get; } = [];

    /// <summary>Lines requested and not yet released.</summary>
    public HashSet<int> Requested { get; } = [];

    public int OpenHandles { get; set; }

    public int Opens { get; set; }
}

/// <summary>
/// The GPIO chips of a fake machine (a Pi 3, 4 or 5 as <c>gpiodetect</c> shows them). Line requests, value
/// writes and releases go to the shared <see cref="EventLog"/> as <c>gpio-request PATH OFFSET high|low</c>,
/// <c>gpio-write OFFSET high|low</c> and <c>gpio-close OFFSET</c>.
/// </summary>
internal sealed class FakeGpioChips(EventLog? log = null) : IGpioChips
{
    private readonly List<FakeChip> _chips = [];

    public int ListCalls { get; private set; }

    /// <summary>A Pi 3 (kernel 6.6): the header's chip and the firmware's expander.</summary>
    public static FakeGpioChips Pi3(EventLog? log = null) => new FakeGpioChips(log)
        .With("/dev/gpiochip0", "pinctrl-bcm2835", 54)
        .With("/dev/gpiochip1", "raspberrypi-exp-gpio", 8);

    /// <summary>A Pi 4 as WiringPi#280 shows it on 6.6.47.</summary>
    public static FakeGpioChips Pi4(EventLog? log = null) => new FakeGpioChips(log)
        .With("/dev/gpiochip0", "pinctrl-bcm2711", 58)
        .With("/dev/gpiochip1", "raspberrypi-exp-gpio", 8);

    /// <summary>A Pi 5 before kernel 6.6.45: four SoC chips first, RP1 on gpiochip4 (raspberrypi/linux#6144).</summary>
    public static FakeGpioChips Pi5Old(EventLog? log = null) => new FakeGpioChips(log)
        .With("/dev/gpiochip0", "gpio-brcmstb@107d508500", 32)
        .With("/dev/gpiochip1", "gpio-brcmstb@107d508520", 4)
        .With("/dev/gpiochip2", "gpio-brcmstb@107d517c00", 17)
        .With("/dev/gpiochip3", "gpio-brcmstb@107d517c20", 6)
        .With("/dev/gpiochip4", "pinctrl-rp1", 54);

    /// <summary>A Pi 5 from kernel 6.6.45: RP1 on gpiochip0, the SoC's chips from 10.</summary>
    public static FakeGpioChips Pi5New(EventLog? log = null) => new FakeGpioChips(log)
        .With("/dev/gpiochip0", "pinctrl-rp1", 54)
        .With("/dev/gpiochip10", "gpio-brcmstb@107d508500", 32)
        .With("/dev/gpiochip11", "gpio-brcmstb@107d508520", 4)
        .With("/dev/gpiochip12", "gpio-brcmstb@107d517c00", 17)
        .With("/dev/gpiochip13", "gpio-brcmstb@107d517c20", 6);

    /// <summary>A Pi 5 on a 6.12 image with no gpiochip0 at all (Adafruit_Blinka#1119).</summary>
    public static FakeGpioChips Pi5NoChip0(EventLog? log = null) => new FakeGpioChips(log)
        .With("/dev/gpiochip11", "gpio-brcmstb@107d508500", 32)
        .With("/dev/gpiochip12", "gpio-brcmstb@107d508520", 4)
        .With("/dev/gpiochip13", "gpio-brcmstb@107d517c00", 17)
        .With("/dev/gpiochip14", "gpio-brcmstb@107d517c20", 6)
        .With("/dev/gpiochip15", "pinctrl-rp1", 54);

    public IReadOnlyList<FakeChip> Chips => _chips;

    public FakeChip this[string path] => _chips.Single(c => c.Path == path);

    public FakeGpioChips With(string path, string label, int lines)
    {
        _chips.Add(new FakeChip(path, label, lines));
        return this;
    }

    public IReadOnlyList<string> ChipPaths()
    {
        ListCalls++;
        return [.. _chips.Select(c => c.Path).OrderBy(p => int.Parse(p.AsSpan("/dev/gpiochip".Length), CultureInfo.InvariantCulture))];
    }

    public int TryOpen(string path, out IGpioChip? chip)
    {
        chip = null;
        FakeChip? c = _chips.SingleOrDefault(x => x.Path == path);
        if (c is null)
        {
            return 2; // ENOENT
        }

        if (c.OpenErrno != 0)
        {
            return c.OpenErrno;
        }

        c.Opens++;
        c.OpenHandles++;
        chip = new Handle(c, log);
        return 0;
    }

    public string? NodeGroup(string path) => _chips.SingleOrDefault(x => x.Path == path)?.Group;

    private sealed class Handle(FakeChip chip, EventLog? log) : IGpioChip
    {
        private bool _disposed;

        public string Path => chip.Path;

        public GpioChipInfo Info => new(System.IO.Path.GetFileName(chip.Path), chip.Label, chip.Lines);

        public int TryGetLineInfo(int offset, out GpioLineInfo info)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            info = default;
            if (offset >= chip.Lines)
            {
                return 22; // EINVAL
            }

            bool used = chip.Used.TryGetValue(offset, out string? consumer) || chip.Requested.Contains(offset);
            info = new GpioLineInfo("GPIO" + offset.ToString(CultureInfo.InvariantCulture), consumer ?? (used ? "olasharpd" : string.Empty), used);
            if (chip.UsedAfterLook.Remove(offset, out string? late))
            {
                chip.Used[offset] = late;
            }

            return 0;
        }

        public int TryRequestOutput(int offset, bool value, string consumer, out IGpioLine? line)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            line = null;
            if (offset >= chip.Lines)
            {
                return 22;
            }

            if (chip.RequestErrno != 0)
            {
                return chip.RequestErrno;
            }

            if (chip.Used.ContainsKey(offset) || chip.Requested.Contains(offset))
            {
                return 16; // EBUSY
            }

            chip.Requested.Add(offset);
            chip.Levels[offset] = value;
            log?.Add(new LineEvent($"gpio-request {chip.Path} {offset} {(value ? "high" : "low")} {consumer}", 0));
            line = new Line(chip, offset, log);
            return 0;
        }

        public void Dispose()
        {
            if (!_disposed)
            {
                _disposed = true;
                chip.OpenHandles--;
            }
        }
    }

    private sealed class Line(FakeChip chip, int offset, EventLog? log) : IGpioLine
    {
        private bool _released;

        public int SetValue(bool value)
        {
            ObjectDisposedException.ThrowIf(_released, this);
            chip.Levels[offset] = value;
            log?.Add(new LineEvent(value ? $"gpio-write {offset} high" : $"gpio-write {offset} low", 0));
            return 0;
        }

        public void Dispose()
        {
            if (!_released)
            {
                _released = true;
                chip.Requested.Remove(offset);
                log?.Add(new LineEvent($"gpio-close {offset}", 0));
            }
        }
    }
}
