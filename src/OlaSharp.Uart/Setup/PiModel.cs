// Licensed under the MIT License. See LICENSE in the repository root.
namespace OlaSharp.Uart.Setup;

/// <summary>Which UART rules a board follows.</summary>
public enum PiFamily
{
    /// <summary>No <c>/proc/device-tree/model</c>, or it does not name a Raspberry Pi.</summary>
    NotAPi,

    /// <summary>Pi 3 class (BCM2837: 3B, 3B+, 3A+, CM3, CM3+, Zero 2 W): Bluetooth on the PL011 by default.</summary>
    Pi3,

    /// <summary>Pi 4 class (BCM2711: 4B, 400, CM4, CM4S): Bluetooth on the PL011 by default.</summary>
    Pi4,

    /// <summary>Pi 5 class (BCM2712 + RP1: 5, 500, CM5): GPIO 14/15 is RP1 UART0, off by default.</summary>
    Pi5,

    /// <summary>An older or unknown Raspberry Pi (1, 2, Zero, Zero W): checked with the Pi 3/4 rules.</summary>
    OtherPi,
}

/// <summary>
/// The board, from <c>/proc/device-tree/model</c> (a NUL-terminated string such as
/// <c>Raspberry Pi 4 Model B Rev 1.4</c>), and the config.txt model filters it sees (raspberrypi/documentation
/// <c>config_txt/conditional.adoc</c>: a Pi 400 sees <c>[pi4]</c> and <c>[pi400]</c>, a CM5 <c>[pi5]</c> and <c>[cm5]</c>, ...).
/// </summary>
public sealed record PiModel(string? Text, PiFamily Family, IReadOnlySet<string> Filters)
{
    /// <summary>No model file.</summary>
    public static PiModel None { get; } = new(null, PiFamily.NotAPi, new HashSet<string>());

    /// <summary>A short name for messages: "Pi 3", "Pi 4", "Pi 5", "Raspberry Pi", "not a Raspberry Pi".</summary>
    public string ShortName => Family switch
    {
        PiFamily.Pi3 => "Pi 3",
        PiFamily.Pi4 => "Pi 4",
        PiFamily.Pi5 => "Pi 5",
        PiFamily.OtherPi => "Raspberry Pi",
        _ => "not a Raspberry Pi",
    };

    /// <summary>Whether the PL011 on GPIO 14/15 is shared with Bluetooth by default (Pi 3/4 class and the wireless Zeros).</summary>
    public bool HasBluetoothOnPl011 => Family is PiFamily.Pi3 or PiFamily.Pi4
        || (Family == PiFamily.OtherPi && Text is not null && Text.Contains("Zero W", StringComparison.Ordinal));

    /// <summary>The gpiochip label that carries the header's GPIO lines (the chip is chosen by label, never by number).</summary>
    public string? GpioChipLabel => Family switch
    {
        PiFamily.Pi5 => "pinctrl-rp1",
        PiFamily.Pi4 => "pinctrl-bcm2711",
        PiFamily.Pi3 or PiFamily.OtherPi => "pinctrl-bcm2835",
        _ => null,
    };

    /// <summary>Parses the model file's bytes (trailing NULs and whitespace dropped).</summary>
    public static PiModel Parse(string? text)
    {
        if (text is null)
        {
            return None;
        }

        text = text.TrimEnd('\0', ' ', '\n', '\r', '\t');
        var filters = new HashSet<string>(StringComparer.Ordinal);
        const string Prefix = "Raspberry Pi ";
        if (!text.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return new PiModel(text, PiFamily.NotAPi, filters);
        }

        string rest = text[Prefix.Length..];
        bool plus = rest.Contains("Plus", StringComparison.Ordinal);
        PiFamily family;
        if (rest.StartsWith("Compute Module ", StringComparison.Ordinal))
        {
            string cm = rest["Compute Module ".Length..];
            family = cm.StartsWith('5') ? PiFamily.Pi5 : cm.StartsWith('4') ? PiFamily.Pi4 : cm.StartsWith('3') ? PiFamily.Pi3 : PiFamily.OtherPi;
            switch (family)
            {
                case PiFamily.Pi5:
                    filters.UnionWith(["pi5", "cm5"]);
                    break;
                case PiFamily.Pi4:
                    filters.UnionWith(["pi4", cm.StartsWith("4S", StringComparison.Ordinal) ? "cm4s" : "cm4"]);
                    break;
                case PiFamily.Pi3:
                    filters.UnionWith(plus ? ["pi3", "pi3+", "cm3", "cm3+"] : ["pi3", "cm3"]);
                    break;
                default:
                    filters.UnionWith(cm.StartsWith('0') ? ["pi0", "pi02", "cm0"] : ["pi1", "cm1"]);
                    break;
            }
        }
        else if (rest.StartsWith("500", StringComparison.Ordinal))
        {
            family = PiFamily.Pi5;
            filters.UnionWith(["pi5", "pi500"]);
        }
        else if (rest.StartsWith("400", StringComparison.Ordinal))
        {
            family = PiFamily.Pi4;
            filters.UnionWith(["pi4", "pi400"]);
        }
        else if (rest.StartsWith("5 ", StringComparison.Ordinal))
        {
            family = PiFamily.Pi5;
            filters.Add("pi5");
        }
        else if (rest.StartsWith("4 ", StringComparison.Ordinal))
        {
            family = PiFamily.Pi4;
            filters.Add("pi4");
        }
        else if (rest.StartsWith("3 ", StringComparison.Ordinal))
        {
            family = PiFamily.Pi3;
            filters.UnionWith(plus ? ["pi3", "pi3+"] : ["pi3"]);
        }
        else if (rest.StartsWith("Zero 2", StringComparison.Ordinal))
        {
            // BCM2710A1: the Pi 3's SoC, Bluetooth on the PL011 as on a Pi 3.
            family = PiFamily.Pi3;
            filters.UnionWith(["pi0", "pi0w", "pi02"]);
        }
        else
        {
            family = PiFamily.OtherPi;
            if (rest.StartsWith("Zero", StringComparison.Ordinal))
            {
                filters.UnionWith(rest.StartsWith("Zero W", StringComparison.Ordinal) ? ["pi0", "pi0w"] : ["pi0"]);
            }
            else if (rest.StartsWith("2 ", StringComparison.Ordinal))
            {
                filters.Add("pi2");
            }
            else
            {
                filters.Add("pi1");
            }
        }

        return new PiModel(text, family, filters);
    }

    /// <summary>A model named on the command line (<c>--model pi3|pi4|pi5</c>) for a card without <c>/proc</c>.</summary>
    public static PiModel? FromOption(string value) => value switch
    {
        "pi3" => Parse("Raspberry Pi 3 Model B (from --model)"),
        "pi4" => Parse("Raspberry Pi 4 Model B (from --model)"),
        "pi5" => Parse("Raspberry Pi 5 Model B (from --model)"),
        _ => null,
    };
}
