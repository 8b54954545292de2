// Licensed under the MIT License. See LICENSE in the repository root.
using System.Globalization;

namespace OlaSharp.Uart.Setup;

// The device node, the service user's groups and the running system's probes.
public static partial class SetupDoctor
{
    private sealed partial class DoctorRun
    {
        private const string NotRunning = "not checked: --root reads a tree, not the running system";

        private SetupCheck CheckDeviceNode()
        {
            const string Id = "device-node", Title = "Device node";
            if (!_o.RunningSystem)
            {
                return Check(Id, Title, CheckOutcome.NotApplicable, NotRunning);
            }

            _node = _probe.Stat(_device, out string? error);
            if (_node is not { } node)
            {
                string fix = !IsPi ? $"plug in the interface, or set the device key in {ConfPath} to its node"
                    : IsPi5 ? "fix uart-enabled (dtparam=uart0=on) and reboot"
                    : "fix uart-enabled and bluetooth above and reboot";
                return Check(Id, Title, CheckOutcome.Fail, $"{_device}: {error}", fix);
            }

            if (!node.IsCharDevice)
            {
                return Check(Id, Title, CheckOutcome.Fail, $"{_device} is not a character device (a tty)", $"set the device key in {ConfPath} to the UART's node, /dev/ttyAMA0");
            }

            return Check(Id, Title, CheckOutcome.Pass, $"{_device}: character device, owner {UserName(node.Uid)}, group {GroupName(node.Gid)}, mode {Convert.ToString(node.Mode, 8)}");
        }

        private SetupCheck CheckUserGroups()
        {
            const string Id = "user-groups", Title = "Service user may open the tty and GPIO";
            (string user, string source, List<string> extraGroups) = ServiceUser();
            Dictionary<string, (uint Uid, uint Gid)> passwd = ReadPasswd();
            if (!passwd.TryGetValue(user, out (uint Uid, uint Gid) account))
            {
                return Check(Id, Title, CheckOutcome.Fail, $"the service user {user} ({source}) is not in /etc/passwd", $"create it: sudo adduser --system --group {user}, or name an existing user in the unit's User=");
            }

            if (account.Uid == 0)
            {
                return Check(Id, Title, CheckOutcome.Pass, $"the service user is {user} ({source}): root opens every device");
            }

            var groups = ReadGroups();
            var member = new HashSet<string>(extraGroups, StringComparer.Ordinal);
            foreach ((string name, (uint gid, HashSet<string> members)) in groups)
            {
                if (gid == account.Gid || members.Contains(user))
                {
                    member.Add(name);
                }
            }

            // The groups the nodes need: the tty's own group on the running system, Pi OS's udev groups on a card.
            var needs = new List<(string Group, string What)>();
            string ttyGroup = _node is { } node ? GroupName(node.Gid) : "dialout";
            bool ttyWorldRw = _node is { } n && (n.Mode & 0x6) == 0x6;
            if (!ttyWorldRw && !(_node is { } owned && owned.Uid == account.Uid))
            {
                needs.Add((ttyGroup, _device));
            }

            string gpioNote = string.Empty;
            if (DeGpio is not null && IsPi)
            {
                IReadOnlyList<string> chips = _o.RunningSystem ? _probe.GpioChips() : [];
                NodeInfo? chip = chips.Count > 0 ? _probe.Stat(chips[0], out _) : null;
                if (chip is { } c)
                {
                    if ((c.Mode & 0x6) != 0x6 && c.Uid != account.Uid)
                    {
                        needs.Add((GroupName(c.Gid), chips[0]));
                    }
                }
                else if (groups.ContainsKey("gpio"))
                {
                    needs.Add(("gpio", "/dev/gpiochip*"));
                }
                else
                {
                    gpioNote = "; no gpio group here (plain Debian): /dev/gpiochip* then belongs to root unless a udev rule gives it a group";
                }
            }

            List<string> missing = [.. needs.Where(x => !member.Contains(x.Group)).Select(x => x.Group).Distinct()];
            string has = member.Count == 0 ? "no groups" : "groups " + string.Join(", ", member.Order(StringComparer.Ordinal));
            string needText = needs.Count == 0 ? "no group needed" : "needs " + string.Join(", ", needs.Select(x => $"{x.Group} for {x.What}"));
            if (missing.Count == 0)
            {
                return Check(Id, Title, CheckOutcome.Pass, $"{user} ({source}) has {has}; {needText}{gpioNote}");
            }

            string restart = source.StartsWith("User= in ", StringComparison.Ordinal) || source.StartsWith("root:", StringComparison.Ordinal) ? "; then: sudo systemctl restart olasharpd" : "; then log out and in again";
            return Check(Id, Title, CheckOutcome.Fail, $"{user} ({source}) is not in {string.Join(", ", missing)}; {needText}{gpioNote}", $"sudo usermod -aG {string.Join(",", missing)} {user}{restart}");
        }

