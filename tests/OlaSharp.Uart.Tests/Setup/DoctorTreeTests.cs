// Licensed under the MIT License. See LICENSE in the repository root.
using OlaSharp.Uart.Setup;

namespace OlaSharp.Uart.Tests.Setup;

/// <summary>
/// <see cref="SetupDoctor"/> over fixture trees (<see cref="PiTree"/>): Pi 3 and Pi 4 on Bullseye and
/// Bookworm, Pi 5 on Bookworm, each clean and broken one way at a time; outcomes and fix texts.
/// </summary>
public sealed class DoctorTreeTests
{
    private static readonly string[] s_bootChecks = ["boot-config", "uart-enabled", "bluetooth", "hciuart", "uart-clock", "serial-console"];
    private static readonly string[] s_runningChecks = ["device-node", "tty-holders", "baud", "gpio-line"];

    public static TheoryData<int, bool> Kinds => PiTree.Kinds;

    public static TheoryData<int, bool> Pi34Kinds => new() { { 3, false }, { 3, true }, { 4, false }, { 4, true } };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Clean_EveryCheckPassesOrDoesNotApply(int pi, bool bookworm)
    {
        using var tree = PiTree.Clean(pi, bookworm);
        SetupReport report = tree.Run();
        Assert.True(report.Ok, Describe(report));
        Assert.DoesNotContain(report.Checks, c => c.Outcome is CheckOutcome.Fail or CheckOutcome.Warn);
        Assert.Equal(tree.ConfigTxt, report.BootConfig);
        Assert.Contains($"Pi {pi}", report.Model, StringComparison.Ordinal);
        Assert.Contains(bookworm ? "Bookworm or later" : "before Bookworm", report["boot-config"].Found, StringComparison.Ordinal);
        foreach (string id in s_runningChecks)
        {
            Assert.Equal(CheckOutcome.NotApplicable, report[id].Outcome);
        }

        // Pi 5: UART0 via dtparam, no Bluetooth sharing, no hciuart, RP1's own clock.
        if (pi == 5)
        {
            Assert.Contains("dtparam=uart0=on", report["uart-enabled"].Found, StringComparison.Ordinal);
            Assert.Equal(CheckOutcome.NotApplicable, report["hciuart"].Outcome);
            Assert.Equal(CheckOutcome.NotApplicable, report["uart-clock"].Outcome);
        }
        else
        {
            Assert.Contains("enable_uart=1", report["uart-enabled"].Found, StringComparison.Ordinal);
            Assert.Contains("dtoverlay=disable-bt", report["bluetooth"].Found, StringComparison.Ordinal);
            Assert.Equal(CheckOutcome.Pass, report["hciuart"].Outcome);
            Assert.Contains("48 MHz", report["uart-clock"].Found, StringComparison.Ordinal);
        }

        Assert.Contains("olad (User= in /etc/systemd/system/olasharpd.service)", report["user-groups"].Found, StringComparison.Ordinal);
        Assert.Contains("20-/dev/ttyAMA0-O-0 = 1", report["conf-patch"].Found, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Pi34Kinds))]
    public void NoEnableUart_Fails_FixAddsTheLineUnderAll(int pi, bool bookworm)
    {
        using var tree = PiTree.Clean(pi, bookworm);
        tree.Edit(tree.ConfigTxt, "enable_uart=1\n", string.Empty);
        SetupCheck check = tree.Run()["uart-enabled"];
        Assert.Equal(CheckOutcome.Fail, check.Outcome);
        Assert.Equal($"no enable_uart=1 applies to this Pi {pi}", check.Found);
        Assert.Equal($"add the line \"enable_uart=1\" at the end of {tree.ConfigTxt} under [all] (or run: sudo olasharpd doctor --fix), then reboot", check.Fix);
    }

    [Fact]
    public void EnableUartZeroAfterOne_TheLastApplyingLineWins()
    {
        using var tree = PiTree.Clean(4, true);
        tree.Edit(tree.ConfigTxt, "dtoverlay=disable-bt\n", "dtoverlay=disable-bt\nenable_uart=0\n");
        SetupCheck check = tree.Run()["uart-enabled"];
        Assert.Equal(CheckOutcome.Fail, check.Outcome);
        Assert.StartsWith("enable_uart=0 at /boot/firmware/config.txt line ", check.Found, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Pi34Kinds))]
    public void BluetoothStillOnPl011_Fails_FixNamesDisableBtAndHciuart(int pi, bool bookworm)
    {
        using var tree = PiTree.Clean(pi, bookworm);
        tree.Edit(tree.ConfigTxt, "dtoverlay=disable-bt\n", string.Empty);
        SetupCheck check = tree.Run()["bluetooth"];
        Assert.Equal(CheckOutcome.Fail, check.Outcome);
        Assert.StartsWith("Bluetooth holds the PL011", check.Found, StringComparison.Ordinal);
        Assert.Equal($"add the line \"dtoverlay=disable-bt\" at the end of {tree.ConfigTxt} under [all] (or run: sudo olasharpd doctor --fix), then reboot; then also: sudo systemctl disable hciuart", check.Fix);
    }

    [Fact]
    public void MiniuartBt_Passes_AndHciuartMayStay()
    {
        using var tree = PiTree.Clean(3, false);
        tree.Edit(tree.ConfigTxt, "dtoverlay=disable-bt\n", "dtoverlay=miniuart-bt\n")
            .Link("/etc/systemd/system/multi-user.target.wants/hciuart.service", "/lib/systemd/system/hciuart.service");
        SetupReport report = tree.Run();
        Assert.Equal(CheckOutcome.Pass, report["bluetooth"].Outcome);
        Assert.Contains("mini UART", report["bluetooth"].Found, StringComparison.Ordinal);
        Assert.Equal(CheckOutcome.NotApplicable, report["hciuart"].Outcome);
        Assert.True(report.Ok, Describe(report));
    }

    [Theory]
    [MemberData(nameof(Pi34Kinds))]
    public void HciuartEnabled_Fails_FixIsTheSystemctlCommand(int pi, bool bookworm)
    {
        using var tree = PiTree.Clean(pi, bookworm);
        tree.Link("/etc/systemd/system/multi-user.target.wants/hciuart.service", "/lib/systemd/system/hciuart.service");
        SetupCheck check = tree.Run()["hciuart"];
        Assert.Equal(CheckOutcome.Fail, check.Outcome);
        Assert.Contains("/etc/systemd/system/multi-user.target.wants/hciuart.service", check.Found, StringComparison.Ordinal);
        Assert.Equal("sudo systemctl disable hciuart", check.Fix);
    }

    [Fact]
    public void HciuartMasked_Passes()
    {
        using var tree = PiTree.Clean(4, true);
        tree.Link("/etc/systemd/system/hciuart.service", "/dev/null")
            .Link("/etc/systemd/system/multi-user.target.wants/hciuart.service", "/lib/systemd/system/hciuart.service");
        Assert.Equal(CheckOutcome.Pass, tree.Run()["hciuart"].Outcome);
    }

    [Theory]
    [InlineData("16000000", CheckOutcome.Pass)]
    [InlineData("48000000", CheckOutcome.Pass)]
    [InlineData("50000000", CheckOutcome.Pass)]
    [InlineData("7372800", CheckOutcome.Warn)]
    [InlineData("3000000", CheckOutcome.Fail)]
    [InlineData("48MHz", CheckOutcome.Fail)]
    public void InitUartClock_ExactDivisorPasses_InexactWarns_BelowFourMHzFails(string value, CheckOutcome expected)
    {
        using var tree = PiTree.Clean(4, false);
        tree.Edit(tree.ConfigTxt, "enable_uart=1\n", $"enable_uart=1\ninit_uart_clock={value}\n");
        SetupCheck check = tree.Run()["uart-clock"];
        Assert.Equal(expected, check.Outcome);
        Assert.Contains($"init_uart_clock={value} (/boot/config.txt line ", check.Found, StringComparison.Ordinal);
        if (expected != CheckOutcome.Pass)
        {
            Assert.StartsWith($"replace init_uart_clock={value} (/boot/config.txt line ", check.Fix, StringComparison.Ordinal);
            Assert.EndsWith("with init_uart_clock=48000000, or delete the line (48 MHz is the default)", check.Fix, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(Pi34Kinds))]
    public void SerialConsoleInCmdline_Fails_FixRemovesIt(int pi, bool bookworm)
    {
        using var tree = PiTree.Clean(pi, bookworm);
        tree.Edit(tree.CmdlineTxt, "console=tty1", "console=serial0,115200 console=tty1");
        SetupCheck check = tree.Run()["serial-console"];
        Assert.Equal(CheckOutcome.Fail, check.Outcome);
        Assert.StartsWith($"{tree.CmdlineTxt} has console=serial0,115200:", check.Found, StringComparison.Ordinal);
        Assert.Equal($"remove \"console=serial0,115200\" from {tree.CmdlineTxt} (it stays one line; or run: sudo olasharpd doctor --fix), then reboot", check.Fix);
    }

    [Fact]
    public void Pi5_Serial0ConsoleIsTheDebugHeader_Passes_ButTtyAma0Fails()
    {
        using var tree = PiTree.Clean(5, true);
        tree.Edit(tree.CmdlineTxt, "console=tty1", "console=serial0,115200 console=tty1");
        SetupCheck ok = tree.Run()["serial-console"];
        Assert.Equal(CheckOutcome.Pass, ok.Outcome);
        Assert.Contains("serial0 is the debug header's UART on a Pi 5", ok.Found, StringComparison.Ordinal);

        tree.Edit(tree.CmdlineTxt, "console=serial0,115200", "console=ttyAMA0,115200");
        SetupCheck bad = tree.Run()["serial-console"];
        Assert.Equal(CheckOutcome.Fail, bad.Outcome);
        Assert.Contains("remove \"console=ttyAMA0,115200\" from /boot/firmware/cmdline.txt", bad.Fix, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void GettyEnabledOnTheUart_Fails_FixDisablesIt(int pi, bool bookworm)
    {
        using var tree = PiTree.Clean(pi, bookworm);
        tree.Link("/etc/systemd/system/getty.target.wants/serial-getty@ttyAMA0.service", "/lib/systemd/system/serial-getty@.service");
        SetupCheck check = tree.Run()["serial-getty"];
        Assert.Equal(CheckOutcome.Fail, check.Outcome);
        Assert.Equal("enabled: /etc/systemd/system/getty.target.wants/serial-getty@ttyAMA0.service", check.Found);
        Assert.Equal("sudo systemctl disable --now serial-getty@ttyAMA0.service", check.Fix);
    }

    [Fact]
    public void Pi5_UartLinesOnlyUnderPi4_DoNotApply()
    {
        using var tree = PiTree.Clean(5, true);
        tree.Edit(tree.ConfigTxt, "dtparam=uart0=on\n", "[pi4]\nenable_uart=1\ndtparam=uart0=on\n");
        SetupReport report = tree.Run();
        SetupCheck check = report["uart-enabled"];
        Assert.Equal(CheckOutcome.Fail, check.Outcome);
        Assert.Contains("dtparam=uart0=on at /boot/firmware/config.txt line ", check.Found, StringComparison.Ordinal);
        Assert.Contains("under [pi4] does not apply to this Pi 5", check.Found, StringComparison.Ordinal);
        Assert.Contains("enable_uart=1 at /boot/firmware/config.txt line ", check.Found, StringComparison.Ordinal);
        Assert.Equal("add the line \"dtparam=uart0=on\" at the end of /boot/firmware/config.txt under [all] (or run: sudo olasharpd doctor --fix), then reboot", check.Fix);
        Assert.False(report.Ok);
    }

    [Fact]
    public void Pi4_LinesUnderPi5OrCm4_DoNotApply_UnderPi4TheyDo()
    {
        using var tree = PiTree.Clean(4, true);
        tree.Edit(tree.ConfigTxt, "enable_uart=1\ndtoverlay=disable-bt\n", "[pi5]\nenable_uart=1\n[cm4]\ndtoverlay=disable-bt\n");
        SetupReport report = tree.Run();
        Assert.Equal(CheckOutcome.Fail, report["uart-enabled"].Outcome);
        Assert.Equal(CheckOutcome.Fail, report["bluetooth"].Outcome);
        Assert.Contains("under [cm4] does not apply to this Pi 4", report["bluetooth"].Found, StringComparison.Ordinal);

        tree.Edit(tree.ConfigTxt, "[pi5]\nenable_uart=1\n[cm4]\n", "[pi4]\nenable_uart=1\n");
        SetupReport fixedReport = tree.Run();
        Assert.Equal(CheckOutcome.Pass, fixedReport["uart-enabled"].Outcome);
        Assert.Equal(CheckOutcome.Pass, fixedReport["bluetooth"].Outcome);
    }

    [Fact]
    public void OtherFilters_EdidOrNone_DoNotCountAsApplying_AndIncludesAreRead()
    {
        using var tree = PiTree.Clean(3, false);
        tree.Edit(tree.ConfigTxt, "enable_uart=1\n", "[EDID=DEL-DELL_U2422H]\nenable_uart=1\n[none]\ndtparam=x\n[all]\ninclude uart.txt\n")
            .Edit(tree.ConfigTxt, "dtoverlay=disable-bt\n", string.Empty)
            .Write("/boot/uart.txt", "dtoverlay=disable-bt\n");
        SetupReport report = tree.Run();
        Assert.Equal(CheckOutcome.Fail, report["uart-enabled"].Outcome);
        Assert.Contains("under [EDID=DEL-DELL_U2422H] does not apply", report["uart-enabled"].Found, StringComparison.Ordinal);
        Assert.Equal(CheckOutcome.Pass, report["bluetooth"].Outcome);
        Assert.Contains("uart.txt line 1", report["bluetooth"].Found, StringComparison.Ordinal);
    }

    [Fact]
    public void Bookworm_UartLinesLeftInTheOldBootConfig_Warn()
    {
        using var tree = PiTree.Clean(4, true);
        tree.Write("/boot/config.txt", "enable_uart=1\ndtoverlay=disable-bt\n");
        SetupCheck check = tree.Run()["boot-config"];
        Assert.Equal(CheckOutcome.Warn, check.Outcome);
        Assert.Contains("/boot/config.txt also sets enable_uart=1 (line 1), dtoverlay=disable-bt (line 2), which the firmware no longer reads", check.Found, StringComparison.Ordinal);
    }

    [Fact]
    public void NoBootConfig_Fails_AndTheBootChecksDoNotApply()
    {
        using var tree = PiTree.Clean(4, false);
        File.Delete(tree.Real("/boot/config.txt"));
        SetupReport report = tree.Run();
        Assert.Equal(CheckOutcome.Fail, report["boot-config"].Outcome);
        Assert.Null(report.BootConfig);
        Assert.Equal(CheckOutcome.NotApplicable, report["uart-enabled"].Outcome);
    }

    [Fact]
    public void NoModelFile_UnderRoot_Fails_ModelOptionAnswersIt()
    {
        using var tree = PiTree.Clean(4, true);
        File.Delete(tree.Real("/proc/device-tree/model"));
        SetupReport report = tree.Run();
        Assert.Equal(CheckOutcome.Fail, report["model"].Outcome);
        Assert.Contains("--model pi3|pi4|pi5", report["model"].Fix, StringComparison.Ordinal);

        SetupReport given = SetupDoctor.Run(tree.Options() with { Model = PiModel.FromOption("pi4") });
        Assert.True(given.Ok, Describe(given));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void ServiceUserLacksDialout_Fails_FixIsUsermod(int pi, bool bookworm)
    {
        using var tree = PiTree.Clean(pi, bookworm);
        tree.Edit("/etc/group", "dialout:x:20:pi,olad", "dialout:x:20:pi");
        SetupCheck check = tree.Run()["user-groups"];
        Assert.Equal(CheckOutcome.Fail, check.Outcome);
        Assert.StartsWith("olad (User= in /etc/systemd/system/olasharpd.service) is not in dialout;", check.Found, StringComparison.Ordinal);
        Assert.Equal("sudo usermod -aG dialout olad; then: sudo systemctl restart olasharpd", check.Fix);
    }

    [Fact]
    public void ServiceUser_SupplementaryGroupsCount_RootNeedsNone_NoUnitUsesUserOption()
    {
        using var tree = PiTree.Clean(4, true);
        tree.Edit("/etc/group", "dialout:x:20:pi,olad", "dialout:x:20:pi").Edit("/etc/group", "gpio:x:997:pi,olad", "gpio:x:997:pi");
        tree.Write("/etc/systemd/system/olasharpd.service.d/groups.conf", "[Service]\nSupplementaryGroups=dialout gpio\n");
        Assert.Equal(CheckOutcome.Pass, tree.Run()["user-groups"].Outcome);

        tree.Edit("/etc/systemd/system/olasharpd.service", "User=olad\n", string.Empty);
        SetupCheck root = tree.Run()["user-groups"];
        Assert.Equal(CheckOutcome.Pass, root.Outcome);
        Assert.Contains("root: /etc/systemd/system/olasharpd.service has no User=", root.Found, StringComparison.Ordinal);

        File.Delete(tree.Real("/etc/systemd/system/olasharpd.service"));
        File.Delete(tree.Real("/etc/systemd/system/multi-user.target.wants/olasharpd.service"));
        Directory.Delete(tree.Real("/etc/systemd/system/olasharpd.service.d"), recursive: true);
        SetupCheck named = tree.Run(user: "olad")["user-groups"];
        Assert.Equal(CheckOutcome.Fail, named.Outcome);
        Assert.StartsWith("olad (--user) is not in dialout, gpio;", named.Found, StringComparison.Ordinal);
        Assert.Equal("sudo usermod -aG dialout,gpio olad; then log out and in again", named.Fix);
    }

    [Fact]
    public void ServiceUser_PackagedUnitInUsrLib_ItsUserAndEtcDropInsCount()
    {
        // The .deb installs its unit as /usr/lib/systemd/system/olasharpd.service (packaging/build-deb.sh), with
        // User=olasharp; a local drop-in under /etc/systemd/system/olasharpd.service.d still applies.
        using var tree = PiTree.Clean(4, true);
        string unit = File.ReadAllText(tree.Real("/etc/systemd/system/olasharpd.service")).Replace("User=olad\n", "User=olasharp\n", StringComparison.Ordinal);
        File.Delete(tree.Real("/etc/systemd/system/olasharpd.service"));
        File.Delete(tree.Real("/etc/systemd/system/multi-user.target.wants/olasharpd.service"));
        tree.Write("/usr/lib/systemd/system/olasharpd.service", unit);
        tree.Write("/etc/passwd", File.ReadAllText(tree.Real("/etc/passwd")) + "olasharp:x:995:995::/nonexistent:/usr/sbin/nologin\n");
        SetupCheck packaged = tree.Run()["user-groups"];
        Assert.Equal(CheckOutcome.Fail, packaged.Outcome);
        Assert.StartsWith("olasharp (User= in /usr/lib/systemd/system/olasharpd.service) is not in dialout, gpio;", packaged.Found, StringComparison.Ordinal);

        tree.Write("/etc/systemd/system/olasharpd.service.d/user.conf", "[Service]\nUser=olad\n");
        SetupCheck overridden = tree.Run()["user-groups"];
        Assert.Equal(CheckOutcome.Pass, overridden.Outcome);
        Assert.Contains("olad (User= in /etc/systemd/system/olasharpd.service.d/user.conf)", overridden.Found, StringComparison.Ordinal);
    }

    [Fact]
    public void ConfPatchNamesAnUnconfiguredDevice_Fails()
    {
        using var tree = PiTree.Clean(4, true);
        tree.Write("/etc/ola/ola-port.conf", "20-/dev/ttyUSB0-O-0 = 1\n20-/dev/ttyUSB0-O-0_priority_value = 100\n");
        SetupCheck check = tree.Run()["conf-patch"];
        Assert.Equal(CheckOutcome.Fail, check.Outcome);
        Assert.Equal($"{tree.ConfDir}/ola-port.conf patches 20-/dev/ttyUSB0-O-0 = 1 (port = universe), but ola-uartdmx.conf has no device = /dev/ttyUSB0", check.Found);
        Assert.Equal($"add \"device = /dev/ttyUSB0\" to {tree.ConfDir}/ola-uartdmx.conf, or patch the configured device's port (20-/dev/ttyAMA0-O-0) to the universe in the web UI", check.Fix);
    }

    [Fact]
    public void NoPatch_Warns()
    {
        using var tree = PiTree.Clean(4, true);
        File.Delete(tree.Real("/etc/ola/ola-port.conf"));
        SetupReport report = tree.Run();
        Assert.Equal(CheckOutcome.Warn, report["conf-patch"].Outcome);
        Assert.True(report.Ok);
    }

    [Theory]
    [InlineData("/dev/ttyAMA0-break = 50", "/dev/ttyAMA0-break = 50 is not an integer 88..1000000 µs (the server replaces it with 100)", "set \"/dev/ttyAMA0-break = 100\"")]
    [InlineData("/dev/ttyAMA0-break = 2000000", "/dev/ttyAMA0-break = 2000000 is not an integer 88..1000000 µs (the server replaces it with 100)", "set \"/dev/ttyAMA0-break = 100\"")]
    [InlineData("/dev/ttyAMA0-malf = 0", "/dev/ttyAMA0-malf = 0 is not an integer 8..1000000 µs (the server replaces it with 100)", "set \"/dev/ttyAMA0-malf = 100\"")]
    public void BreakOrMalfOutOfRange_Fails_WithTheValidatorsRange(string line, string found, string fix)
    {
        using var tree = PiTree.Clean(5, true);
        string key = line.Split(" = ")[0];
        tree.Write("/etc/ola/ola-uartdmx.conf", string.Join('\n', tree.Read("/etc/ola/ola-uartdmx.conf").Split('\n').Where(l => !l.StartsWith(key, StringComparison.Ordinal))) + line + "\n");
        SetupCheck check = tree.Run()["conf-timing"];
        Assert.Equal(CheckOutcome.Fail, check.Outcome);
        Assert.Equal(found, check.Found);
        Assert.StartsWith(fix + $" in {tree.ConfDir}/ola-uartdmx.conf", check.Fix, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void UartPluginDisabled_Fails(int pi, bool bookworm)
    {
        using var tree = PiTree.Clean(pi, bookworm);
        tree.Edit("/etc/ola/ola-uartdmx.conf", "enabled = true", "enabled = false");
        SetupCheck check = tree.Run()["conf-enabled"];
        Assert.Equal(CheckOutcome.Fail, check.Outcome);
        Assert.Equal($"{tree.ConfDir}/ola-uartdmx.conf has enabled = false", check.Found);
        Assert.StartsWith($"set \"enabled = true\" in {tree.ConfDir}/ola-uartdmx.conf", check.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void ConfDevice_OladDefaultFails_Pi5Serial0Fails_UsbWarns()
    {
        using var tree = PiTree.Clean(5, true);
        tree.Write("/etc/ola/ola-uartdmx.conf", "device = /dev/ttyACM0\nenabled = true\n");
        Assert.Equal(CheckOutcome.Fail, tree.Run()["conf-device"].Outcome);
        tree.Write("/etc/ola/ola-uartdmx.conf", "device = /dev/serial0\nenabled = true\n");
        SetupCheck serial0 = tree.Run()["conf-device"];
        Assert.Equal(CheckOutcome.Fail, serial0.Outcome);
        Assert.Contains("UART10 on the debug header (ttyAMA10)", serial0.Found, StringComparison.Ordinal);
        tree.Write("/etc/ola/ola-uartdmx.conf", "device = /dev/ttyUSB0\nenabled = true\n");
        Assert.Equal(CheckOutcome.Warn, tree.Run()["conf-device"].Outcome);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Fix_EditsOnlyTheBootFiles_WithBackups_AndASecondRunPasses(int pi, bool bookworm)
    {
        using var tree = PiTree.Clean(pi, bookworm);
        string uartLines = pi == 5 ? "dtparam=uart0=on\n" : "enable_uart=1\ndtoverlay=disable-bt\n";
        tree.Edit(tree.ConfigTxt, uartLines, "[pi4]\narm_boost=1\n")
            .Edit(tree.CmdlineTxt, "console=tty1", pi == 5 ? "console=ttyAMA0,115200 console=tty1" : "console=serial0,115200 console=tty1")
            .Link("/etc/systemd/system/multi-user.target.wants/hciuart.service", "/lib/systemd/system/hciuart.service")
            .Edit("/etc/group", "dialout:x:20:pi,olad", "dialout:x:20:pi");
        string oldConfig = tree.Read(tree.ConfigTxt);
        string oldCmdline = tree.Read(tree.CmdlineTxt);
        string before = tree.Hash(tree.ConfigTxt, tree.CmdlineTxt);
        SetupReport broken = tree.Run();
        Assert.Contains(s_bootChecks, id => broken[id].Outcome == CheckOutcome.Fail);

        (IReadOnlyList<string> actions, SetupReport after) = SetupDoctor.Fix(tree.Options());

        Assert.Equal(2, actions.Count);
        Assert.Equal(oldConfig, tree.Read(tree.ConfigTxt + ".olasharpd-bak"));
        Assert.Equal(oldCmdline, tree.Read(tree.CmdlineTxt + ".olasharpd-bak"));
        string added = pi == 5 ? "dtparam=uart0=on\n" : "enable_uart=1\ndtoverlay=disable-bt\n";

        // The file ended under [pi4]: the lines go under a new [all], after everything that was there.
        Assert.Equal(oldConfig + "\n# Added by olasharpd doctor --fix: DMX512 on the UART on GPIO 14/15.\n[all]\n" + added, tree.Read(tree.ConfigTxt));
        Assert.Equal(oldCmdline.Replace(pi == 5 ? "console=ttyAMA0,115200 " : "console=serial0,115200 ", string.Empty, StringComparison.Ordinal), tree.Read(tree.CmdlineTxt));
        Assert.Equal(before, tree.Hash(tree.ConfigTxt, tree.CmdlineTxt, tree.ConfigTxt + ".olasharpd-bak", tree.CmdlineTxt + ".olasharpd-bak"));
        Assert.Contains($"{tree.ConfigTxt}: added ", actions[0], StringComparison.Ordinal);

        foreach (string id in new[] { "boot-config", "uart-enabled", "bluetooth", "uart-clock", "serial-console" })
        {
            Assert.True(after[id].Outcome is CheckOutcome.Pass or CheckOutcome.NotApplicable, $"{id}: {after[id].Found}");
        }

        // Services and groups are not the boot files: still failing, with their commands.
        Assert.Equal(CheckOutcome.Fail, after["user-groups"].Outcome);
        Assert.Equal(pi == 5 ? CheckOutcome.NotApplicable : CheckOutcome.Fail, after["hciuart"].Outcome);

        // A second --fix has nothing to do and writes nothing.
        string fixedHash = tree.Hash();
        (IReadOnlyList<string> again, SetupReport second) = SetupDoctor.Fix(tree.Options());
        Assert.Empty(again);
        Assert.Equal(fixedHash, tree.Hash());
        Assert.Equal(after, second, ReportComparer.Instance);
    }

    [Fact]
    public void Fix_BadInitUartClock_AddsTheDefaultClockLast_AndAFileEndingUnderAllGetsNoNewSection()
    {
        using var tree = PiTree.Clean(3, true);
        tree.Edit(tree.ConfigTxt, "enable_uart=1\n", "enable_uart=1\ninit_uart_clock=3000000\n");
        string old = tree.Read(tree.ConfigTxt);
        (IReadOnlyList<string> actions, SetupReport after) = SetupDoctor.Fix(tree.Options());
        Assert.Single(actions);
        Assert.Equal(old + "\n# Added by olasharpd doctor --fix: DMX512 on the UART on GPIO 14/15.\ninit_uart_clock=48000000\n", tree.Read(tree.ConfigTxt));
        Assert.Equal(CheckOutcome.Pass, after["uart-clock"].Outcome);
        Assert.True(after.Ok, Describe(after));

        // A later --fix never overwrites the first backup.
        tree.Edit(tree.ConfigTxt, "enable_uart=1\n", string.Empty);
        _ = SetupDoctor.Fix(tree.Options());
        Assert.Equal(old, tree.Read(tree.ConfigTxt + ".olasharpd-bak"));
        Assert.True(File.Exists(tree.Real(tree.ConfigTxt + ".olasharpd-bak.1")));
    }

    [Fact]
    public void Fix_NothingToDo_WritesNothing()
    {
        using var tree = PiTree.Clean(5, true);
        string before = tree.Hash();
        (IReadOnlyList<string> actions, SetupReport after) = SetupDoctor.Fix(tree.Options());
        Assert.Empty(actions);
        Assert.True(after.Ok);
        Assert.Equal(before, tree.Hash());
    }

    internal static string Describe(SetupReport report)
    {
        var w = new StringWriter();
        SetupReportWriter.WriteText(w, report);
        return w.ToString();
    }

    private sealed class ReportComparer : IEqualityComparer<SetupReport>
    {
        public static ReportComparer Instance { get; } = new();

        public bool Equals(SetupReport? x, SetupReport? y) =>
            x is not null && y is not null && x.Model == y.Model && x.BootConfig == y.BootConfig && x.Checks.SequenceEqual(y.Checks);

        public int GetHashCode(SetupReport obj) => obj.Model.GetHashCode(StringComparison.Ordinal);
    }
}
