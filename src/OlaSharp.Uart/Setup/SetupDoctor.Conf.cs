// Licensed under the MIT License. See LICENSE in the repository root.
using System.Globalization;
using OlaSharp.Core.Conf;
using OlaSharp.Core.Plugins;

namespace OlaSharp.Uart.Setup;

// ola-uartdmx.conf and ola-port.conf, and --fix.
public static partial class SetupDoctor
{
    private sealed partial class DoctorRun
    {
        private const string PortConfName = "ola-port.conf";
        private const string UartConfName = "ola-uartdmx.conf";

        private string ConfPath => Path.Join(_o.ConfigDir, UartConfName);

        /// <summary>The driver-enable GPIO of the UART device, when the conf names a valid one.</summary>
        private int? DeGpio
        {
            get
            {
                string? value = _uartConf?.Get(UartConf.DeGpioKey(_device));
                return value is not null && new UIntValidator(0, UartConf.MaxGpio).IsValid(value) ? _uartConf!.GetInt(UartConf.DeGpioKey(_device)) : null;
            }
        }

        /// <summary>Reads ola-uartdmx.conf and picks the device on GPIO 14/15 (the first <c>/dev/ttyAMA*</c> or <c>/dev/serial*</c>).</summary>
        private void LoadConf()
        {
            _uartConf = File.Exists(ConfPath) ? ConfFile.Load(ConfPath) : null;
            _devices = _uartConf is null ? [] : UartConf.Devices(_uartConf);
            _device = _devices.FirstOrDefault(d => d.StartsWith("/dev/ttyAMA", StringComparison.Ordinal) || d.StartsWith("/dev/serial", StringComparison.Ordinal))
                ?? (IsPi ? "/dev/ttyAMA0" : _devices.FirstOrDefault() ?? "/dev/ttyAMA0");
        }

        private SetupCheck CheckConfEnabled()
        {
            const string Id = "conf-enabled", Title = "UART plugin enabled";
            if (_uartConf is null)
            {
                return Check(Id, Title, CheckOutcome.Fail, $"no {ConfPath}", $"create {ConfPath} with the lines \"enabled = true\" and \"device = /dev/ttyAMA0\" (or start olasharpd once and edit the file it writes)");
            }

            string? value = _uartConf.Get("enabled");
            return value == BoolValidator.True
                ? Check(Id, Title, CheckOutcome.Pass, $"enabled = true in {ConfPath}")
                : Check(Id, Title, CheckOutcome.Fail, $"{ConfPath} has {(value is null ? "no enabled key (the plugin is off by default)" : $"enabled = {value}")}", $"set \"enabled = true\" in {ConfPath} (or tick Enabled for UART native DMX on the web UI's plugin list), then: sudo systemctl reload olasharpd");
        }

        private SetupCheck CheckConfDevice()
        {
            const string Id = "conf-device", Title = "UART device configured";
            if (_uartConf is null)
            {
                return Check(Id, Title, CheckOutcome.NotApplicable, $"no {ConfPath} (see conf-enabled)");
            }

            string add = $"set \"device = /dev/ttyAMA0\" in {ConfPath} (one device line per UART)";
            if (_devices.Count == 0)
            {
                return Check(Id, Title, CheckOutcome.Fail, $"{ConfPath} has no device line", add);
            }

            string list = string.Join(", ", _devices);
            if (!IsPi)
            {
                return Check(Id, Title, CheckOutcome.Pass, $"device = {list}");
            }

            if (IsPi5 && _devices.Contains("/dev/serial0", StringComparer.Ordinal) && !_devices.Contains("/dev/ttyAMA0", StringComparer.Ordinal))
            {
                return Check(Id, Title, CheckOutcome.Fail, $"device = {list}: on a Pi 5 /dev/serial0 is UART10 on the debug header (ttyAMA10), not GPIO 14/15", $"replace \"device = /dev/serial0\" with \"device = /dev/ttyAMA0\" in {ConfPath}, and rename its -break/-malf keys to match");
            }

            bool onHeader = _devices.Any(d => d == "/dev/ttyAMA0" || (!IsPi5 && d == "/dev/serial0"));
            if (onHeader)
            {
                return Check(Id, Title, CheckOutcome.Pass, $"device = {list}");
            }

            if (_devices.All(d => d == UartConf.DefaultDevice))
            {
                return Check(Id, Title, CheckOutcome.Fail, $"device = {UartConf.DefaultDevice} is olad's default (a USB CDC device), not the UART on GPIO 14/15", $"replace \"device = {UartConf.DefaultDevice}\" with \"device = /dev/ttyAMA0\" in {ConfPath}");
            }

            return Check(Id, Title, CheckOutcome.Warn, $"device = {list}: none is the UART on GPIO 14/15 (/dev/ttyAMA0), so the Pi checks above matter only if the hat is on it", $"for a hat on GPIO 14/15: {add}");
        }