        private SetupCheck CheckHolders()
        {
            const string Id = "tty-holders", Title = "No other program holds the tty";
            if (!_o.RunningSystem)
            {
                return Check(Id, Title, CheckOutcome.NotApplicable, NotRunning);
            }

            if (_node is null)
            {
                return Check(Id, Title, CheckOutcome.NotApplicable, $"{_device} does not exist (see device-node)");
            }

            _holders = _probe.Holders(_device);
            string partial = Environment.IsPrivilegedProcess ? string.Empty : " (run as root to see other users' processes)";
            List<Holder> others = [.. _holders.Where(h => h.Pid != _o.ServerPid && h.Name != "olasharpd")];
            List<Holder> ours = [.. _holders.Where(h => h.Pid == _o.ServerPid || h.Name == "olasharpd")];
            if (others.Count == 0)
            {
                string note = ours.Count == 0 ? "nobody has it open" : $"{Describe(ours)} has it open (the DMX line itself)";
                return Check(Id, Title, CheckOutcome.Pass, $"{_device}: {note}{partial}");
            }

            var fixes = new List<string>();
            foreach (Holder h in others)
            {
                fixes.Add(h.Name switch
                {
                    "olad" => "sudo systemctl disable --now olad",
                    "agetty" or "getty" => $"sudo systemctl disable --now serial-getty@{Path.GetFileName(_device)}.service",
                    "hciattach" or "btattach" => "sudo systemctl disable --now hciuart",
                    _ => $"stop {h.Name} (sudo kill {h.Pid.ToString(CultureInfo.InvariantCulture)}) and keep it from starting again",
                });
            }

            return Check(Id, Title, CheckOutcome.Fail, $"{_device} is held by {Describe(others)}{partial}", string.Join("; ", fixes.Distinct()));
        }

        private SetupCheck CheckBaud()
        {
            const string Id = "baud", Title = "250 kbaud settable";
            if (!_o.RunningSystem)
            {
                return Check(Id, Title, CheckOutcome.NotApplicable, NotRunning);
            }

            if (_node is not { IsCharDevice: true })
            {
                return Check(Id, Title, CheckOutcome.NotApplicable, $"{_device} is not a usable tty (see device-node)");
            }

            if (_holders.Count > 0)
            {
                return Check(Id, Title, CheckOutcome.NotApplicable, $"not opened: {Describe(_holders)} has {_device} open and set the line itself");
            }

            string? error = _probe.TrySet250k(_device);
            if (error is null)
            {
                return Check(Id, Title, CheckOutcome.Pass, $"{_device} took 250,000 baud 8N2 (TCSETS2 with BOTHER)");
            }

            string fix = error.Contains("denied", StringComparison.OrdinalIgnoreCase) ? "see user-groups (run the doctor as the service user, or with sudo)"
                : error.Contains("not a tty", StringComparison.OrdinalIgnoreCase) ? $"set the device key in {ConfPath} to the UART, /dev/ttyAMA0"
                : IsPi && !IsPi5 ? "the PL011 must be on GPIO 14/15 (see bluetooth) and its clock must divide (see uart-clock); reboot after fixing them"
                : "use a UART that supports arbitrary rates (TCSETS2/BOTHER)";
            return Check(Id, Title, CheckOutcome.Fail, error, fix);
        }

