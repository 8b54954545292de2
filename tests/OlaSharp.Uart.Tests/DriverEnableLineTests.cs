// Licensed under the MIT License. See LICENSE in the repository root.
using OlaSharp.Tests.Shared;
using OlaSharp.Uart.Gpio;

namespace OlaSharp.Uart.Tests;

/// <summary>Finding the Pi's GPIO chip by label and driving the driver-enable line, over fake chips.</summary>
public sealed class DriverEnableLineTests
{
    private readonly EventLog _log = new();

    private List<string> Ops => [.. _log.Snapshot().Select(e => e.Op)];

    public static TheoryData<string, string, string> Boards => new()
    {
        { "pi3", "/dev/gpiochip0", "pinctrl-bcm2835" },
        { "pi4", "/dev/gpiochip0", "pinctrl-bcm2711" },
        { "pi5-before-6.6.45", "/dev/gpiochip4", "pinctrl-rp1" },
        { "pi5-from-6.6.45", "/dev/gpiochip0", "pinctrl-rp1" },
        { "pi5-no-gpiochip0", "/dev/gpiochip15", "pinctrl-rp1" },
    };

    private FakeGpioChips Board(string name) => name switch
    {
        "pi3" => FakeGpioChips.Pi3(_log),
        "pi4" => FakeGpioChips.Pi4(_log),
        "pi5-before-6.6.45" => FakeGpioChips.Pi5Old(_log),
        "pi5-from-6.6.45" => FakeGpioChips.Pi5New(_log),
        "pi5-no-gpiochip0" => FakeGpioChips.Pi5NoChip0(_log),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(Boards))]
    public void Open_EachPi_PicksTheHeaderChipByLabelAndDrivesLine18(string board, string expectedPath, string expectedLabel)
    {
        FakeGpioChips chips = Board(board);
        using DriverEnableLine de = DriverEnableLine.Open(chips, 18, activeHigh: true);

        Assert.Equal(expectedPath, de.ChipPath);
        Assert.Equal(expectedLabel, de.ChipLabel);
        Assert.Equal(18, de.Pin);
        Assert.True(de.Active);
        Assert.Equal(["gpio-request " + expectedPath + " 18 high olasharpd"], Ops);
        Assert.True(chips[expectedPath].Levels[18]);

        // Only the chosen chip got a line; every chip handle looked at is closed again.
        Assert.All(chips.Chips.Where(c => c.Path != expectedPath), c => Assert.Empty(c.Levels));
        Assert.All(chips.Chips, c => Assert.Equal(0, c.OpenHandles));
    }

    [Fact]
    public void Open_Pi5OldNumbering_NeverTouchesGpiochip0()
    {
        // On those kernels gpiochip0 is the SoC's gpio-brcmstb: line 18 there is not the header's GPIO 18.
        FakeGpioChips chips = FakeGpioChips.Pi5Old(_log);
        using DriverEnableLine de = DriverEnableLine.Open(chips, 18, activeHigh: true);
        Assert.Equal("/dev/gpiochip4", de.ChipPath);
        Assert.Empty(chips["/dev/gpiochip0"].Requested);
        Assert.Single(chips["/dev/gpiochip4"].Requested);
    }

    [Theory]
    [InlineData(true, true, false)]
    [InlineData(false, false, true)]
    public void SetAndDispose_ActiveHighOrLow_DrivesLevelsAndReleasesInactive(bool activeHigh, bool activeLevel, bool inactiveLevel)
    {
        FakeGpioChips chips = FakeGpioChips.Pi4(_log);
        FakeChip chip = chips["/dev/gpiochip0"];
        DriverEnableLine de = DriverEnableLine.Open(chips, 18, activeHigh);
        Assert.Equal(activeLevel, chip.Levels[18]);

        de.Set(false);
        Assert.Equal(inactiveLevel, chip.Levels[18]);
        Assert.False(de.Active);
        de.Set(true);
        Assert.Equal(activeLevel, chip.Levels[18]);
        Assert.True(de.Active);

        de.Dispose();
        de.Dispose();
        Assert.Equal(inactiveLevel, chip.Levels[18]);
        Assert.Empty(chip.Requested);
        string level(bool v) => v ? "high" : "low";
        Assert.Equal(
            [
                $"gpio-request /dev/gpiochip0 18 {level(activeLevel)} olasharpd",
                $"gpio-write 18 {level(inactiveLevel)}",
                $"gpio-write 18 {level(activeLevel)}",
                $"gpio-write 18 {level(inactiveLevel)}",
                "gpio-close 18",
            ],
            Ops);
        Assert.Throws<ObjectDisposedException>(() => de.Set(true));
    }

    [Fact]
    public void Set_SteadyState_AllocatesNothing()
    {
        FakeGpioChips chips = FakeGpioChips.Pi5New();
        using DriverEnableLine de = DriverEnableLine.Open(chips, 18, activeHigh: true);
        SteadyState.AssertAllocatesNothing(
            () =>
            {
                for (int i = 0; i < 10_000; i++)
                {
                    de.Set((i & 1) == 0);
                }
            });
    }

    [Fact]
    public void Open_NoChipsAtAll_SaysNoGpioCharacterDevice()
    {
        DriverEnableException ex = Assert.Throws<DriverEnableException>(() => DriverEnableLine.Open(new FakeGpioChips(_log), 18, true));
        Assert.Equal(DriverEnableFailure.NoGpio, ex.Failure);
        Assert.Equal(
            "no GPIO character device (/dev/gpiochip*): this machine has no GPIO or the kernel lacks CONFIG_GPIO_CDEV; " +
            "remove <device>-de_gpio from ola-uartdmx.conf if the transceiver switches direction by itself",
            ex.Message);
        Assert.IsAssignableFrom<IOException>(ex);
    }

    [Fact]
    public void Open_NoPiLabel_ListsTheLabelsFoundAndTheOverride()
    {
        FakeGpioChips chips = new FakeGpioChips(_log).With("/dev/gpiochip0", "gpio-mockup-A", 8).With("/dev/gpiochip1", "INT34C5:00", 360);
        DriverEnableException ex = Assert.Throws<DriverEnableException>(() => DriverEnableLine.Open(chips, 18, true));
        Assert.Equal(DriverEnableFailure.NoChip, ex.Failure);
        Assert.Equal(
            "no GPIO chip with a Raspberry Pi label (pinctrl-bcm2835, pinctrl-bcm2711, pinctrl-rp1); " +
            "found /dev/gpiochip0 'gpio-mockup-A' (8 lines), /dev/gpiochip1 'INT34C5:00' (360 lines); " +
            "set <device>-de_gpiochip = <label or /dev/gpiochipN> in ola-uartdmx.conf to name the chip the transceiver's driver-enable is on",
            ex.Message);
        Assert.Empty(Ops);
        Assert.All(chips.Chips, c => Assert.Equal(0, c.OpenHandles));
    }

    [Fact]
    public void Open_PermissionDenied_NamesTheNodeItsGroupAndTheFix()
    {
        FakeGpioChips chips = FakeGpioChips.Pi5New(_log);
        foreach (FakeChip c in chips.Chips)
        {
            c.OpenErrno = 13;
        }

        DriverEnableException ex = Assert.Throws<DriverEnableException>(() => DriverEnableLine.Open(chips, 18, true));
        Assert.Equal(DriverEnableFailure.PermissionDenied, ex.Failure);
        string user = Environment.UserName;
        Assert.Equal(
            $"permission denied opening /dev/gpiochip0 (group gpio): add the service user to it (sudo usermod -aG gpio {user}) and restart olasharpd",
            ex.Message);
    }

    [Fact]
    public void Open_PermissionDeniedOnAPlainDebianNode_SaysThereIsNoGpioGroup()
    {
        FakeGpioChips chips = FakeGpioChips.Pi4(_log);
        chips["/dev/gpiochip0"].OpenErrno = 13;
        chips["/dev/gpiochip0"].Group = "root";
        DriverEnableException ex = Assert.Throws<DriverEnableException>(() => DriverEnableLine.Open(chips, 18, true));
        Assert.Equal(DriverEnableFailure.PermissionDenied, ex.Failure);
        Assert.StartsWith("permission denied opening /dev/gpiochip0 (group root): give /dev/gpiochip* to a group the service user", ex.Message, StringComparison.Ordinal);
        Assert.Contains("udev rule", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_OnlyTheHeaderChipDenied_IsStillPermissionDenied()
    {
        // Pi 5 old numbering where the readable SoC chips are not the one we want.
        FakeGpioChips chips = FakeGpioChips.Pi5Old(_log);
        chips["/dev/gpiochip4"].OpenErrno = 13;
        DriverEnableException ex = Assert.Throws<DriverEnableException>(() => DriverEnableLine.Open(chips, 18, true));
        Assert.Equal(DriverEnableFailure.PermissionDenied, ex.Failure);
        Assert.StartsWith("permission denied opening /dev/gpiochip4 (group gpio)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_LineHeldByAnotherConsumer_NamesItAndSuggestsPinctrl()
    {
        FakeGpioChips chips = FakeGpioChips.Pi5New(_log);
        chips["/dev/gpiochip0"].Used[18] = "xyz";
        DriverEnableException ex = Assert.Throws<DriverEnableException>(() => DriverEnableLine.Open(chips, 18, true));
        Assert.Equal(DriverEnableFailure.Busy, ex.Failure);
        Assert.StartsWith("GPIO 18 is in use by 'xyz' on /dev/gpiochip0 (pinctrl-rp1)", ex.Message, StringComparison.Ordinal);
        Assert.Contains("`pinctrl get 18`", ex.Message, StringComparison.Ordinal);
        Assert.Empty(Ops);
        Assert.Equal(0, chips["/dev/gpiochip0"].OpenHandles);
    }

    [Fact]
    public void Open_LineTakenBetweenLookAndRequest_StillNamesTheConsumer()
    {
        FakeGpioChips chips = FakeGpioChips.Pi3(_log);
        chips["/dev/gpiochip0"].UsedAfterLook[18] = "olad";
        DriverEnableException ex = Assert.Throws<DriverEnableException>(() => DriverEnableLine.Open(chips, 18, true));
        Assert.Equal(DriverEnableFailure.Busy, ex.Failure);
        Assert.StartsWith("GPIO 18 is in use by 'olad' on /dev/gpiochip0 (pinctrl-bcm2835)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_LineHeldByUnnamedKernelDriver_SaysSo()
    {
        FakeGpioChips chips = FakeGpioChips.Pi4(_log);
        chips["/dev/gpiochip0"].Used[18] = string.Empty;
        DriverEnableException ex = Assert.Throws<DriverEnableException>(() => DriverEnableLine.Open(chips, 18, true));
        Assert.StartsWith("GPIO 18 is in use by a kernel driver or another program on /dev/gpiochip0 (pinctrl-bcm2711)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_BusyOnANonPiChip_DoesNotSuggestPinctrl()
    {
        FakeGpioChips chips = new FakeGpioChips(_log).With("/dev/gpiochip0", "ftdi-cbus", 4);
        chips["/dev/gpiochip0"].Used[2] = "someone";
        DriverEnableException ex = Assert.Throws<DriverEnableException>(() => DriverEnableLine.Open(chips, 2, true, chip: "ftdi-cbus"));
        Assert.Equal(DriverEnableFailure.Busy, ex.Failure);
        Assert.DoesNotContain("pinctrl", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("pi4", 58, "/dev/gpiochip0 (pinctrl-bcm2711) has lines 0..57")]
    [InlineData("pi5-from-6.6.45", 54, "/dev/gpiochip0 (pinctrl-rp1) has lines 0..53")]
    [InlineData("pi3", 1000, "/dev/gpiochip0 (pinctrl-bcm2835) has lines 0..53")]
    public void Open_PinPastTheLastLine_OutOfRange(string board, int pin, string expected)
    {
        FakeGpioChips chips = Board(board);
        DriverEnableException ex = Assert.Throws<DriverEnableException>(() => DriverEnableLine.Open(chips, pin, true));
        Assert.Equal(DriverEnableFailure.OutOfRange, ex.Failure);
        Assert.StartsWith($"GPIO {pin} is out of range: {expected}", ex.Message, StringComparison.Ordinal);
        Assert.Empty(Ops);
    }

    [Fact]
    public void Open_NegativePin_OutOfRange()
    {
        DriverEnableException ex = Assert.Throws<DriverEnableException>(() => DriverEnableLine.Open(FakeGpioChips.Pi4(_log), -1, true));
        Assert.Equal(DriverEnableFailure.OutOfRange, ex.Failure);
    }

    [Theory]
    [InlineData("ftdi-cbus", "/dev/gpiochip1")]
    [InlineData("/dev/gpiochip1", "/dev/gpiochip1")]
    [InlineData("gpiochip1", "/dev/gpiochip1")]
    [InlineData(" pinctrl-bcm2711 ", "/dev/gpiochip2")]
    public void Open_ChipOverride_ByLabelNodeOrName(string selector, string expected)
    {
        FakeGpioChips chips = new FakeGpioChips(_log)
            .With("/dev/gpiochip0", "gpio-mockup-A", 8)
            .With("/dev/gpiochip1", "ftdi-cbus", 4)
            .With("/dev/gpiochip2", "pinctrl-bcm2711", 58);
        using DriverEnableLine de = DriverEnableLine.Open(chips, 3, true, selector);
        Assert.Equal(expected, de.ChipPath);
        Assert.All(chips.Chips, c => Assert.Equal(0, c.OpenHandles));
    }

    [Fact]
    public void Open_ChipOverrideLabelNotFound_ListsWhatThereIs()
    {
        DriverEnableException ex = Assert.Throws<DriverEnableException>(() => DriverEnableLine.Open(FakeGpioChips.Pi4(_log), 18, true, "pinctrl-rp1"));
        Assert.Equal(DriverEnableFailure.NoChip, ex.Failure);
        Assert.StartsWith(
            "no GPIO chip labelled 'pinctrl-rp1' (<device>-de_gpiochip); found /dev/gpiochip0 'pinctrl-bcm2711' (58 lines), /dev/gpiochip1 'raspberrypi-exp-gpio' (8 lines)",
            ex.Message,
            StringComparison.Ordinal);
    }

    [Fact]
    public void Open_ChipOverrideNodeMissing_SaysWhichChipsExist()
    {
        DriverEnableException ex = Assert.Throws<DriverEnableException>(() => DriverEnableLine.Open(FakeGpioChips.Pi5New(_log), 18, true, "/dev/gpiochip4"));
        Assert.Equal(DriverEnableFailure.NoChip, ex.Failure);
        Assert.Equal(
            "<device>-de_gpiochip = /dev/gpiochip4: cannot open /dev/gpiochip4 (no such file); the chips here are /dev/gpiochip0, /dev/gpiochip10, /dev/gpiochip11, /dev/gpiochip12, /dev/gpiochip13",
            ex.Message);
    }

    [Fact]
    public void Open_ChipOverrideNodeDenied_IsPermissionDenied()
    {
        FakeGpioChips chips = FakeGpioChips.Pi5Old(_log);
        chips["/dev/gpiochip4"].OpenErrno = 13;
        DriverEnableException ex = Assert.Throws<DriverEnableException>(() => DriverEnableLine.Open(chips, 18, true, "/dev/gpiochip4"));
        Assert.Equal(DriverEnableFailure.PermissionDenied, ex.Failure);
    }

    [Fact]
    public void Open_KernelRefusesTheRequest_NamesTheErrno()
    {
        FakeGpioChips chips = FakeGpioChips.Pi4(_log);
        chips["/dev/gpiochip0"].RequestErrno = 22;
        DriverEnableException ex = Assert.Throws<DriverEnableException>(() => DriverEnableLine.Open(chips, 18, true));
        Assert.Equal(DriverEnableFailure.Failed, ex.Failure);
        Assert.Equal("could not request GPIO 18 on /dev/gpiochip0 (pinctrl-bcm2711): invalid argument", ex.Message);
        Assert.Equal(0, chips["/dev/gpiochip0"].OpenHandles);
    }

    [Fact]
    public void Open_SecondWriterOnTheSamePin_Busy()
    {
        // Two UARTs configured with the same de_gpio: the second is told who has it (us).
        FakeGpioChips chips = FakeGpioChips.Pi4(_log);
        using DriverEnableLine first = DriverEnableLine.Open(chips, 18, true);
        DriverEnableException ex = Assert.Throws<DriverEnableException>(() => DriverEnableLine.Open(chips, 18, true));
        Assert.StartsWith("GPIO 18 is in use by 'olasharpd'", ex.Message, StringComparison.Ordinal);
    }
}
