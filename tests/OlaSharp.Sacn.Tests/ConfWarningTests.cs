// Licensed under the MIT License. See LICENSE in the repository root.
using Microsoft.Extensions.Logging;
using OlaSharp.Core.Conf;

namespace OlaSharp.Sacn.Tests;

/// <summary>
/// Issue 13 defect 6: every value of <c>ola-e131.conf</c> that is not used as written gets one warning
/// naming the file, key, bad value and what is used instead.
/// </summary>
public sealed class ConfWarningTests
{
    [Fact]
    public void ApplyDefaults_AbsurdValueForEveryKey_OneWarningPerKey()
    {
        var log = new RecordingLogger();
        ConfFile conf = ConfFile.Parse(
            "cid = not-a-uuid\ndraft_discovery = maybe\ndscp = 64\nignore_preview = no\ninput_ports = 4097\n" +
            "output_ports = x5\nprepend_hostname = False\nrevision = 1.0\noutput_hz = 0\nsync_address = 64000\n" +
            "per_address_priority = 2\n",
            "ola-e131.conf",
            log);

        Assert.True(SacnPlugin.ApplyDefaults(conf));

        string cid = conf.Get("cid")!;
        Assert.Equal(
            new[]
            {
                $"ola-e131.conf: cid = 'not-a-uuid' is not a UUID; using a new one, '{cid}'",
                "ola-e131.conf: draft_discovery = 'maybe' is not true or false; using 'false'",
                "ola-e131.conf: dscp = '64' is not an integer 0..63; using '0'",
                "ola-e131.conf: ignore_preview = 'no' is not true or false; using 'true'",
                "ola-e131.conf: input_ports = '4097' is not an integer 0..4096; using '5'",
                "ola-e131.conf: output_hz = '0' is not an integer 1..44; using '44'",
                "ola-e131.conf: output_ports = 'x5' is not an integer 0..4096; using '5'",
                "ola-e131.conf: per_address_priority = '2' is not true or false; using 'true'",
                "ola-e131.conf: prepend_hostname = 'False' is not true or false; using 'true'",
                "ola-e131.conf: revision = '1.0' is not one of 0.2, 0.46; using '0.46'",
                "ola-e131.conf: sync_address = '64000' is not an integer 0..63999; using '0'",
            },
            log.Warnings.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void OptionsFrom_BadDestinationsAndPortSyncAddress_OneWarningPerKey()
    {
        var log = new RecordingLogger();
        ConfFile conf = ConfFile.Parse(
            "output_ports = 2\nunicast_destinations = 127.0.0.9, nonsense, 300.1.1.1\noutput_1_unicast = host.example\noutput_0_sync_address = 70000\n",
            "ola-e131.conf",
            log);
        SacnPlugin.ApplyDefaults(conf);
        log.Clear();

        SacnOptions options = SacnPlugin.OptionsFrom(conf, System.Net.IPAddress.Loopback, "host", "OLA Server");

        Assert.Single(options.UnicastDestinations);
        Assert.Empty(options.PortSyncAddresses);
        Assert.Equal(
            new[]
            {
                "ola-e131.conf: output_0_sync_address = '70000' is not an integer 0..63999; using sync_address",
                "ola-e131.conf: output_1_unicast = 'host.example' is not a list of IPv4 a.b.c.d[:port]; using no destination (skipping host.example)",
                "ola-e131.conf: unicast_destinations = '127.0.0.9, nonsense, 300.1.1.1' is not a list of IPv4 a.b.c.d[:port]; using 127.0.0.9:5568 (skipping nonsense, 300.1.1.1)",
            },
            log.Warnings.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void PickInterface_NoSuchInterface_OneWarningNamingWhatIsUsed()
    {
        var log = new RecordingLogger();
        ConfFile conf = ConfFile.Parse("ip = no-such-interface\n", "ola-e131.conf", log);

        System.Net.IPAddress? address = SacnPlugin.PickInterface(conf);

        string warning = Assert.Single(log.Warnings);
        Assert.StartsWith("ola-e131.conf: ip = 'no-such-interface' is not a non-loopback IPv4 address or interface name of this host; using ", warning, StringComparison.Ordinal);
        Assert.EndsWith(address is null ? "no interface" : $"({address})", warning, StringComparison.Ordinal);
    }

    internal sealed class RecordingLogger : ILogger
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

        public void Clear()
        {
            lock (_warnings)
            {
                _warnings.Clear();
            }
        }

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
