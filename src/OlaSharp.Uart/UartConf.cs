// Licensed under the MIT License. See LICENSE in the repository root.
using System.Globalization;
using OlaSharp.Core.Conf;

namespace OlaSharp.Uart;

/// <summary>
/// The rules of <c>ola-uartdmx.conf</c>. olad 0.10.9 (plugins/uartdmx, ola-behaviour.md §1.2): <c>device</c>
/// gets <c>/dev/ttyACM0</c> when its first value is missing or empty; <c>&lt;path&gt;-break</c> (88..1,000,000,
/// default 100) and <c>&lt;path&gt;-malf</c> (8..1,000,000, default 100) are inserted or reset only for a
/// device that opened. Our keys are never inserted, so a file olad wrote is rewritten byte for byte as olad
/// would; when present and invalid they are reset to their defaults (<c>-de_gpio</c> is removed).
/// </summary>
internal static class UartConf
{
    public const string DeviceKey = "device";
    public const string DefaultDevice = "/dev/ttyACM0";
    public const int MaxGpio = 1023;

    /// <summary>Valid <c>&lt;path&gt;-break</c> values: 88..1,000,000 µs (olad's UartDmxDevice).</summary>
    public static readonly UIntValidator BreakValidator = new(88, 1_000_000);

    /// <summary>Valid <c>&lt;path&gt;-malf</c> values: 8..1,000,000 µs (olad's UartDmxDevice).</summary>
    public static readonly UIntValidator MalfValidator = new(8, 1_000_000);

    public static string BreakKey(string path) => path + "-break";

    public static string MalfKey(string path) => path + "-malf";

    public static string MabKey(string path) => path + "-mab";

    public static string RefreshKey(string path) => path + "-refresh_hz";

    public static string DeGpioKey(string path) => path + "-de_gpio";

    public static string DeActiveHighKey(string path) => path + "-de_active_high";

    public static string DeGpioChipKey(string path) => path + "-de_gpiochip";

    /// <summary>olad's <c>UartDmxPlugin::SetDefaultPreferences</c> (the <c>device</c> key).</summary>
    public static bool SetPluginDefaults(ConfFile preferences) =>
        preferences.SetDefaultValue(DeviceKey, new StringValidator(), DefaultDevice);

    /// <summary>
    /// The configured paths in file order, empty entries skipped (olad logs and skips them) and repeats
    /// dropped (one device per path: its id is <c>20-&lt;path&gt;</c>).
    /// </summary>
    public static IReadOnlyList<string> Devices(ConfFile preferences) =>
        [.. preferences.GetAll(DeviceKey).Where(d => d.Length != 0).Distinct(StringComparer.Ordinal)];

    /// <summary>olad's <c>UartDmxDevice::SetDefaults</c> plus ours (only when present); true when the file changed.</summary>
    public static bool SetDeviceDefaults(ConfFile preferences, string path)
    {
        bool changed = preferences.SetDefaultValue(BreakKey(path), BreakValidator, Str(UartLineSettings.DefaultBreak));
        changed |= preferences.SetDefaultValue(MalfKey(path), MalfValidator, Str(UartLineSettings.DefaultMalf));
        changed |= preferences.FixIfPresent(MabKey(path), new UIntValidator(8, 1_000_000), Str(UartLineSettings.DefaultMab));
        changed |= preferences.FixIfPresent(RefreshKey(path), new UIntValidator(0, UartLineSettings.MaxRefreshHz), "0");
        changed |= preferences.FixIfPresent(DeActiveHighKey(path), BoolValidator.Instance, BoolValidator.True);
        changed |= preferences.RemoveIfInvalid(DeGpioKey(path), new UIntValidator(0, MaxGpio), "no driver-enable pin (the key is removed)");
        return changed;
    }

    /// <summary>Reads the settings of <paramref name="path"/> (after <see cref="SetDeviceDefaults"/>).</summary>
    public static UartLineSettings Read(ConfFile preferences, string path)
    {
        string? gpio = preferences.Get(DeGpioKey(path));
        return new UartLineSettings(
            BreakMicroseconds: preferences.GetInt(BreakKey(path)) ?? UartLineSettings.DefaultBreak,
            MabMicroseconds: preferences.GetInt(MabKey(path)) ?? UartLineSettings.DefaultMab,
            MalfMicroseconds: preferences.GetInt(MalfKey(path)) ?? UartLineSettings.DefaultMalf,
            RefreshHz: preferences.GetInt(RefreshKey(path)) ?? 0,
            DeGpio: string.IsNullOrEmpty(gpio) ? null : preferences.GetInt(DeGpioKey(path)),
            DeActiveHigh: preferences.GetBool(DeActiveHighKey(path), true),
            DeGpioChip: string.IsNullOrWhiteSpace(preferences.Get(DeGpioChipKey(path))) ? null : preferences.Get(DeGpioChipKey(path))!.Trim());
    }

    private static string Str(int value) => value.ToString(CultureInfo.InvariantCulture);
}