        private SetupCheck CheckGpioLine()
        {
            const string Id = "gpio-line", Title = "Driver-enable GPIO line free";
            int? gpio = DeGpio;
            if (gpio is null)
            {
                return Check(Id, Title, CheckOutcome.NotApplicable, $"no {UartConf.DeGpioKey(_device)} in {ConfPath}: the driver-enable pin is not driven by the server");
            }

            if (!_o.RunningSystem)
            {
                return Check(Id, Title, CheckOutcome.NotApplicable, NotRunning);
            }

            if (_model.GpioChipLabel is not string label)
            {
                return Check(Id, Title, CheckOutcome.NotApplicable, "not a Raspberry Pi: the GPIO chip cannot be chosen by label");
            }

            if (_probe.GpioLine(label, gpio.Value, out string? error) is not { } line)
            {
                string fix = error?.Contains("denied", StringComparison.OrdinalIgnoreCase) == true ? "see user-groups (the gpio group)"
                    : $"check that the kernel has the {label} GPIO driver (ls /dev/gpiochip*; gpiodetect)";
                return Check(Id, Title, CheckOutcome.Fail, $"GPIO {gpio}: {error}", fix);
            }

            string where = $"GPIO {gpio} = line {gpio} of {line.Chip} ({line.Label})";
            if (!line.Used)
            {
                return Check(Id, Title, CheckOutcome.Pass, $"{where}: free");
            }

            if (line.Consumer.Contains("olasharp", StringComparison.OrdinalIgnoreCase))
            {
                return Check(Id, Title, CheckOutcome.Pass, $"{where}: held by the server (consumer \"{line.Consumer}\")");
            }

            string holder = line.Consumer.Length == 0 ? "a kernel driver or an unnamed program" : $"\"{line.Consumer}\"";
            return Check(Id, Title, CheckOutcome.Fail, $"{where}: in use by {holder}", $"free line {gpio}: stop the program that holds it (gpioinfo {label} shows it), or remove the dtoverlay in {_configPath ?? "config.txt"} that claims GPIO {gpio} (e.g. a PWM or audio overlay), then reboot");
        }

        private static string Describe(IEnumerable<Holder> holders) =>
            string.Join(", ", holders.Select(h => $"{h.Name} (pid {h.Pid.ToString(CultureInfo.InvariantCulture)})"));

