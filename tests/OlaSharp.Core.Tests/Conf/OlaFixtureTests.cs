// Licensed under the MIT License. See LICENSE in the repository root.
using OlaSharp.Core.Conf;

namespace OlaSharp.Core.Tests.Conf;

/// <summary>Byte-exact comparisons with files written by a real olad 0.10.9 (see Fixtures/ola/README.md).</summary>
public sealed class OlaFixtureTests
{
    private const string ArtNetNodeName = "OLA - ArtNet node";

    public static TheoryData<string> FreshFiles()
    {
        var data = new TheoryData<string>();
        foreach (string path in Directory.GetFiles(Path.Combine(OlaFixtures.Root, "fresh"), "*.conf").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(path));
        }

        return data;
    }

    [Fact]
    public void FreshFixtures_RequiredFiles_Present()
    {
        string[] required =
        [
            "ola-artnet.conf", "ola-e131.conf", "ola-uartdmx.conf", "ola-universe.conf",
            "ola-port.conf", "ola-server.conf", "ola-dummy.conf", "ola-usbserial.conf",
        ];

        foreach (string name in required)
        {
            Assert.True(File.Exists(OlaFixtures.Fresh(name)), name);
        }
    }

    [Theory]
    [MemberData(nameof(FreshFiles))]
    public void ParseSerialize_FreshOladFile_ReproducesBytes(string name)
    {
        byte[] expected = File.ReadAllBytes(OlaFixtures.Fresh(name));
        var logger = new ListLogger();

        ConfFile file = ConfFile.Parse(OlaFixtures.ReadText(OlaFixtures.Fresh(name)), name, logger);
        byte[] actual = new System.Text.UTF8Encoding(false).GetBytes(file.Serialize());

        Assert.NotEqual(0, file.Count);
        Assert.Empty(logger.Entries);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void LoadSave_FreshUsbSerial_MultiValuedKeyKeptInOrder()
    {
        using var dir = new TempDir();
        string path = dir.File("ola-usbserial.conf");
        File.Copy(OlaFixtures.Fresh("ola-usbserial.conf"), path);

        ConfFile file = ConfFile.Load(path);
        file.Save(path);

        Assert.Equal(["ttyUSB", "cu.usbserial-", "ttyU"], file.GetAll("device_prefix"));
        Assert.Equal(File.ReadAllBytes(OlaFixtures.Fresh("ola-usbserial.conf")), File.ReadAllBytes(path));
    }

    [Fact]
    public void Rewrite_ArtNetInput_MatchesOladOutputBytes()
    {
        var logger = new ListLogger();
        ConfFile file = ConfFile.Load(OlaFixtures.Rewrite("artnet.in.conf"), logger);

        bool changed = ApplyArtNetDefaults(file);

        Assert.True(changed);
        Assert.Equal(ReadBytes("artnet.olad.conf"), Utf8(file.Serialize()));

        // olad logged "Skipping line" for exactly these two lines; we say it in one line for the file.
        Assert.Single(logger.Entries, e => e.Message.Contains("Skipping 2 lines of", StringComparison.Ordinal) && e.Message.Contains("(lines 10, 11); the first: line 10: k = a = b", StringComparison.Ordinal));

        // And, unlike olad, each value replaced by its default is said once (issue 13 defect 6).
        Assert.Single(logger.Entries, e => e.Message.EndsWith("enabled = 'TRUE' is not true or false; using 'true'", StringComparison.Ordinal));
        Assert.Single(logger.Entries, e => e.Message.EndsWith("net = '200' is not an integer 0..127; using '0'", StringComparison.Ordinal));
        Assert.Equal(3, logger.Entries.Count);
    }

    [Theory]
    [InlineData("uartdmx-valid", false)]
    [InlineData("uartdmx-invalid-enabled", true)]
    [InlineData("uartdmx-empty-first-device", true)]
    public void Rewrite_UartDmxInput_MatchesOladOutputBytes(string name, bool expectChanged)
    {
        string inputPath = OlaFixtures.Rewrite(name + ".in.conf");
        ConfFile file = ConfFile.Load(inputPath);

        // olad only saves a plugin file when a default was applied; otherwise the input stays as written.
        bool changed = ApplyUartDmxDefaults(file);
        byte[] result = changed ? Utf8(file.Serialize()) : File.ReadAllBytes(inputPath);

        Assert.Equal(expectChanged, changed);
        Assert.Equal(ReadBytes(name + ".olad.conf"), result);
    }

    // Plugin::LoadPreferences (enabled) then ArtNetPlugin::SetDefaultPreferences, olad 0.10.9.
    private static bool ApplyArtNetDefaults(ConfFile file)
    {
        bool changed = file.SetDefaultValue("enabled", BoolValidator.Instance, "true");
        changed |= file.SetDefaultValue("ip", new StringValidator(allowEmpty: true), string.Empty);
        changed |= file.SetDefaultValue("short_name", new StringValidator(), ArtNetNodeName);
        changed |= file.SetDefaultValue("long_name", new StringValidator(), ArtNetNodeName);
        changed |= file.SetDefaultValue("net", new UIntValidator(0, 127), "0");
        changed |= file.SetDefaultValue("subnet", new UIntValidator(0, 15), "0");
        changed |= file.SetDefaultValue("output_ports", new UIntValidator(0, 16), "4");
        changed |= file.SetDefaultValue("always_broadcast", BoolValidator.Instance, "false");
        changed |= file.SetDefaultValue("use_limited_broadcast", BoolValidator.Instance, "false");
        changed |= file.SetDefaultValue("use_loopback", BoolValidator.Instance, "false");
        return changed;
    }

    // Plugin::LoadPreferences (enabled, default off) then UartDmxPlugin::SetDefaultPreferences, olad 0.10.9.
    private static bool ApplyUartDmxDefaults(ConfFile file)
    {
        bool changed = file.SetDefaultValue("enabled", BoolValidator.Instance, "false");
        changed |= file.SetDefaultValue("device", new StringValidator(), "/dev/ttyACM0");
        return changed;
    }

    private static byte[] ReadBytes(string name) => File.ReadAllBytes(OlaFixtures.Rewrite(name));

    private static byte[] Utf8(string text) => new System.Text.UTF8Encoding(false).GetBytes(text);
}
