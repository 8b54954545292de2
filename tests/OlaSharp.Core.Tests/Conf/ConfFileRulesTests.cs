// Licensed under the MIT License. See LICENSE in the repository root.
using Microsoft.Extensions.Logging;
using OlaSharp.Core.Conf;

namespace OlaSharp.Core.Tests.Conf;

/// <summary>One test per rule of ola-behaviour.md §1.1 (config file format and rewrite rules).</summary>
public sealed class ConfFileRulesTests
{
    [Fact]
    public void Parse_SpaceTabCrLfAroundLine_Trimmed()
    {
        ConfFile file = ConfFile.Parse(" \t net = 5 \t\r\n");

        Assert.Equal("5", file.Get("net"));
        Assert.Equal(1, file.Count);
    }

    [Fact]
    public void Parse_VerticalTabAndFormFeed_NotTrimmed()
    {
        // OLA's StringTrim only strips " \n\r\t".
        ConfFile file = ConfFile.Parse("\vkey = value\f\n");

        Assert.Equal("value\f", file.Get("\vkey"));
    }

    [Fact]
    public void Parse_EmptyAndWhitespaceOnlyLines_Skipped()
    {
        var logger = new ListLogger();

        ConfFile file = ConfFile.Parse("\n   \n\t\r\na = 1\n\n", "x.conf", logger);

        Assert.Equal([new KeyValuePair<string, string>("a", "1")], file.Entries);
        Assert.Empty(logger.Entries);
    }

    [Fact]
    public void Parse_HashComments_SkippedIncludingIndented()
    {
        var logger = new ListLogger();

        ConfFile file = ConfFile.Parse("# a = 1\n   # b = 2\n\t#c\nd = 4\n", "x.conf", logger);

        Assert.Equal([new KeyValuePair<string, string>("d", "4")], file.Entries);
        Assert.Empty(logger.Entries);
    }

    [Fact]
    public void Parse_HashAfterValue_IsPartOfValue()
    {
        ConfFile file = ConfFile.Parse("a = b # x\n");

        Assert.Equal("b # x", file.Get("a"));
    }

