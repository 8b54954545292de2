// Licensed under the MIT License. See LICENSE in the repository root.
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using OlaSharp.Core.Conf;

namespace OlaSharp.Uart.Setup;

/// <summary>
/// <c>olasharpd doctor</c>: checks a Raspberry Pi's setup for DMX512 on the UART on GPIO 14/15 and says, for
/// each check, what it found and the exact fix. The checks read files under <see cref="SetupOptions.Root"/>
/// (pure functions of the tree); the running system's checks (device node, holders, baud rate, GPIO line) go
/// through an <see cref="ISystemProbe"/>. Facts, from raspberrypi/documentation (<c>configuration/uart.adoc</c>,
/// <c>config_txt/*.adoc</c>) and raspberrypi/linux (<c>arch/arm/boot/dts/overlays/README</c>):
/// Pi 3/4: the PL011 (<c>ttyAMA0</c>) reaches GPIO 14/15 with <c>dtoverlay=disable-bt</c> (then
/// <c>hciuart</c> disabled) or <c>dtoverlay=miniuart-bt</c>, and <c>enable_uart=1</c>; UART0's clock defaults
/// to 48 MHz. Pi 5: GPIO 14/15 is RP1 UART0 = <c>ttyAMA0</c>, off unless <c>dtparam=uart0=on</c> (or
/// <c>dtoverlay=uart0-pi5</c>); <c>serial0</c> there is UART10 on the debug header (<c>ttyAMA10</c>).
/// </summary>
public static partial class SetupDoctor
{
    /// <summary>The command that applies the boot-file fixes.</summary>
    public const string FixCommand = "sudo olasharpd doctor --fix";

    /// <summary>Runs every check.</summary>
    public static SetupReport Run(SetupOptions options, ISystemProbe? probe = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var run = new DoctorRun(options, probe ?? LinuxSystemProbe.Instance);
        return run.Report();
    }

    /// <summary>
    /// Applies the boot-file fixes (config.txt lines added at its end under <c>[all]</c>, the serial console
    /// removed from cmdline.txt), each file backed up beside itself first and written atomically; nothing
    /// else is touched. Returns what was done (empty when nothing was needed) and the report after the fix.
    /// </summary>
    public static (IReadOnlyList<string> Actions, SetupReport After) Fix(SetupOptions options, ISystemProbe? probe = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        probe ??= LinuxSystemProbe.Instance;
        var run = new DoctorRun(options, probe);
        _ = run.Report();
        IReadOnlyList<string> actions = run.ApplyFix();
        return (actions, new DoctorRun(options, probe).Report());
    }

    /// <summary>One run: the tree's files, read once, and the checks over them.</summary>
    private sealed partial class DoctorRun
    {
        private readonly SetupOptions _o;
        private readonly ISystemProbe _probe;
        private readonly List<string> _configLinesToAdd = [];
        private readonly List<string> _cmdlineTokensToRemove = [];
        private PiModel _model = PiModel.None;
        private string? _configPath;
        private string? _cmdlinePath;
        private BootConfig? _boot;
        private string? _cmdline;
        private ConfFile? _uartConf;
        private IReadOnlyList<string> _devices = [];
        private string _device = "/dev/ttyAMA0";
        private NodeInfo? _node;
        private IReadOnlyList<Holder> _holders = [];

        public DoctorRun(SetupOptions options, ISystemProbe probe)
        {
            _o = options;
            _probe = probe;
        }

        private bool IsPi => _model.Family != PiFamily.NotAPi;

        private bool IsPi5 => _model.Family == PiFamily.Pi5;

