// Licensed under the MIT License. See LICENSE in the repository root.
using OlaSharp.Uart.Setup;

namespace OlaSharp.Uart.Tests.Setup;

/// <summary>
/// The running system's checks (device node, holders, baud rate, GPIO line) through a fake
/// <see cref="ISystemProbe"/>, and the real <see cref="LinuxSystemProbe"/> on a pty and on this process's own files.
/// </summary>
public sealed class DoctorRunningSystemTests
{
    [Fact]
    public void AllGood_Passes_AndTheTtyGroupComesFromTheNode()
    {
        using var tree = PiTree.Clean(4, true);
        var probe = new FakeProbe();
        SetupReport report = SetupDoctor.Run(Running(tree), probe);
        Assert.True(report.Ok, DoctorTreeTests.Describe(report));
        Assert.Equal("/dev/ttyAMA0: character device, owner root, group dialout, mode 660", report["device-node"].Found);
        Assert.Equal(CheckOutcome.Pass, report["baud"].Outcome);
        Assert.Equal("GPIO 18 = line 18 of /dev/gpiochip0 (pinctrl-bcm2711): free", report["gpio-line"].Found);
        Assert.Equal(["/dev/ttyAMA0"], probe.BaudOpened);
        Assert.Equal(("pinctrl-bcm2711", 18), probe.GpioAsked);
    }

    [Fact]
    public void Pi5_AsksForTheRp1Chip()
    {
        using var tree = PiTree.Clean(5, true);
        var probe = new FakeProbe();
        _ = SetupDoctor.Run(Running(tree), probe);
        Assert.Equal(("pinctrl-rp1", 18), probe.GpioAsked);
    }

    [Fact]
    public void MissingNode_Fails_AndTheChecksThatNeedItDoNotApply()
    {
        using var tree = PiTree.Clean(5, true);
        var probe = new FakeProbe { Node = null };
        SetupReport report = SetupDoctor.Run(Running(tree), probe);
        Assert.Equal(CheckOutcome.Fail, report["device-node"].Outcome);
        Assert.Equal("/dev/ttyAMA0: No such file or directory", report["device-node"].Found);
        Assert.Equal("fix uart-enabled (dtparam=uart0=on) and reboot", report["device-node"].Fix);
        Assert.Equal(CheckOutcome.NotApplicable, report["tty-holders"].Outcome);
        Assert.Equal(CheckOutcome.NotApplicable, report["baud"].Outcome);
        Assert.Empty(probe.BaudOpened);
    }

    [Fact]
    public void OladHoldsTheTty_FailsNamingIt_AndTheTtyIsNotOpened()
    {
        using var tree = PiTree.Clean(4, true);
        var probe = new FakeProbe { HolderList = [new Holder(1234, "olad")] };
        SetupReport report = SetupDoctor.Run(Running(tree), probe);
        SetupCheck check = report["tty-holders"];
        Assert.Equal(CheckOutcome.Fail, check.Outcome);
        Assert.StartsWith("/dev/ttyAMA0 is held by olad (pid 1234)", check.Found, StringComparison.Ordinal);
        Assert.Equal("sudo systemctl disable --now olad", check.Fix);
        Assert.Equal(CheckOutcome.NotApplicable, report["baud"].Outcome);
        Assert.Empty(probe.BaudOpened);
    }

    [Fact]
    public void TheServerItselfHoldsTtyAndLine_Passes()
    {
        using var tree = PiTree.Clean(4, true);
        var probe = new FakeProbe { HolderList = [new Holder(77, "olasharpd")], Line = new GpioLineState("/dev/gpiochip0", "pinctrl-bcm2711", true, "olasharpd") };
        SetupReport report = SetupDoctor.Run(Running(tree) with { ServerPid = 77 }, probe);
        Assert.Equal(CheckOutcome.Pass, report["tty-holders"].Outcome);
        Assert.Contains("olasharpd (pid 77) has it open (the DMX line itself)", report["tty-holders"].Found, StringComparison.Ordinal);
        Assert.Equal(CheckOutcome.Pass, report["gpio-line"].Outcome);
    }