        private SetupCheck CheckConfTiming()
        {
            const string Id = "conf-timing", Title = "break and malf in range";
            if (_uartConf is null || _devices.Count == 0)
            {
                return Check(Id, Title, CheckOutcome.NotApplicable, "no device configured (see conf-device)");
            }

            var found = new List<string>();
            var bad = new List<string>();
            var fixes = new List<string>();
            foreach (string device in _devices)
            {
                foreach ((string key, UIntValidator validator, int fallback, string what) in new[]
                {
                    (UartConf.BreakKey(device), UartConf.BreakValidator, UartLineSettings.DefaultBreak, "break"),
                    (UartConf.MalfKey(device), UartConf.MalfValidator, UartLineSettings.DefaultMalf, "malf"),
                })
                {
                    string? value = _uartConf.Get(key);
                    string def = fallback.ToString(CultureInfo.InvariantCulture);
                    if (value is null)
                    {
                        found.Add($"{key} not set (default {def} µs)");
                    }
                    else if (validator.IsValid(value))
                    {
                        found.Add($"{key} = {value}");
                    }
                    else
                    {
                        bad.Add($"{key} = {value} is not {validator.Expected} µs (the server replaces it with {def})");
                        fixes.Add($"set \"{key} = {def}\" in {ConfPath}");
                    }
                }
            }

            return bad.Count == 0
                ? Check(Id, Title, CheckOutcome.Pass, string.Join("; ", found))
                : Check(Id, Title, CheckOutcome.Fail, string.Join("; ", bad), string.Join("; ", fixes) + $" (DMX512 needs a break of at least 92 µs; {UartConf.MalfKey(_devices[0])} is the idle time after each frame)");
        }

        private SetupCheck CheckConfPatch()
        {
            const string Id = "conf-patch", Title = "Saved patch names a configured device";
            string portConf = Path.Join(_o.ConfigDir, PortConfName);
            ConfFile ports = File.Exists(portConf) ? ConfFile.Load(portConf) : new ConfFile();
            string prefix = PluginIds.UartDmx.ToString(CultureInfo.InvariantCulture) + "-";
            var patched = new List<string>();
            var orphans = new List<string>();
            foreach (KeyValuePair<string, string> entry in ports.Entries)
            {
                int port = entry.Key.LastIndexOf("-O-", StringComparison.Ordinal);
                if (!entry.Key.StartsWith(prefix, StringComparison.Ordinal) || port <= prefix.Length || entry.Value.Length == 0
                    || !int.TryParse(entry.Key.AsSpan(port + 3), NumberStyles.None, CultureInfo.InvariantCulture, out _))
                {
                    continue;
                }

                string path = entry.Key[prefix.Length..port];
                (_devices.Contains(path, StringComparer.Ordinal) ? patched : orphans).Add($"{entry.Key} = {entry.Value}");
            }

            if (orphans.Count > 0)
            {
                string device = orphans[0].Split(" = ")[0][prefix.Length..^4];
                return Check(Id, Title, CheckOutcome.Fail, $"{portConf} patches {string.Join(", ", orphans)} (port = universe), but {UartConfName} has no device = {device}",
                    $"add \"device = {device}\" to {ConfPath}, or patch the configured device's port ({prefix}{_devices.FirstOrDefault() ?? _device}-O-0) to the universe in the web UI");
            }

            if (patched.Count == 0)
            {
                return Check(Id, Title, CheckOutcome.Warn, $"no UART output port is patched in {portConf}: no universe reaches the line", $"patch {prefix}{_device}-O-0 to a universe on the web UI's universe page (Patch), once the device opens");
            }

            return Check(Id, Title, CheckOutcome.Pass, $"{string.Join(", ", patched)} (port = universe)");
        }

        /// <summary>Writes the boot-file fixes the checks asked for; returns what was done.</summary>
        public IReadOnlyList<string> ApplyFix()
        {
            var actions = new List<string>();
            if (_boot is null || _configPath is null)
            {
                return actions;
            }

            List<string> lines = [.. _configLinesToAdd.Distinct()];
            if (lines.Count > 0)
            {
                string real = Real(_configPath);
                string text = File.ReadAllText(real);
                string backup = Backup(real);
                var sb = new System.Text.StringBuilder(text);
                if (text.Length > 0 && text[^1] != '\n')
                {
                    sb.Append('\n');
                }

                sb.Append("\n# Added by olasharpd doctor --fix: DMX512 on the UART on GPIO 14/15.\n");
                if (!_boot.EndsUnconditional)
                {
                    sb.Append("[all]\n");
                }

                foreach (string line in lines)
                {
                    sb.Append(line).Append('\n');
                }

                AtomicFile.WriteAllText(real, sb.ToString());
                actions.Add($"{_configPath}: added {string.Join(", ", lines)} under [all] (backup: {Shown(backup)})");
            }

            if (_cmdlineTokensToRemove.Count > 0 && _cmdline is not null && _cmdlinePath is not null)
            {
                string real = Real(_cmdlinePath);
                string backup = Backup(real);
                string[] tokens = _cmdline.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
                string kept = string.Join(' ', tokens.Where(t => !_cmdlineTokensToRemove.Contains(t, StringComparer.Ordinal)));
                AtomicFile.WriteAllText(real, kept + (_cmdline.EndsWith('\n') ? "\n" : string.Empty));
                actions.Add($"{_cmdlinePath}: removed {string.Join(" ", _cmdlineTokensToRemove.Distinct())} (backup: {Shown(backup)})");
            }

            return actions;
        }

        private string Shown(string real) => "/" + Path.GetRelativePath(_o.Root, real).Replace('\\', '/');

        /// <summary>Copies <paramref name="real"/> to <c>FILE.olasharpd-bak</c> (then <c>-bak.1</c>, ... so that no backup is overwritten).</summary>
        private static string Backup(string real)
        {
            string backup = real + ".olasharpd-bak";
            for (int i = 1; File.Exists(backup); i++)
            {
                backup = $"{real}.olasharpd-bak.{i.ToString(CultureInfo.InvariantCulture)}";
            }

            File.Copy(real, backup, overwrite: false);
            return backup;
        }
    }
}