        public SetupReport Report()
        {
            var checks = new List<SetupCheck> { CheckModel() };
            LoadConf();
            checks.Add(CheckBootConfig());
            checks.Add(CheckUartEnabled());
            checks.Add(CheckBluetooth());
            checks.Add(CheckHciuart());
            checks.Add(CheckUartClock());
            checks.Add(CheckSerialConsole());
            checks.Add(CheckGetty());
            checks.Add(CheckDeviceNode());
            checks.Add(CheckUserGroups());
            checks.Add(CheckHolders());
            checks.Add(CheckBaud());
            checks.Add(CheckGpioLine());
            checks.Add(CheckConfEnabled());
            checks.Add(CheckConfDevice());
            checks.Add(CheckConfTiming());
            checks.Add(CheckConfPatch());
            string model = _model.Text is null ? "unknown (no /proc/device-tree/model)" : $"{_model.Text} ({_model.ShortName})";
            return new SetupReport(model, _configPath, checks);
        }

        /// <summary>A path of the tree as a real path (<c>/boot/config.txt</c> under the root).</summary>
        private string Real(string path) => Path.Join(_o.Root, path);

        private string? ReadText(string path)
        {
            try
            {
                return File.ReadAllText(Real(path));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return null;
            }
        }

        private static SetupCheck Check(string id, string title, CheckOutcome outcome, string found, string fix = "") =>
            new(id, title, outcome, found, fix);

        /// <summary>True, with the check's answer in <paramref name="skip"/>, when it does not apply: not a Raspberry Pi.</summary>
        private bool NotApplicable(string id, string title, [NotNullWhen(true)] out SetupCheck? skip)
        {
            skip = IsPi ? null : Check(id, title, CheckOutcome.NotApplicable, "not a Raspberry Pi");
            return skip is not null;
        }

        /// <summary>
        /// <see cref="NotApplicable(string, string, out SetupCheck?)"/> for a check that reads config.txt: also
        /// true when no config.txt was found.
        /// </summary>
        [MemberNotNullWhen(false, nameof(_boot))]
        private bool NotApplicableWithoutBootConfig(string id, string title, [NotNullWhen(true)] out SetupCheck? skip)
        {
            skip = !IsPi ? Check(id, title, CheckOutcome.NotApplicable, "not a Raspberry Pi")
                : _boot is null ? Check(id, title, CheckOutcome.NotApplicable, NoConfig)
                : null;
            return skip is not null;
        }

        private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

        // ---- model and boot files ----

        private SetupCheck CheckModel()
        {
            const string Id = "model", Title = "Which Raspberry Pi";
            string? text = ReadText("/proc/device-tree/model");
            _model = _o.Model ?? PiModel.Parse(text);
            if (_o.Model is not null)
            {
                return Check(Id, Title, CheckOutcome.Pass, $"{_model.ShortName}, as given with --model");
            }

            if (text is null)
            {
                return _o.RunningSystem
                    ? Check(Id, Title, CheckOutcome.Warn, "no /proc/device-tree/model: not a Raspberry Pi, so the Pi checks do not apply", "none needed for a USB DMX interface; on a Pi, run this on the Pi itself")
                    : Check(Id, Title, CheckOutcome.Fail, $"no proc/device-tree/model under {_o.Root}: the board is unknown", "say which board the card is for: olasharpd doctor --root DIR --model pi3|pi4|pi5");
            }

            return _model.Family switch
            {
                PiFamily.NotAPi => Check(Id, Title, CheckOutcome.Warn, $"\"{_model.Text}\" is not a Raspberry Pi, so the Pi checks do not apply", "none needed for a USB DMX interface"),
                PiFamily.OtherPi => Check(Id, Title, CheckOutcome.Warn, $"{_model.Text}: not a Pi 3, 4 or 5; checked with the Pi 3/4 rules", string.Empty),
                _ => Check(Id, Title, CheckOutcome.Pass, $"{_model.Text} ({_model.ShortName})"),
            };
        }