        /// <summary>
        /// The service user: <c>User=</c> of the olasharpd unit as systemd finds it (under /etc/systemd first, else
        /// the package's in /usr/lib/systemd/system or /lib/systemd/system; its drop-ins there and under
        /// /etc/systemd/system applied after it; a unit without one runs as root), else <c>--user</c>, else the
        /// current user; plus the unit's <c>SupplementaryGroups=</c>.
        /// </summary>
        private (string User, string Source, List<string> Groups) ServiceUser()
        {
            List<string> units = [];
            string systemd = Real("/etc/systemd");
            if (Directory.Exists(systemd))
            {
                try
                {
                    // The unit files themselves, not their enablement links in *.wants (absolute links that
                    // point outside a --root tree).
                    units = [.. Directory.EnumerateFiles(systemd, "olasharpd*.service", SearchOption.AllDirectories)
                        .Where(f => !Path.GetDirectoryName(f)!.EndsWith(".wants", StringComparison.Ordinal) && !Path.GetDirectoryName(f)!.EndsWith(".requires", StringComparison.Ordinal))
                        .Order(StringComparer.Ordinal)];
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    units = [];
                }
            }

            string[] vendorDirs = [Real("/usr/lib/systemd/system"), Real("/lib/systemd/system")];
            if (units.Count == 0)
            {
                units = [.. vendorDirs.Select(d => Path.Join(d, "olasharpd.service")).Where(File.Exists).Take(1)];
            }

            if (units.Count > 0)
            {
                string unit = units[0];
                List<string> files = [unit];
                string name = Path.GetFileName(unit);
                foreach (string dropins in vendorDirs.Append(Real("/etc/systemd/system")).Select(d => Path.Join(d, name + ".d")).Append(unit + ".d").Distinct(StringComparer.Ordinal))
                {
                    if (Directory.Exists(dropins))
                    {
                        files.AddRange(Directory.EnumerateFiles(dropins, "*.conf").Order(StringComparer.Ordinal));
                    }
                }

                string? user = null;
                string userFile = unit;
                var groups = new List<string>();
                foreach (string file in files)
                {
                    string text;
                    try
                    {
                        text = File.ReadAllText(file);
                    }
                    catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                    {
                        continue;
                    }

                    foreach (string raw in text.Split('\n'))
                    {
                        string line = raw.Trim();
                        if (line.StartsWith("User=", StringComparison.Ordinal))
                        {
                            user = line[5..].Trim();
                            userFile = file;
                        }
                        else if (line.StartsWith("SupplementaryGroups=", StringComparison.Ordinal))
                        {
                            string value = line["SupplementaryGroups=".Length..].Trim();
                            if (value.Length == 0)
                            {
                                groups.Clear();
                            }

                            groups.AddRange(value.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
                        }
                    }
                }

                string shown = "/" + Path.GetRelativePath(_o.Root, unit).Replace('\\', '/');
                string shownUser = "/" + Path.GetRelativePath(_o.Root, userFile).Replace('\\', '/');
                return string.IsNullOrEmpty(user) ? ("root", $"root: {shown} has no User=", groups) : (user, $"User= in {shownUser}", groups);
            }

            return _o.User is { Length: > 0 } named ? (named, "--user", []) : (_o.CurrentUser, "the current user; no olasharpd unit under /etc/systemd or /usr/lib/systemd", []);
        }

        private Dictionary<string, (uint Uid, uint Gid)> ReadPasswd()
        {
            var result = new Dictionary<string, (uint, uint)>(StringComparer.Ordinal);
            foreach (string line in (ReadText("/etc/passwd") ?? string.Empty).Split('\n'))
            {
                string[] f = line.Split(':');
                if (f.Length >= 4 && uint.TryParse(f[2], NumberStyles.None, CultureInfo.InvariantCulture, out uint uid) && uint.TryParse(f[3], NumberStyles.None, CultureInfo.InvariantCulture, out uint gid))
                {
                    result.TryAdd(f[0], (uid, gid));
                }
            }

            return result;
        }

        private Dictionary<string, (uint Gid, HashSet<string> Members)> ReadGroups()
        {
            var result = new Dictionary<string, (uint, HashSet<string>)>(StringComparer.Ordinal);
            foreach (string line in (ReadText("/etc/group") ?? string.Empty).Split('\n'))
            {
                string[] f = line.Trim().Split(':');
                if (f.Length >= 4 && uint.TryParse(f[2], NumberStyles.None, CultureInfo.InvariantCulture, out uint gid))
                {
                    result.TryAdd(f[0], (gid, new HashSet<string>(f[3].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), StringComparer.Ordinal)));
                }
            }

            return result;
        }

        private string GroupName(uint gid) =>
            ReadGroups().FirstOrDefault(g => g.Value.Gid == gid).Key ?? gid.ToString(CultureInfo.InvariantCulture);

        private string UserName(uint uid) =>
            ReadPasswd().FirstOrDefault(p => p.Value.Uid == uid).Key ?? uid.ToString(CultureInfo.InvariantCulture);
    }
}
