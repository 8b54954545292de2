// Licensed under the MIT License. See LICENSE in the repository root.
using System.Globalization;
using OlaSharp.Core.Conf;

namespace OlaSharp.Uart;

/// <summary>
/// The rules of <c>ola-uartdmx.conf</c>. olad 0.10.9 (plugins/uartdmx, ola-behaviour.md §1.2): <c>device</c>
/// gets <c>/dev/ttyACM0</c> when its first value is missing or empty; <c>&lt;path&gt;-break</c> (88..1,000,000,
/// default 100) and <c>&lt;path&gt;-malf</c> (8..1,000,000, default 100) are inserted or reset only for a
/// device that opened. Our keys are never inserted, so a file olad wrote is rewritten byte for byte as olad
/// would; when present and invalid they are reset to their defaults (<c>-de_gpio</c> is removed). The rules
/// are written once, in <see cref="Description"/>, which the settings page uses too.
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

    private const string BreakSuffix = "break";
    private const string MalfSuffix = "malf";
    private const string MabSuffix = "mab";
    private const string RefreshSuffix = "refresh_hz";
    private const string DeGpioSuffix = "de_gpio";
    private const string DeActiveHighSuffix = "de_active_high";

    /// <summary>
    /// The keys of <c>ola-uartdmx.conf</c> as this reader reads them: the settings page shows and checks
    /// them, and <see cref="SetPluginDefaults"/> and <see cref="SetDeviceDefaults"/> apply them.
    /// </summary>
    public static ConfDescription Description { get; } = new(
        "uartdmx",
        [
            ConfDescriptions.Enabled(byDefault: false, "Drive the UARTs below (off in a fresh conf, as in olad)."),
            new ConfSetting
            {
                Key = DeviceKey,
                Label = "Devices",
                Help = "The UARTs to drive, one per line (the Raspberry Pi's header UART is /dev/ttyAMA0). A new device's own settings appear after saving.",
                Kind = SettingKind.List,
                Repeated = true,
                Default = DefaultDevice,
                Validator = new StringValidator(),
                UseValidator = DevicePathValidator.Instance,
            },
            PerDevice(BreakSuffix, "Break (µs)", "Length of the break before each frame, in microseconds (DMX needs at least 88).", BreakValidator, UartLineSettings.DefaultBreak, DefaultPolicy.Insert),
            PerDevice(MalfSuffix, "Mark after frame (µs)", "Idle time after the frame has left the UART and before the next break, in microseconds.", MalfValidator, UartLineSettings.DefaultMalf, DefaultPolicy.Insert),
            PerDevice(MabSuffix, "Mark after break (µs)", "Idle time between the break and the start code, in microseconds (DMX needs at least 8).", new UIntValidator(8, 1_000_000), UartLineSettings.DefaultMab, DefaultPolicy.FixIfPresent),
            PerDevice(RefreshSuffix, "Refresh rate (Hz)", "Frames started per second; 0 sends as fast as break, frame and marks allow.", new UIntValidator(0, UartLineSettings.MaxRefreshHz), 0, DefaultPolicy.FixIfPresent),
            ConfDescriptions.Number(DeGpioSuffix, "Driver-enable GPIO", "BCM number of the RS-485 transceiver's driver-enable pin (18 on common Pi DMX hats), driven while the line runs. Empty: none.", 0, MaxGpio, string.Empty)
                with { PerDevice = true, Policy = DefaultPolicy.RemoveIfInvalid, Instead = "no driver-enable pin (the key is removed)" },
            ConfDescriptions.Bool(DeActiveHighSuffix, "Driver-enable active high", "Whether the driver-enable pin is high (on) or low (off) while sending.", true)
                with { PerDevice = true, Policy = DefaultPolicy.FixIfPresent },
        ],
        Devices,
        static (path, suffix) => path + "-" + suffix);

    public static string BreakKey(string path) => path + "-" + BreakSuffix;

    public static string MalfKey(string path) => path + "-" + MalfSuffix;

    public static string MabKey(string path) => path + "-" + MabSuffix;

    public static string RefreshKey(string path) => path + "-" + RefreshSuffix;

    public static string DeGpioKey(string path) => path + "-" + DeGpioSuffix;

    public static string DeActiveHighKey(string path) => path + "-" + DeActiveHighSuffix;

    public static string DeGpioChipKey(string path) => path + "-de_gpiochip";

    /// <summary>olad's <c>UartDmxPlugin::SetDefaultPreferences</c> (the <c>device</c> key).</summary>
    public static bool SetPluginDefaults(ConfFile preferences) =>
        Description.Find(DeviceKey)!.ApplyDefault(preferences, DeviceKey);

    /// <summary>
    /// The configured paths in file order, empty entries skipped (olad logs and skips them) and repeats
    /// dropped (one device per path: its id is <c>20-&lt;path&gt;</c>). A path with <c>=</c> or spaces cannot
    /// name its own keys (<c>&lt;path&gt;-break</c>): it is skipped with a warning.
    /// </summary>
    public static IReadOnlyList<string> Devices(ConfFile preferences)
    {
        var paths = new List<string>();
        foreach (string path in preferences.GetAll(DeviceKey))
        {
            if (path.Length == 0 || paths.Contains(path, StringComparer.Ordinal))
            {
                continue;
            }

            if (!DevicePathValidator.Instance.IsValid(path))
            {
                preferences.WarnInvalid(DeviceKey, path, DevicePathValidator.Instance.Expected, "nothing (the device is skipped)");
                continue;
            }

            paths.Add(path);
        }

        return paths;
    }

    /// <summary>olad's <c>UartDmxDevice::SetDefaults</c> plus ours (only when present); true when the file changed.</summary>
    public static bool SetDeviceDefaults(ConfFile preferences, string path) => Description.ApplyDeviceDefaults(preferences, path);

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

    private static ConfSetting PerDevice(string suffix, string label, string help, IConfValidator validator, int defaultValue, DefaultPolicy policy) => new()
    {
        Key = suffix,
        Label = label,
        Help = help,
        Kind = SettingKind.Number,
        PerDevice = true,
        Default = defaultValue.ToString(CultureInfo.InvariantCulture),
        Validator = validator,
        Policy = policy,
    };

    /// <summary>A device path that can name its own keys: not empty, no <c>=</c>, no spaces or control characters.</summary>
    private sealed class DevicePathValidator : IConfValidator
    {
        public static DevicePathValidator Instance { get; } = new();

        public string Expected => "a device path such as /dev/ttyAMA0 (no '=' or spaces)";

        public bool IsValid(string value) =>
            value.Length != 0 && !value.Any(c => c == '=' || char.IsWhiteSpace(c) || char.IsControl(c));
    }
}