        private SetupCheck CheckBootConfig()
        {
            const string Id = "boot-config", Title = "Boot config location";
            if (NotApplicable(Id, Title, out SetupCheck? skip))
            {
                return skip;
            }

            const string Bookworm = "/boot/firmware/config.txt", Legacy = "/boot/config.txt";
            string? bookworm = ReadText(Bookworm);
            string? legacy = ReadText(Legacy);
            (_configPath, string? text, string era) = bookworm is not null
                ? (Bookworm, bookworm, "Bookworm or later")
                : legacy is not null ? (Legacy, legacy, "before Bookworm") : ((string?)null, (string?)null, string.Empty);
            if (_configPath is null || text is null)
            {
                return Check(Id, Title, CheckOutcome.Fail, $"neither {Bookworm} nor {Legacy} exists", "mount the boot partition (Bookworm and later: /boot/firmware; before: /boot), then run the doctor again");
            }

            string dir = Path.GetDirectoryName(_configPath)!;
            _boot = BootConfig.Parse(_configPath, text, _model, name => ReadText(Path.Join(dir, name)));
            _cmdlinePath = Path.Join(dir, "cmdline.txt");
            _cmdline = ReadText(_cmdlinePath);
            string found = $"{_configPath} ({era}), cmdline.txt beside it";
            if (bookworm is not null && legacy is not null)
            {
                // Bookworm leaves a stub at /boot/config.txt; settings there are not read any more.
                BootConfig stale = BootConfig.Parse(Legacy, legacy, _model);
                string[] uartNames = ["enable_uart", "init_uart_clock"];
                List<BootSetting> lost = [.. stale.Settings.Where(s => uartNames.Contains(s.Name) || (s.Name == "dtoverlay" && BootConfig.OverlayName(s.Value) is "disable-bt" or "miniuart-bt" or "pi3-disable-bt" or "pi3-miniuart-bt" or "uart0-pi5") || (s.Name == "dtparam" && s.Value.Contains("uart0", StringComparison.Ordinal)))];
                if (lost.Count > 0)
                {
                    return Check(Id, Title, CheckOutcome.Warn, $"{found}; {Legacy} also sets {string.Join(", ", lost.Select(s => $"{s.Name}={s.Value} (line {s.Line})"))}, which the firmware no longer reads", $"put those lines in {Bookworm} instead (the checks below say which are needed) and delete them from {Legacy}");
                }
            }

            return Check(Id, Title, CheckOutcome.Pass, found);
        }

        private const string NoConfig = "no config.txt found (see boot-config)";

        /// <summary>Where a needed config.txt line goes, and the alternative of --fix.</summary>
        private string AddLine(string line)
        {
            _configLinesToAdd.Add(line);
            return $"add the line \"{line}\" at the end of {_configPath} under [all] (or run: {FixCommand}), then reboot";
        }

        private static string Elsewhere(IEnumerable<BootSetting> lines, string model)
        {
            List<BootSetting> list = [.. lines];
            return list.Count == 0 ? string.Empty
                : "; " + string.Join("; ", list.Select(s => $"{s.Name}={s.Value} at {s.Where} does not apply to this {model}"));
        }

        private SetupCheck CheckUartEnabled()
        {
            const string Id = "uart-enabled", Title = "UART on GPIO 14/15 enabled";
            if (NotApplicableWithoutBootConfig(Id, Title, out SetupCheck? skip))
            {
                return skip;
            }

            if (IsPi5)
            {
                (string Value, BootSetting Setting)? param = _boot.DtParam("uart0");
                BootSetting? overlay = _boot.Overlays("uart0-pi5").LastOrDefault();
                if (param is { } p && BootConfig.IsOn(p.Value))
                {
                    return Check(Id, Title, CheckOutcome.Pass, $"dtparam=uart0={p.Value} ({p.Setting.Where}): RP1 UART0 is /dev/ttyAMA0 on GPIO 14/15");
                }

                if (overlay is not null)
                {
                    return Check(Id, Title, CheckOutcome.Pass, $"dtoverlay={overlay.Value} ({overlay.Where}): RP1 UART0 is /dev/ttyAMA0 on GPIO 14/15");
                }

                string why = param is { } off ? $"dtparam=uart0={off.Value} at {off.Setting.Where} turns it off" : "no dtparam=uart0=on applies to this Pi 5";
                string other = _boot.DtParam("uart0", applying: false) is { } na ? $"; dtparam=uart0={na.Value} at {na.Setting.Where} does not apply to this Pi 5" : string.Empty;
                other += Elsewhere(_boot.All("enable_uart").Where(s => !s.Applies), "Pi 5");
                return Check(Id, Title, CheckOutcome.Fail, $"RP1 UART0 (GPIO 14/15) is off: {why}{other}", AddLine("dtparam=uart0=on"));
            }

            BootSetting? enable = _boot.Last("enable_uart");
            if (enable?.Value == "1")
            {
                return Check(Id, Title, CheckOutcome.Pass, $"enable_uart=1 ({enable.Where})");
            }

            string state = enable is null ? $"no enable_uart=1 applies to this {_model.ShortName}" : $"enable_uart={enable.Value} at {enable.Where} is the last one that applies";
            return Check(Id, Title, CheckOutcome.Fail, state + Elsewhere(_boot.All("enable_uart").Where(s => !s.Applies), _model.ShortName), AddLine("enable_uart=1"));
        }

