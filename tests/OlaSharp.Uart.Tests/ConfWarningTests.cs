// Licensed under the MIT License. See LICENSE in the repository root.
using Microsoft.Extensions.Logging;
using OlaSharp.Core.Conf;

namespace OlaSharp.Uart.Tests;

/// <summary>
/// Issue 13 defect 6: every value of <c>ola-uartdmx.conf</c> that is not used as written gets one warning
/// naming the file, key, bad value and what is used instead.
/// </summary>
public sealed class ConfWarningTests
{
    [Fact]
    public void Defaults_AbsurdValueForEveryKey_OneWarningPerKey()
    {
        var log = new ListLogger();
        ConfFile conf = ConfFile.Parse(
            "device = \ndevice = /dev/ttyAMA0\n/dev/ttyAMA0-break = 20\n/dev/ttyAMA0-malf = 2000000\n/dev/ttyAMA0-mab = 1\n" +
            "/dev/ttyAMA0-refresh_hz = 1000\n/dev/ttyAMA0-de_gpio = 4096\n/dev/ttyAMA0-de_active_high = high\n",
            "ola-uartdmx.conf",
            log);

        Assert.True(UartConf.SetPluginDefaults(conf));
        Assert.True(UartConf.SetDeviceDefaults(conf, "/dev/ttyAMA0"));

        Assert.Equal(
            new[]
            {
                "ola-uartdmx.conf: /dev/ttyAMA0-break = '20' is not an integer 88..1000000; using '100'",
                "ola-uartdmx.conf: /dev/ttyAMA0-de_active_high = 'high' is not true or false; using 'true'",
                "ola-uartdmx.conf: /dev/ttyAMA0-de_gpio = '4096' is not an integer 0..1023; using no driver-enable pin (the key is removed)",
                "ola-uartdmx.conf: /dev/ttyAMA0-mab = '1' is not an integer 8..1000000; using '16'",
                "ola-uartdmx.conf: /dev/ttyAMA0-malf = '2000000' is not an integer 8..1000000; using '100'",
                $"ola-uartdmx.conf: /dev/ttyAMA0-refresh_hz = '1000' is not an integer 0..{UartLineSettings.MaxRefreshHz}; using '0'",
                "ola-uartdmx.conf: device = '' is not a non-empty text; using '/dev/ttyACM0'",
            },
            log.Entries.Where(e => e.Level == LogLevel.Warning).Select(e => e.Message).Order(StringComparer.Ordinal));
    }
}
