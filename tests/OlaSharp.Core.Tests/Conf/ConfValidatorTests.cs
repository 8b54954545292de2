// Licensed under the MIT License. See LICENSE in the repository root.
using OlaSharp.Core.Conf;

namespace OlaSharp.Core.Tests.Conf;

/// <summary>Validators follow olad/plugin_api/Preferences.cpp and the non-strict StringToInt of OLA 0.10.9.</summary>
public sealed class ConfValidatorTests
{
    [Theory]
    [InlineData("true", true)]
    [InlineData("false", true)]
    [InlineData("TRUE", false)]
    [InlineData("False", false)]
    [InlineData("1", false)]
    [InlineData("", false)]
    [InlineData(" true", false)]
    public void BoolValidator_Value_OnlyExactLowerCase(string value, bool expected)
    {
        Assert.Equal(expected, BoolValidator.Instance.IsValid(value));
    }

    [Theory]
    [InlineData("0", true)]
    [InlineData("127", true)]
    [InlineData("128", false)]
    [InlineData("200", false)]
    [InlineData("-1", false)]
    [InlineData("-0", true)]
    [InlineData("+5", true)]
    [InlineData("3x", true)]
    [InlineData("0x10", true)]
    [InlineData("x3", false)]
    [InlineData("", false)]
    [InlineData("-", false)]
    [InlineData(" 7", true)]
    [InlineData("4294967296", false)]
    [InlineData("99999999999999999999999", false)]
    public void UIntValidator_Value_OlaLenientParseAndRange(string value, bool expected)
    {
        Assert.Equal(expected, new UIntValidator(0, 127).IsValid(value));
    }

    [Fact]
    public void UIntValidator_FullRange_AcceptsUInt32Max()
    {
        Assert.True(new UIntValidator(0, uint.MaxValue).IsValid("4294967295"));
        Assert.False(new UIntValidator(1, 10).IsValid("0"));
    }

    [Theory]
    [InlineData("-5", true)]
    [InlineData("5", true)]
    [InlineData("6", false)]
    [InlineData("-6", false)]
    [InlineData("-5abc", true)]
    [InlineData("abc", false)]
    [InlineData("", false)]
    [InlineData("2147483648", false)]
    public void IntValidator_Value_OlaLenientParseAndRange(string value, bool expected)
    {
        Assert.Equal(expected, new IntValidator(-5, 5).IsValid(value));
    }

    [Fact]
    public void IntValidator_Int32Bounds_Accepted()
    {
        var validator = new IntValidator(int.MinValue, int.MaxValue);

        Assert.True(validator.IsValid("-2147483648"));
        Assert.True(validator.IsValid("2147483647"));
        Assert.False(validator.IsValid("-2147483649"));
    }

    [Fact]
    public void RangeValidators_MinAboveMax_Throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new UIntValidator(5, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => new IntValidator(5, 4));
    }

    [Theory]
    [InlineData("", false, false)]
    [InlineData("", true, true)]
    [InlineData(" ", false, true)]
    [InlineData("OLA - ArtNet node", false, true)]
    public void StringValidator_Value_EmptyOnlyIfAllowed(string value, bool allowEmpty, bool expected)
    {
        Assert.Equal(expected, new StringValidator(allowEmpty).IsValid(value));
    }

    [Fact]
    public void StringValidator_Default_RejectsEmpty()
    {
        Assert.False(new StringValidator().IsValid(string.Empty));
    }

    [Theory]
    [InlineData("0.46", true)]
    [InlineData("0.2", true)]
    [InlineData("0.460", false)]
    [InlineData("", false)]
    [InlineData("HTP", false)]
    public void SetValidator_Value_ExactMemberOnly(string value, bool expected)
    {
        Assert.Equal(expected, new SetValidator("0.46", "0.2").IsValid(value));
    }

    [Theory]
    [InlineData("192.168.1.10", true)]
    [InlineData("0.0.0.0", true)]
    [InlineData("255.255.255.255", true)]
    [InlineData("256.1.1.1", false)]
    [InlineData("1.2.3", false)]
    [InlineData("1.2.3.4.", false)]
    [InlineData("1..2.3", false)]
    [InlineData("1x.2.3.4", true)]
    [InlineData("a.b.c.d", false)]
    [InlineData("eth0", false)]
    [InlineData("-1.2.3.4", false)]
    public void IPv4Validator_Value_FourOctetsUpTo255(string value, bool expected)
    {
        Assert.Equal(expected, new IPv4Validator().IsValid(value));
    }

    [Fact]
    public void IPv4Validator_Empty_DependsOnAllowEmpty()
    {
        Assert.True(new IPv4Validator().IsValid(string.Empty));
        Assert.False(new IPv4Validator(allowEmpty: false).IsValid(string.Empty));
    }
}