        private bool DisableBt => _boot is not null && _boot.Overlays("disable-bt", "pi3-disable-bt").Any();

        private bool MiniuartBt => _boot is not null && _boot.Overlays("miniuart-bt", "pi3-miniuart-bt").Any();

        private SetupCheck CheckBluetooth()
        {
            const string Id = "bluetooth", Title = "Bluetooth off the PL011";
            if (NotApplicable(Id, Title, out SetupCheck? skip))
            {
                return skip;
            }

            if (IsPi5)
            {
                string note = _boot is not null && _boot.Overlays("disable-bt").Any() ? " (dtoverlay=disable-bt on a Pi 5 only turns Bluetooth off; the UART does not need it)" : string.Empty;
                return Check(Id, Title, CheckOutcome.Pass, "Pi 5: Bluetooth has a UART of its own; RP1 UART0 on GPIO 14/15 is not shared" + note);
            }

            if (!_model.HasBluetoothOnPl011)
            {
                return Check(Id, Title, CheckOutcome.NotApplicable, $"{_model.Text}: no Bluetooth on the PL011");
            }

            if (_boot is null)
            {
                return Check(Id, Title, CheckOutcome.NotApplicable, NoConfig);
            }

            if (DisableBt)
            {
                BootSetting s = _boot.Overlays("disable-bt", "pi3-disable-bt").Last();
                return Check(Id, Title, CheckOutcome.Pass, $"dtoverlay={s.Value} ({s.Where}): Bluetooth off, the PL011 (ttyAMA0) is on GPIO 14/15");
            }

            if (MiniuartBt)
            {
                BootSetting s = _boot.Overlays("miniuart-bt", "pi3-miniuart-bt").Last();
                return Check(Id, Title, CheckOutcome.Pass, $"dtoverlay={s.Value} ({s.Where}): Bluetooth on the mini UART, the PL011 (ttyAMA0) on GPIO 14/15 (the mini UART needs a fixed core clock, e.g. core_freq=250 on a Pi 3)");
            }

            string elsewhere = Elsewhere(_boot.OverlaysElsewhere("disable-bt", "pi3-disable-bt", "miniuart-bt", "pi3-miniuart-bt"), _model.ShortName);
            return Check(Id, Title, CheckOutcome.Fail, $"Bluetooth holds the PL011: no dtoverlay=disable-bt or miniuart-bt applies, so GPIO 14/15 carry the mini UART (ttyS0), whose baud rate follows the changing VPU core clock{elsewhere}", AddLine("dtoverlay=disable-bt") + "; then also: sudo systemctl disable hciuart");
        }