    [Fact]
    public void Parse_TwoEqualsSigns_LineSkippedWithWarningNamingFileAndLine()
    {
        var logger = new ListLogger();

        ConfFile file = ConfFile.Parse("a = 1\n# comment\nk = a = b\n", "ola-test.conf", logger);

        Assert.False(file.Contains("k"));
        Assert.Equal("1", file.Get("a"));
        (LogLevel level, EventId id, string message) = Assert.Single(logger.Entries);
        Assert.Equal(LogLevel.Warning, level);
        Assert.Equal(1100, id.Id);
        Assert.Contains("Skipping line 3 of ola-test.conf", message, StringComparison.Ordinal);
        Assert.Contains("k = a = b", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NoEqualsSign_LineSkippedWithWarning()
    {
        var logger = new ListLogger();

        ConfFile file = ConfFile.Parse("just text\r\n", "y.conf", logger);

        Assert.Equal(0, file.Count);
        Assert.Contains("Skipping line 1 of y.conf", Assert.Single(logger.Entries).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_KeyAndValue_TrimmedOnBothSides()
    {
        ConfFile file = ConfFile.Parse("\tlong_name\t=\tTabbed name\t\n");

        Assert.Equal("Tabbed name", file.Get("long_name"));
    }

    [Theory]
    [InlineData("k =\n")]
    [InlineData("k=\n")]
    [InlineData("k = \t\n")]
    public void Parse_KeyWithNothingAfterEquals_EmptyValue(string text)
    {
        ConfFile file = ConfFile.Parse(text);

        Assert.True(file.Contains("k"));
        Assert.Equal(string.Empty, file.Get("k"));
    }

    [Fact]
    public void Parse_NothingBeforeEquals_EmptyKeyKept()
    {
        // olad keeps "= orphan value" as key "" (see the artnet rewrite fixture).
        ConfFile file = ConfFile.Parse("= orphan value\n");

        Assert.Equal("orphan value", file.Get(string.Empty));
    }

    [Fact]
    public void Parse_KeysDifferingInCase_AreDistinct()
    {
        ConfFile file = ConfFile.Parse("net = 1\nNet = 9\n");

        Assert.Equal("1", file.Get("net"));
        Assert.Equal("9", file.Get("Net"));
        Assert.Null(file.Get("NET"));
    }

    [Fact]
    public void Serialize_UnknownKeys_Kept()
    {
        ConfFile file = ConfFile.Parse("zz_unknown = keep me\nenabled = true\n");

        Assert.Equal("enabled = true\nzz_unknown = keep me\n", file.Serialize());
    }

    [Fact]
    public void Parse_LoneCarriageReturn_DoesNotEndLine()
    {
        // std::getline splits on '\n' only: "a = 1\rb = 2" is one line with two '=' and is skipped.
        ConfFile file = ConfFile.Parse("a = 1\rb = 2\n");

        Assert.Equal(0, file.Count);
    }

    [Fact]
    public void Parse_LastLineWithoutNewline_Read()
    {
        ConfFile file = ConfFile.Parse("a = 1\nb = 2");

        Assert.Equal("2", file.Get("b"));
    }

    [Fact]
    public void Get_DuplicateKey_ReturnsFirstOccurrence()
    {
        ConfFile file = ConfFile.Parse("net = 5\nnet = 2\n");

        Assert.Equal("5", file.Get("net"));
    }

    [Fact]
    public void GetAll_MultiValuedKey_ReturnsAllInFileOrder()
    {
        ConfFile file = ConfFile.Parse("device = /dev/ttyUSB0\nenabled = false\ndevice = /dev/ttyAMA0\ndevice = \n");

        Assert.Equal(["/dev/ttyUSB0", "/dev/ttyAMA0", string.Empty], file.GetAll("device"));
        Assert.Empty(file.GetAll("missing"));
    }

    [Fact]
    public void Set_KeyWithCopies_ErasesAllCopiesAndAddsOne()
    {
        ConfFile file = ConfFile.Parse("device = a\ndevice = b\nx = 1\n");

        file.Set("device", "c");

        Assert.Equal(["c"], file.GetAll("device"));
        Assert.Equal("device = c\nx = 1\n", file.Serialize());
    }

    [Fact]
    public void Add_ExistingKey_AppendsCopyAfterExisting()
    {
        ConfFile file = ConfFile.Parse("device = a\n");

        file.Add("device", "b");
        file.Add("aaa", "first");

        Assert.Equal(["a", "b"], file.GetAll("device"));
        Assert.Equal("aaa = first\ndevice = a\ndevice = b\n", file.Serialize());
    }

    [Fact]
    public void Remove_KeyWithCopies_RemovesAllAndReportsWhetherPresent()
    {
        ConfFile file = ConfFile.Parse("device = a\ndevice = b\nx = 1\n");

        Assert.True(file.Remove("device"));
        Assert.False(file.Remove("device"));
        Assert.False(file.Contains("device"));
        Assert.Equal(1, file.Count);
    }

    [Theory]
    [InlineData("true", false, true)]
    [InlineData("false", true, false)]
    [InlineData("TRUE", false, false)]
    [InlineData("True", true, true)]
    [InlineData("1", false, false)]
    [InlineData("yes", true, true)]
    [InlineData("", true, true)]
    public void GetBool_Value_OnlyExactTrueOrFalseCount(string value, bool defaultValue, bool expected)
    {
        ConfFile file = ConfFile.Parse($"enabled = {value}\n");

        Assert.Equal(expected, file.GetBool("enabled", defaultValue));
    }

    [Fact]
    public void GetBool_MissingKey_ReturnsDefault()
    {
        var file = new ConfFile();

        Assert.True(file.GetBool("enabled", true));
        Assert.False(file.GetBool("enabled", false));
    }

    [Fact]
    public void SetDefaultValue_UpperCaseTrue_ReplacedByDefault()
    {
        ConfFile file = ConfFile.Parse("enabled = TRUE\n");

        bool changed = file.SetDefaultValue("enabled", BoolValidator.Instance, "true");

        Assert.True(changed);
        Assert.Equal("true", file.Get("enabled"));
    }

    [Fact]
    public void SetDefaultValue_MissingKey_InsertedAndReportsChange()
    {
        var file = new ConfFile();

        Assert.True(file.SetDefaultValue("use_loopback", BoolValidator.Instance, "false"));
        Assert.Equal("false", file.Get("use_loopback"));
    }

    [Fact]
    public void SetDefaultValue_InvalidValue_ReplacedByDefault()
    {
        ConfFile file = ConfFile.Parse("net = 200\n");

        Assert.True(file.SetDefaultValue("net", new UIntValidator(0, 127), "0"));
        Assert.Equal("0", file.Get("net"));
    }

    [Fact]
    public void SetDefaultValue_ValidValue_UnchangedAndReportsNoChange()
    {
        ConfFile file = ConfFile.Parse("net = 5\n");

        Assert.False(file.SetDefaultValue("net", new UIntValidator(0, 127), "0"));
        Assert.Equal("net = 5\n", file.Serialize());
    }

    [Fact]
    public void SetDefaultValue_FirstCopyValid_LaterInvalidCopiesKept()
    {
        ConfFile file = ConfFile.Parse("subnet = 5\nsubnet = 99\n");

        Assert.False(file.SetDefaultValue("subnet", new UIntValidator(0, 15), "0"));
        Assert.Equal(["5", "99"], file.GetAll("subnet"));
    }

    [Fact]
    public void SetDefaultValue_FirstCopyInvalid_AllCopiesReplacedByDefault()
    {
        // olad 0.10.9: uartdmx "device =" then two real devices becomes just the default device.
        ConfFile file = ConfFile.Parse("device =\ndevice = /dev/ttyUSB0\ndevice = /dev/ttyAMA0\n");

        Assert.True(file.SetDefaultValue("device", new StringValidator(), "/dev/ttyACM0"));
        Assert.Equal(["/dev/ttyACM0"], file.GetAll("device"));
    }

    [Fact]
    public void Serialize_UnsortedInput_KeysByteSortedDuplicatesInFileOrder()
    {
        ConfFile file = ConfFile.Parse("zeta = 1\nb = 2\nB = 3\nb = 1\n_x = 4\n10 = 5\n");

        Assert.Equal("10 = 5\nB = 3\n_x = 4\nb = 2\nb = 1\nzeta = 1\n", file.Serialize());
    }

    [Fact]
    public void Serialize_NonAsciiKeys_SortedByUtf8Bytes()
    {
        // U+1F600 is a surrogate pair in UTF-16 (sorts before U+E000 ordinally) but F0 9F.. in UTF-8 (after EE 80 80).
        ConfFile file = ConfFile.Parse("\U0001F600 = emoji\n\uE000 = private\n\u00E9 = e-acute\nz = ascii\n");

        Assert.Equal(["z", "\u00E9", "\uE000", "\U0001F600"], file.Entries.Select(e => e.Key));
    }

    [Fact]
    public void Serialize_CommentsAndBlankLines_Dropped()
    {
        ConfFile file = ConfFile.Parse("# header\n\nb = 2\n# middle\na = 1\n");

        Assert.Equal("a = 1\nb = 2\n", file.Serialize());
    }

    [Fact]
    public void Serialize_EmptyValue_KeepsSpaceAfterEquals()
    {
        ConfFile file = ConfFile.Parse("ip =\n");

        Assert.Equal("ip = \n", file.Serialize());
    }

    [Fact]
    public void Serialize_EmptyFile_EmptyString()
    {
        Assert.Equal(string.Empty, new ConfFile().Serialize());
    }

    [Fact]
    public void GetInt_LenientLikeOla_ParsesLeadingNumber()
    {
        ConfFile file = ConfFile.Parse("a = 42\nb = 3x\nc = -7\nd = x3\ne =\n");

        Assert.Equal(42, file.GetInt("a"));
        Assert.Equal(3, file.GetInt("b"));
        Assert.Equal(-7, file.GetInt("c"));
        Assert.Null(file.GetInt("d"));
        Assert.Null(file.GetInt("e"));
        Assert.Null(file.GetInt("missing"));
    }

    [Theory]
    [InlineData("name", "a\nb = c")]
    [InlineData("name", "a\rb")]
    [InlineData("na=me", "x")]
    [InlineData("na\nme", "x")]
    public void Set_LineBreakOrEqualsInKey_Throws(string key, string value)
    {
        var file = new ConfFile();

        Assert.Throws<ArgumentException>(() => file.Set(key, value));
        Assert.Throws<ArgumentException>(() => file.Add(key, value));
        Assert.Equal(0, file.Count);
    }

    [Fact]
    public void Set_EqualsInValue_WrittenButSkippedOnReload()
    {
        // Same as olad: the value is written, and the line is dropped on the next load.
        var file = new ConfFile();
        file.Set("uni_1_name", "a=b");

        ConfFile reloaded = ConfFile.Parse(file.Serialize());

        Assert.Equal("uni_1_name = a=b\n", file.Serialize());
        Assert.False(reloaded.Contains("uni_1_name"));
    }

    [Fact]
    public void Entries_CastToList_CannotBeModified()
    {
        ConfFile file = ConfFile.Parse("a = 1\n");

        var asList = Assert.IsAssignableFrom<IList<KeyValuePair<string, string>>>(file.Entries);
        Assert.Throws<NotSupportedException>(() => asList.Add(new KeyValuePair<string, string>("b", "2")));
    }
}
