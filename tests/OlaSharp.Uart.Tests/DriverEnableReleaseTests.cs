// Licensed under the MIT License. See LICENSE in the repository root.
using OlaSharp.Uart.Gpio;

namespace OlaSharp.Uart.Tests;

/// <summary><c>olasharpd release-line</c> over fake GPIO chips whose lines keep their level after release (as a Pi's do).</summary>
public sealed class DriverEnableReleaseTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("olas-release-line-").FullName;
    private readonly EventLog _log = new();

    public void Dispose() => Directory.Delete(_dir, true);

    [Fact]
    public void Run_PinsLeftDrivenByAKilledServer_EachGoesToItsReceiveLevelAndIsGivenBack()
    {
        FakeGpioChips chips = FakeGpioChips.Pi4(_log);
        FakeChip chip = chips["/dev/gpiochip0"];
        chip.Levels[18] = true;  // active-high DE left transmitting
        chip.Levels[17] = false; // active-low DE left transmitting
        File.WriteAllText(Path.Combine(_dir, "ola-uartdmx.conf"),
            "device = /dev/ttyAMA0\ndevice = /dev/ttyAMA1\ndevice = /dev/ttyUSB0\n/dev/ttyAMA0-de_gpio = 18\n/dev/ttyAMA1-de_gpio = 17\n/dev/ttyAMA1-de_active_high = false\n");
        var output = new StringWriter();
        var error = new StringWriter();

        Assert.Equal(0, DriverEnableRelease.Run(_dir, chips, output, error));

        Assert.False(chip.Levels[18]);
        Assert.True(chip.Levels[17]);
        Assert.Empty(chip.Requested);
        Assert.Equal(0, chip.OpenHandles);
        Assert.Contains("gpio-request /dev/gpiochip0 18 low olasharpd release-line", _log.Snapshot().Select(e => e.Op));
        Assert.Contains("gpio-request /dev/gpiochip0 17 high olasharpd release-line", _log.Snapshot().Select(e => e.Op));
        Assert.Equal(
            "/dev/ttyAMA0: driver-enable GPIO 18 (/dev/gpiochip0, pinctrl-bcm2711) set to receive (low)\n/dev/ttyAMA1: driver-enable GPIO 17 (/dev/gpiochip0, pinctrl-bcm2711) set to receive (high)\n",
            output.ToString().ReplaceLineEndings("\n"));
        Assert.Empty(error.ToString());
    }

    [Fact]
    public void Run_PinHeldByAnotherProgram_Exit1WithTheReason_OthersStillReleased()
    {
        FakeGpioChips chips = FakeGpioChips.Pi4(_log);
        FakeChip chip = chips["/dev/gpiochip0"];
        chip.Used[22] = "someone-else";
        chip.Levels[18] = true;
        File.WriteAllText(Path.Combine(_dir, "ola-uartdmx.conf"),
            "device = /dev/ttyAMA0\ndevice = /dev/ttyAMA1\n/dev/ttyAMA0-de_gpio = 22\n/dev/ttyAMA1-de_gpio = 18\n");
        var output = new StringWriter();
        var error = new StringWriter();

        Assert.Equal(1, DriverEnableRelease.Run(_dir, chips, output, error));

        Assert.StartsWith("/dev/ttyAMA0: driver-enable GPIO 22 not released: ", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("someone-else", error.ToString(), StringComparison.Ordinal);
        Assert.False(chip.Levels[18]);
    }

    [Fact]
    public void Run_NoConfOrNoPin_Exit0AndSaysSo()
    {
        FakeGpioChips chips = FakeGpioChips.Pi4(_log);
        var output = new StringWriter();
        Assert.Equal(0, DriverEnableRelease.Run(_dir, chips, output, TextWriter.Null));
        Assert.Contains("no such file", output.ToString(), StringComparison.Ordinal);

        File.WriteAllText(Path.Combine(_dir, "ola-uartdmx.conf"), "device = /dev/ttyAMA0\n");
        output = new StringWriter();
        Assert.Equal(0, DriverEnableRelease.Run(_dir, chips, output, TextWriter.Null));
        Assert.Contains("nothing to release", output.ToString(), StringComparison.Ordinal);
        Assert.Empty(_log.Snapshot());
    }
}