        private SetupCheck CheckHciuart()
        {
            const string Id = "hciuart", Title = "hciuart service disabled";
            if (!IsPi || IsPi5 || !_model.HasBluetoothOnPl011)
            {
                return Check(Id, Title, CheckOutcome.NotApplicable, IsPi5 ? "Pi 5: hciuart does not use UART0" : "no Bluetooth on the PL011");
            }

            if (MiniuartBt && !DisableBt)
            {
                return Check(Id, Title, CheckOutcome.NotApplicable, "Bluetooth runs on the mini UART (miniuart-bt): hciuart may stay enabled");
            }

            List<string> links = EnabledUnits("hciuart.service");
            return links.Count == 0
                ? Check(Id, Title, CheckOutcome.Pass, "hciuart.service is not enabled")
                : Check(Id, Title, CheckOutcome.Fail, $"hciuart.service is enabled ({string.Join(", ", links)}): it attaches Bluetooth to the PL011 at boot", "sudo systemctl disable hciuart");
        }

        private SetupCheck CheckUartClock()
        {
            const string Id = "uart-clock", Title = "UART clock divides to 250 kbaud";
            if (NotApplicable(Id, Title, out SetupCheck? skip))
            {
                return skip;
            }

            if (IsPi5)
            {
                return Check(Id, Title, CheckOutcome.NotApplicable, "Pi 5: RP1 UART0 runs from its own 50 MHz clock (50,000,000 / 16 / 250,000 = 12.5, exact with the PL011's 1/64 fractional divider); init_uart_clock does not set it");
            }

            if (_boot is null)
            {
                return Check(Id, Title, CheckOutcome.NotApplicable, NoConfig);
            }

            BootSetting? clock = _boot.Last("init_uart_clock");
            if (clock is null)
            {
                return Check(Id, Title, CheckOutcome.Pass, "no init_uart_clock: the default 48 MHz gives 48,000,000 / 16 / 250,000 = 12 exactly");
            }

            string fix = $"replace init_uart_clock={clock.Value} ({clock.Where}) with init_uart_clock=48000000, or delete the line (48 MHz is the default)";
            if (!long.TryParse(clock.Value, NumberStyles.None, CultureInfo.InvariantCulture, out long hz) || hz <= 0)
            {
                _configLinesToAdd.Add("init_uart_clock=48000000");
                return Check(Id, Title, CheckOutcome.Fail, $"init_uart_clock={clock.Value} ({clock.Where}) is not a frequency in Hz", fix);
            }

            // PL011 baud divisor = clock / (16 x baud), in steps of 1/64: exact when clock / 62,500 is whole.
            if (hz < 16 * 250_000)
            {
                _configLinesToAdd.Add("init_uart_clock=48000000");
                return Check(Id, Title, CheckOutcome.Fail, $"init_uart_clock={clock.Value} ({clock.Where}) is below 16 x 250,000 = 4 MHz: the PL011 cannot reach 250 kbaud", fix);
            }

            long steps = (long)Math.Round(hz / 62_500.0, MidpointRounding.AwayFromZero);
            double actual = hz * 4.0 / steps;
            double error = Math.Abs(actual - 250_000) / 250_000 * 100;
            string maths = $"init_uart_clock={clock.Value} ({clock.Where}): {N(hz)} / 16 / 250,000 = {hz / 4_000_000.0:0.######}";
            if (hz % 62_500 == 0)
            {
                return Check(Id, Title, CheckOutcome.Pass, $"{maths}, exact with the 1/64 fractional divider");
            }

            if (error <= 1)
            {
                return Check(Id, Title, CheckOutcome.Warn, $"{maths}: the nearest divisor gives {actual:0} baud ({error:0.###}% off; DMX512 receivers allow about 2%)", fix);
            }

            _configLinesToAdd.Add("init_uart_clock=48000000");
            return Check(Id, Title, CheckOutcome.Fail, $"{maths}: the nearest divisor gives {actual:0} baud, {error:0.##}% off 250,000", fix);
        }

        private string[] ConsoleNames()
        {
            // serial0 is the primary UART: ttyAMA0 on GPIO 14/15 on a Pi 3/4 with Bluetooth moved; on a Pi 5
            // it is ttyAMA10 on the debug header, so a console there is harmless.
            string dev = Path.GetFileName(_device);
            return IsPi5 ? [dev] : [.. new[] { "serial0", "ttyAMA0", dev }.Distinct()];
        }

