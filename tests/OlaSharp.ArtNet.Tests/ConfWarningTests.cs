// Licensed under the MIT License. See LICENSE in the repository root.
using Microsoft.Extensions.Logging;
using OlaSharp.Core.Conf;
using OlaSharp.Udp;

namespace OlaSharp.ArtNet.Tests;

/// <summary>
/// Issue 13 defect 6: every value of <c>ola-artnet.conf</c> that is not used as written gets one warning
/// naming the file, key, bad value and what is used instead (olad said nothing for most of them).
/// </summary>
public sealed class ConfWarningTests
{
    [Fact]
    public void ApplyDefaults_AbsurdValueForEveryKey_OneWarningPerKey()
    {
        var log = new RecordingLogger();
        ConfFile conf = ConfFile.Parse(
            "short_name = \nlong_name = \nnet = 128\nsubnet = -1\noutput_ports = 99999999999999999999\n" +
            "always_broadcast = yes\nuse_limited_broadcast = 1\nuse_loopback = TRUE\ninput_ports = 513\n" +
            "merge_mode = HTP\nsend_artsync = on\nuniverse_mapping = flat\noutput_hz = 45\n",
            "ola-artnet.conf",
            log);

        Assert.True(ArtNetPlugin.ApplyDefaults(conf));

        Assert.Equal(
            new[]
            {
                "ola-artnet.conf: always_broadcast = 'yes' is not true or false; using 'false'",
                "ola-artnet.conf: input_ports = '513' is not an integer 0..512; using '4'",
                "ola-artnet.conf: long_name = '' is not a non-empty text; using 'OLA - ArtNet node'",
                "ola-artnet.conf: merge_mode = 'HTP' is not one of htp, ltp; using 'htp'",
                "ola-artnet.conf: net = '128' is not an integer 0..127; using '0'",
                "ola-artnet.conf: output_hz = '45' is not an integer 1..44; using '44'",
                "ola-artnet.conf: output_ports = '99999999999999999999' is not an integer 0..16; using '4'",
                "ola-artnet.conf: send_artsync = 'on' is not true or false; using 'false'",
                "ola-artnet.conf: short_name = '' is not a non-empty text; using 'OLA - ArtNet node'",
                "ola-artnet.conf: subnet = '-1' is not an integer 0..15; using '0'",
                "ola-artnet.conf: universe_mapping = 'flat' is not one of direct, ola; using 'ola'",
                "ola-artnet.conf: use_limited_broadcast = '1' is not true or false; using 'false'",
                "ola-artnet.conf: use_loopback = 'TRUE' is not true or false; using 'false'",
            },
            log.Warnings.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void PickInterface_IpNotOnThisHost_OneWarningNamingWhatIsUsed()
    {
        // olad: "Could not convert address"; we said nothing and took another interface.
        var log = new RecordingLogger();
        ConfFile conf = ConfFile.Parse("ip = 999.999.1.1\nuse_loopback = true\n", "ola-artnet.conf", log);

        InterfaceChoice? nic = ArtNetPlugin.PickInterface(conf);

        string warning = Assert.Single(log.Warnings);
        Assert.StartsWith("ola-artnet.conf: ip = '999.999.1.1' is not an IPv4 address or interface name of this host; using ", warning, StringComparison.Ordinal);
        Assert.EndsWith(nic is null ? "no interface" : $"{nic.Name} ({nic.Address})", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void PickInterface_LoopbackByAddressOrName_NoWarning()
    {
        var log = new RecordingLogger();
        InterfaceChoice? byAddress = ArtNetPlugin.PickInterface(ConfFile.Parse("ip = 127.0.0.1\nuse_loopback = true\n", "ola-artnet.conf", log));
        Assert.NotNull(byAddress);
        ArtNetPlugin.PickInterface(ConfFile.Parse($"ip = {byAddress.Name}\nuse_loopback = true\n", "ola-artnet.conf", log));
        Assert.Empty(log.Warnings);
    }

    private sealed class RecordingLogger : ILogger
    {
        private readonly List<string> _warnings = [];

        public IReadOnlyList<string> Warnings
        {
            get
            {
                lock (_warnings)
                {
                    return [.. _warnings];
                }
            }
        }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel >= LogLevel.Warning)
            {
                lock (_warnings)
                {
                    _warnings.Add(formatter(state, exception));
                }
            }
        }
    }
}
