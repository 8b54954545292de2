// Licensed under the MIT License. See LICENSE in the repository root.
using OlaSharp.Core.Clock;

namespace OlaSharp.Core.Tests.Clock;

public class RefreshPolicyTests
{
    [Theory]
    [InlineData(0.5)]
    [InlineData(45)]
    [InlineData(double.NaN)]
    public void Ctor_DmxBoundRateOutside1To44_Throws(double hz) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new RefreshPolicy(RefreshMode.Fixed, hz));

    [Fact]
    public void Ctor_NetworkOutput_AllowsAbove44()
    {
        var p = new RefreshPolicy(RefreshMode.Fixed, 100, dmxBound: false);
        Assert.Equal(TimeSpan.FromMilliseconds(10), p.Period);
    }

    [Fact]
    public void Default_Is44HzFixed()
    {
        Assert.Equal(RefreshMode.Fixed, RefreshPolicy.Default.Mode);
        Assert.Equal(44, RefreshPolicy.Default.RateHz);
    }

    [Theory]
    [InlineData("fixed", RefreshMode.Fixed, true)]
    [InlineData("CHANGE", RefreshMode.Change, true)]
    [InlineData(" change ", RefreshMode.Change, true)]
    [InlineData("sometimes", RefreshMode.Fixed, false)]
    [InlineData("1", RefreshMode.Fixed, false)]
    [InlineData("fixed, change", RefreshMode.Fixed, false)]
    [InlineData("", RefreshMode.Fixed, false)]
    [InlineData(null, RefreshMode.Fixed, false)]
    public void TryParseMode_Works(string? text, RefreshMode expected, bool ok)
    {
        Assert.Equal(ok, RefreshPolicy.TryParseMode(text, out RefreshMode m));
        Assert.Equal(expected, m);
    }

    [Theory]
    [InlineData("hold", LossPolicy.Hold, true)]
    [InlineData("BlackOut", LossPolicy.Blackout, true)]
    [InlineData("1", LossPolicy.Hold, false)]
    [InlineData("maybe", LossPolicy.Hold, false)]
    public void TryParseLossPolicy_NamesOnly(string text, LossPolicy expected, bool ok)
    {
        Assert.Equal(ok, MergeModeText.TryParseLossPolicy(text, out LossPolicy p));
        Assert.Equal(expected, p);
    }
}
