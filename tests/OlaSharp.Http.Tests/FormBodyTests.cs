// Licensed under the MIT License. See LICENSE in the repository root.
using System.Text;
using Microsoft.Extensions.Primitives;
using OlaSharp.Http.Internal;

namespace OlaSharp.Http.Tests;

public sealed class FormBodyTests
{
    [Fact]
    public void TryParseUrlEncoded_DecodesPlusPercentAndUtf8_KeepsRepeatsAndKeysWithoutValues()
    {
        Assert.True(FormBody.TryParseUrlEncoded("u=1&&name=Front+of+house%20%E2%9C%93&d=1,2&D=3&flag"u8, out Dictionary<string, StringValues> f, out string? error));

        Assert.Null(error);
        Assert.Equal("1", f["u"].ToString());
        Assert.Equal("Front of house \u2713", f["name"].ToString());
        Assert.Equal(new[] { "1,2", "3" }, (string[])f["d"]!);
        Assert.Equal(string.Empty, f["flag"].ToString());
    }

    [Theory]
    [InlineData("d=%zz", "percent")]
    [InlineData("d=50%", "percent")]
    [InlineData("d=%4", "percent")]
    [InlineData("na%g1me=x", "percent")]
    [InlineData("d=%FF", "UTF-8")]
    [InlineData("d=%C3%28", "UTF-8")]
    public void TryParseUrlEncoded_BadEncoding_FailsWithAReason(string body, string reason)
    {
        Assert.False(FormBody.TryParseUrlEncoded(Encoding.ASCII.GetBytes(body), out _, out string? error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParseUrlEncoded_MoreThanMaxFields_Fails()
    {
        string body = string.Join('&', Enumerable.Range(0, FormBody.MaxFields + 1).Select(i => $"k{i}=1"));
        Assert.False(FormBody.TryParseUrlEncoded(Encoding.ASCII.GetBytes(body), out _, out string? error));
        Assert.Contains("fields", error, StringComparison.Ordinal);
        Assert.True(FormBody.TryParseUrlEncoded(Encoding.ASCII.GetBytes(string.Join('&', Enumerable.Range(0, FormBody.MaxFields).Select(i => $"k{i}=1"))), out _, out _));
    }
}
