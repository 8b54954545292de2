// Licensed under the MIT License. See LICENSE in the repository root.
using Microsoft.Extensions.Logging;
using OlaSharp.Core.Conf;
using OlaSharp.Tests.Shared;

namespace OlaSharp.Uart.Tests;

/// <summary>
/// Issue 14 (plugin pages): the settings page's description of <c>ola-uartdmx.conf</c> is the reader's own
/// rules: every key the reader writes is described, and the page refuses exactly what the reader replaces,
/// in the reader's words.
/// </summary>
public sealed class ConfDescriptionTests
{
    private const string Dev = "/dev/ttyAMA0";

    [Fact]
    public void Description_EveryKeyTheReaderWritesIsDescribed()
    {
        var conf = new ConfFile();
        UartConf.SetPluginDefaults(conf);
        UartConf.SetDeviceDefaults(conf, DefaultDevice());
        conf.Set(UartConf.MabKey(DefaultDevice()), "16");
        conf.Set(UartConf.RefreshKey(DefaultDevice()), "30");
        conf.Set(UartConf.DeGpioKey(DefaultDevice()), "18");
        conf.Set(UartConf.DeActiveHighKey(DefaultDevice()), "false");
        ConfDescriptionAgreement.AssertDescribed(UartConf.Description, conf, DefaultDevice());
        Assert.Equal(new UartLineSettings(100, 16, 100, 30, 18, false), UartConf.Read(conf, DefaultDevice()));
    }

    [Fact]
    public void Description_RefusesWhatTheReaderReplaces_SameWords()
    {
        ConfDescriptionAgreement.AssertReaderAgrees(UartConf.Description, Dev, string.Empty, text =>
        {
            var log = new ListLogger();
            ConfFile conf = ConfFile.Parse(text, "ola-uartdmx.conf", log);
            UartConf.SetPluginDefaults(conf);
            UartConf.SetDeviceDefaults(conf, Dev);
            return [.. log.Entries.Where(e => e.Level == LogLevel.Warning).Select(e => e.Message)];
        });
    }

    [Fact]
    public void Edit_BadBreakAndGoodMalf_BothCheckedNothingAccepted()
    {
        ConfFile conf = ConfFile.Parse($"device = {Dev}\nenabled = false\n");
        ConfEdit edit = UartConf.Description.Edit(conf, Fields(($"{Dev}-break", "10"), ($"{Dev}-malf", "abc"), ($"{Dev}-mab", "20")));

        Assert.False(edit.Ok);
        Assert.Equal("'10' is not an integer 88..1000000", edit.Errors[$"{Dev}-break"]);
        Assert.Equal("'abc' is not an integer 8..1000000", edit.Errors[$"{Dev}-malf"]);
        Assert.Equal(2, edit.Errors.Count);
        Assert.Null(conf.Get($"{Dev}-mab")); // the original is never changed
    }

    [Fact]
    public void Edit_NewDeviceWithItsSettingsAndEnabled_WrittenAsTheReaderReadsThem()
    {
        ConfFile conf = ConfFile.Parse("device = /dev/ttyACM0\nenabled = false\n");
        ConfEdit edit = UartConf.Description.Edit(conf, Fields(("device", "/dev/ttyAMA0\n/dev/ttyUSB0\n"), ("/dev/ttyAMA0-break", "150"), ("/dev/ttyAMA0-de_gpio", "18"), ("enabled", "true")));

        Assert.True(edit.Ok, string.Join("; ", edit.Errors));
        Assert.Equal(["/dev/ttyAMA0", "/dev/ttyUSB0"], UartConf.Devices(edit.File));
        Assert.True(edit.File.GetBool("enabled", false));
        UartLineSettings s = UartConf.Read(edit.File, "/dev/ttyAMA0");
        Assert.Equal(150, s.BreakMicroseconds);
        Assert.Equal(18, s.DeGpio);
    }

    [Fact]
    public void Edit_EmptyOptionalKey_RemovedSoTheDefaultApplies()
    {
        ConfFile conf = ConfFile.Parse($"device = {Dev}\n{Dev}-de_gpio = 18\n{Dev}-mab = 20\n");
        ConfEdit edit = UartConf.Description.Edit(conf, Fields(($"{Dev}-de_gpio", string.Empty), ($"{Dev}-mab", " ")));

        Assert.True(edit.Ok);
        Assert.False(edit.File.Contains($"{Dev}-de_gpio"));
        Assert.Null(UartConf.Read(edit.File, Dev).DeGpio);
        Assert.Equal(UartLineSettings.DefaultMab, UartConf.Read(edit.File, Dev).MabMicroseconds);
    }

    [Theory]
    [InlineData("", "'' is not a non-empty text")]
    [InlineData("/dev/tty AMA0", "'/dev/tty AMA0' is not a device path such as /dev/ttyAMA0 (no '=' or spaces)")]
    [InlineData("/dev/a=b", "'/dev/a=b' is not a device path such as /dev/ttyAMA0 (no '=' or spaces)")]
    public void Edit_BadDeviceList_Refused(string devices, string message)
    {
        ConfEdit edit = UartConf.Description.Edit(ConfFile.Parse($"device = {Dev}\n"), Fields(("device", devices)));
        Assert.Equal(message, edit.Errors["device"]);
    }

    [Fact]
    public void Devices_PathWithSpace_SkippedWithAWarning()
    {
        var log = new ListLogger();
        ConfFile conf = ConfFile.Parse("device = /dev/tty AMA0\ndevice = /dev/ttyAMA0\n", "ola-uartdmx.conf", log);
        Assert.Equal(["/dev/ttyAMA0"], UartConf.Devices(conf));
        Assert.Contains(log.Entries, e => e.Message.Contains("device = '/dev/tty AMA0' is not a device path", StringComparison.Ordinal));
    }

    [Fact]
    public void Edit_UnknownKey_Refused()
    {
        ConfEdit edit = UartConf.Description.Edit(ConfFile.Parse($"device = {Dev}\n"), Fields(("/dev/ttyUSB9-break", "100")));
        Assert.Equal("not a setting of this plugin or of one of its devices", edit.Errors["/dev/ttyUSB9-break"]);
    }

    private static string DefaultDevice() => UartConf.DefaultDevice;

    private static List<KeyValuePair<string, IReadOnlyList<string>>> Fields(params (string Key, string Value)[] fields) =>
        [.. fields.Select(f => new KeyValuePair<string, IReadOnlyList<string>>(f.Key, [f.Value]))];
}