        private SetupCheck CheckSerialConsole()
        {
            const string Id = "serial-console", Title = "No serial console on the UART";
            if (NotApplicableWithoutBootConfig(Id, Title, out SetupCheck? skip))
            {
                return skip;
            }

            if (_cmdline is null)
            {
                return Check(Id, Title, CheckOutcome.Warn, $"no {_cmdlinePath} beside {_configPath}", $"check that {_cmdlinePath} exists (the kernel command line); the Pi will not boot without it");
            }

            string[] names = ConsoleNames();
            List<string> bad = [];
            List<string> harmless = [];
            foreach (string token in _cmdline.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
            {
                if (!token.StartsWith("console=", StringComparison.Ordinal))
                {
                    continue;
                }

                string dev = token["console=".Length..].Split(',')[0];
                dev = dev.StartsWith("/dev/", StringComparison.Ordinal) ? dev[5..] : dev;
                (names.Contains(dev, StringComparer.Ordinal) ? bad : harmless).Add(token);
            }

            if (bad.Count == 0)
            {
                string note = harmless.Count == 0 ? string.Empty : $" (also {string.Join(" ", harmless)}, not on GPIO 14/15{(IsPi5 && harmless.Any(t => t.Contains("serial0", StringComparison.Ordinal)) ? ": serial0 is the debug header's UART on a Pi 5" : string.Empty)})";
                return Check(Id, Title, CheckOutcome.Pass, $"{_cmdlinePath} has no console on the UART" + note);
            }

            _cmdlineTokensToRemove.AddRange(bad);
            return Check(Id, Title, CheckOutcome.Fail, $"{_cmdlinePath} has {string.Join(" ", bad)}: the kernel writes its log to the DMX line and a login prompt listens on it",
                $"remove \"{string.Join(" ", bad)}\" from {_cmdlinePath} (it stays one line; or run: {FixCommand}), then reboot");
        }

        private SetupCheck CheckGetty()
        {
            const string Id = "serial-getty", Title = "No login prompt (getty) on the UART";
            if (NotApplicable(Id, Title, out SetupCheck? skip))
            {
                return skip;
            }

            List<string> found = [];
            List<string> units = [];
            foreach (string name in ConsoleNames())
            {
                foreach (string unit in new[] { $"serial-getty@{name}.service", $"getty@{name}.service" })
                {
                    List<string> links = EnabledUnits(unit);
                    if (links.Count > 0)
                    {
                        units.Add(unit);
                        found.AddRange(links);
                    }
                }
            }

            return units.Count == 0
                ? Check(Id, Title, CheckOutcome.Pass, "no serial-getty enabled on the UART (on Bookworm a getty also starts from console= in cmdline.txt: see serial-console)")
                : Check(Id, Title, CheckOutcome.Fail, $"enabled: {string.Join(", ", found)}", string.Join("; ", units.Select(u => $"sudo systemctl disable --now {u}")));
        }

        /// <summary>The enablement symlinks of <paramref name="unit"/> under <c>/etc/systemd/system/*.wants</c> (none when masked).</summary>
        private List<string> EnabledUnits(string unit)
        {
            var found = new List<string>();
            string system = Real("/etc/systemd/system");
            if (!Directory.Exists(system))
            {
                return found;
            }

            string masked = Path.Join(system, unit);
            if (new FileInfo(masked).LinkTarget == "/dev/null")
            {
                return found;
            }

            try
            {
                foreach (string wants in Directory.EnumerateDirectories(system, "*.wants"))
                {
                    string link = Path.Join(wants, unit);
                    if (File.Exists(link) || new FileInfo(link).LinkTarget is not null)
                    {
                        found.Add("/" + Path.GetRelativePath(_o.Root, link).Replace('\\', '/'));
                    }
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Unreadable: reported as not enabled; the running checks (holders) still see a getty.
            }

            return found;
        }
    }
}
