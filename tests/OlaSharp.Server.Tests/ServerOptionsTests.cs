// Licensed under the MIT License. See LICENSE in the repository root.
using System.Net;
using OlaSharp.Core;

namespace OlaSharp.Server.Tests;

public class ServerOptionsTests
{
    [Fact]
    public void TryParse_NoArgs_GivesOladDefaults()
    {
        Assert.True(ServerOptions.TryParse([], out ServerOptions o, out _));
        Assert.Equal(9090, o.HttpPort);
        Assert.Equal(9010, o.RpcPort);
        Assert.Equal(50051, o.GrpcPort);
        Assert.Equal(2, o.LogLevel);
        Assert.False(o.NoHttp);
        Assert.Null(o.ConfigDir);
        Assert.Null(o.Bind);
    }

    [Fact]
    public void TryParse_AllFlags_ShortLongAndInline()
    {
        Assert.True(ServerOptions.TryParse(
            ["-c", "/tmp/x", "-l", "4", "-p", "0", "--rpc-port=0", "--grpc-port", "1234", "--bind", "127.0.0.1", "--no-http", "--loss-policy", "blackout"],
            out ServerOptions o,
            out string? error), error);
        Assert.Equal("/tmp/x", o.ConfigDir);
        Assert.Equal(4, o.LogLevel);
        Assert.Equal(0, o.HttpPort);
        Assert.Equal(0, o.RpcPort);
        Assert.Equal(1234, o.GrpcPort);
        Assert.Equal(IPAddress.Loopback, o.Bind);
        Assert.True(o.NoHttp);
        Assert.Equal(LossPolicy.Blackout, o.LossPolicy);
    }

    [Theory]
    [InlineData("-l", "5")]
    [InlineData("-l", "x")]
    [InlineData("--http-port", "70000")]
    [InlineData("--http-port", "-1")]
    [InlineData("--bind", "not-an-ip")]
    [InlineData("--loss-policy", "maybe")]
    [InlineData("--frobnicate", "1")]
    public void TryParse_BadInput_FailsWithMessage(string flag, string value)
    {
        Assert.False(ServerOptions.TryParse([flag, value], out _, out string? error));
        Assert.False(string.IsNullOrWhiteSpace(error));
    }

    [Fact]
    public void TryParse_FlagMissingValue_Fails()
    {
        Assert.False(ServerOptions.TryParse(["-c"], out _, out string? error));
        Assert.Contains("-c", error);
    }

    [Fact]
    public void DefaultConfigDir_EtcOlaWritable_IsUsed()
    {
        string dir = Directory.CreateTempSubdirectory("olas-etc-").FullName;
        try
        {
            Assert.Equal(dir, ServerOptions.DefaultConfigDir(dir, "/home/nobody"));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void DefaultConfigDir_EtcOlaMissing_FallsBackToHomeDotOla()
    {
        Assert.Equal("/home/someone/.ola", ServerOptions.DefaultConfigDir("/nonexistent/ola", "/home/someone"));
    }

    [Theory]
    [InlineData(0, Microsoft.Extensions.Logging.LogLevel.None)]
    [InlineData(1, Microsoft.Extensions.Logging.LogLevel.Critical)]
    [InlineData(2, Microsoft.Extensions.Logging.LogLevel.Warning)]
    [InlineData(3, Microsoft.Extensions.Logging.LogLevel.Information)]
    [InlineData(4, Microsoft.Extensions.Logging.LogLevel.Debug)]
    public void MinimumLevel_MapsOladLevels(int level, Microsoft.Extensions.Logging.LogLevel expected) =>
        Assert.Equal(expected, new ServerOptions { LogLevel = level }.MinimumLevel);
}