    [Fact]
    public void BaudNotSettable_Fails_WithTheDriversAnswer()
    {
        using var tree = PiTree.Clean(3, false);
        var probe = new FakeProbe { BaudError = "/dev/ttyAMA0: asked for 250000 baud, the driver set 115200" };
        SetupCheck check = SetupDoctor.Run(Running(tree), probe)["baud"];
        Assert.Equal(CheckOutcome.Fail, check.Outcome);
        Assert.Equal("/dev/ttyAMA0: asked for 250000 baud, the driver set 115200", check.Found);
        Assert.StartsWith("the PL011 must be on GPIO 14/15 (see bluetooth)", check.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void GpioLineHeldByAnother_Fails_NamingTheConsumer()
    {
        using var tree = PiTree.Clean(5, true);
        var probe = new FakeProbe { Line = new GpioLineState("/dev/gpiochip0", "pinctrl-rp1", true, "pwm-fan") };
        SetupCheck check = SetupDoctor.Run(Running(tree), probe)["gpio-line"];
        Assert.Equal(CheckOutcome.Fail, check.Outcome);
        Assert.Equal("GPIO 18 = line 18 of /dev/gpiochip0 (pinctrl-rp1): in use by \"pwm-fan\"", check.Found);
        Assert.Contains("gpioinfo pinctrl-rp1", check.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void NoDeGpioInConf_GpioLineDoesNotApply()
    {
        using var tree = PiTree.Clean(4, true);
        tree.Edit("/etc/ola/ola-uartdmx.conf", "/dev/ttyAMA0-de_gpio = 18\n", string.Empty);
        var probe = new FakeProbe();
        SetupCheck check = SetupDoctor.Run(Running(tree), probe)["gpio-line"];
        Assert.Equal(CheckOutcome.NotApplicable, check.Outcome);
        Assert.Null(probe.GpioAsked);
    }

    [Fact]
    public void NodeGroupIsNotDialout_TheUserNeedsThatGroup()
    {
        using var tree = PiTree.Clean(4, true);
        var probe = new FakeProbe { Node = new NodeInfo(true, 0, 5, 0x1B0) };
        tree.Edit("/etc/group", "root:x:0:\n", "root:x:0:\ntty:x:5:\n");
        SetupCheck check = SetupDoctor.Run(Running(tree), probe)["user-groups"];
        Assert.Equal(CheckOutcome.Fail, check.Outcome);
        Assert.Contains("needs tty for /dev/ttyAMA0", check.Found, StringComparison.Ordinal);
        Assert.StartsWith("sudo usermod -aG tty olad", check.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void LinuxProbe_StatsAPty_OwnHoldIsNoConflict_AndSets250k()
    {
        using var pty = new PtyPair();
        NodeInfo? node = LinuxSystemProbe.Instance.Stat(pty.SlavePath, out string? error);
        Assert.Null(error);
        Assert.True(node!.Value.IsCharDevice);
        Assert.Null(LinuxSystemProbe.Instance.TrySet250k(pty.SlavePath));

        // The probe shares the health report's holder scan (RealDeviceHealthTests: another process is named):
        // the process asking is never its own conflict (the server's /json/setup while its line runs).
        using (var held = new FileStream(pty.SlavePath, FileMode.Open, FileAccess.ReadWrite))
        {
            Assert.DoesNotContain(LinuxSystemProbe.Instance.Holders(pty.SlavePath), h => h.Pid == Environment.ProcessId);
        }

        Assert.Null(LinuxSystemProbe.Instance.Stat("/dev/olas-no-such-node", out string? missing));
        Assert.Equal("No such file or directory", missing);
        Assert.False(LinuxSystemProbe.Instance.Stat("/proc/self/status", out _)!.Value.IsCharDevice);
        Assert.NotNull(LinuxSystemProbe.Instance.TrySet250k("/proc/self/status"));
    }

    [Fact]
    public void LinuxProbe_NoChipWithTheLabel_SaysWhichChipsExist()
    {
        GpioLineState? line = LinuxSystemProbe.Instance.GpioLine("olas-no-such-label", 18, out string? error);
        Assert.Null(line);
        Assert.NotNull(error);
        Assert.True(error.StartsWith("no /dev/gpiochip* on this system", StringComparison.Ordinal) || error.StartsWith("no chip labelled olas-no-such-label", StringComparison.Ordinal) || error.StartsWith("cannot open the GPIO chips", StringComparison.Ordinal), error);
    }

    [Theory]
    [InlineData("Raspberry Pi 3 Model B Plus Rev 1.3\0", PiFamily.Pi3, "pi3,pi3+")]
    [InlineData("Raspberry Pi Zero 2 W Rev 1.0\0", PiFamily.Pi3, "pi0,pi02,pi0w")]
    [InlineData("Raspberry Pi 400 Rev 1.0\0", PiFamily.Pi4, "pi4,pi400")]
    [InlineData("Raspberry Pi Compute Module 4 Rev 1.0\0", PiFamily.Pi4, "cm4,pi4")]
    [InlineData("Raspberry Pi 5 Model B Rev 1.0\0", PiFamily.Pi5, "pi5")]
    [InlineData("Raspberry Pi 500 Rev 1.0\0", PiFamily.Pi5, "pi5,pi500")]
    [InlineData("Raspberry Pi Compute Module 5 Rev 1.0\0", PiFamily.Pi5, "cm5,pi5")]
    [InlineData("Raspberry Pi 2 Model B Rev 1.1\0", PiFamily.OtherPi, "pi2")]
    [InlineData("Generic x86 board", PiFamily.NotAPi, "")]
    public void PiModel_FamilyAndFilters(string text, PiFamily family, string filters)
    {
        PiModel model = PiModel.Parse(text);
        Assert.Equal(family, model.Family);
        Assert.Equal(filters, string.Join(',', model.Filters.Order(StringComparer.Ordinal)));
        Assert.DoesNotContain('\0', model.Text!);
    }

    private static SetupOptions Running(PiTree tree) => tree.Options() with { RunningSystem = true };

    private sealed class FakeProbe : ISystemProbe
    {
        public NodeInfo? Node { get; init; } = new NodeInfo(true, 0, 20, 0x1B0);

        public IReadOnlyList<Holder> HolderList { get; init; } = [];

        public string? BaudError { get; init; }

        public GpioLineState? Line { get; init; }

        public List<string> BaudOpened { get; } = [];

        public (string Label, int Offset)? GpioAsked { get; private set; }

        public NodeInfo? Stat(string path, out string? error)
        {
            bool chip = path.StartsWith("/dev/gpiochip", StringComparison.Ordinal);
            error = chip || Node is not null ? null : "No such file or directory";
            return chip ? new NodeInfo(true, 0, 997, 0x1B0) : Node;
        }

        public IReadOnlyList<Holder> Holders(string path) => HolderList;

        public string? TrySet250k(string path)
        {
            BaudOpened.Add(path);
            return BaudError;
        }

        public GpioLineState? GpioLine(string label, int offset, out string? error)
        {
            GpioAsked = (label, offset);
            error = null;
            return Line ?? new GpioLineState("/dev/gpiochip0", label, false, string.Empty);
        }

        public IReadOnlyList<string> GpioChips() => ["/dev/gpiochip0"];
    }
}
