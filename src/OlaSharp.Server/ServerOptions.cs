// Licensed under the MIT License. See LICENSE in the repository root.
using System.Globalization;
using OlaSharp.Core;

namespace OlaSharp.Server;

/// <summary>
/// Command-line options. Flags follow olad's where olad has one (<c>-c</c>, <c>-l</c>, <c>-p/--http-port</c>,
/// <c>--no-http</c>, <c>-r/--rpc-port</c>); <c>--grpc-port</c>, <c>--bind</c> and <c>--loss-policy</c> are ours.
/// Port 0 picks a free port; the chosen ports are printed in the ready line.
/// </summary>
internal sealed record ServerOptions
{
    public const int DefaultHttpPort = 9090;
    public const int DefaultRpcPort = 9010;
    public const int DefaultGrpcPort = 50051;

    public string? ConfigDir { get; init; }

    public int LogLevel { get; init; } = 2;

    public int HttpPort { get; init; } = DefaultHttpPort;

    public bool NoHttp { get; init; }

    /// <summary>Whether <c>GET /quit</c> stops the server; off by default (olad has it on unless <c>--no-http-quit</c>).</summary>
    public bool HttpQuit { get; init; }

    public int RpcPort { get; init; } = DefaultRpcPort;

    public int GrpcPort { get; init; } = DefaultGrpcPort;

    public IPAddress? Bind { get; init; }

    public LossPolicy? LossPolicy { get; init; }

    public bool ShowHelp { get; init; }

    public bool ShowVersion { get; init; }

    public const string HelpText = """
        Usage: olasharpd [options]
               olasharpd doctor [--root DIR] [--config-dir DIR] [--fix]   (check the Pi's UART setup;
                                 olasharpd doctor --help for more)
               olasharpd release-line [-c DIR]   (drive the UARTs' driver-enable pins to receive and exit:
                                 the systemd unit's ExecStopPost=)

        An OLA-compatible DMX512 server (Art-Net, sACN, gRPC, OLA RPC and HTTP in; merge; Art-Net, sACN, UART out).

          -c, --config-dir DIR   Configuration directory (default: /etc/ola if it exists and is
                                 writable, else ~/.ola; created, with its parents, if missing).
          -l, --log-level N      0 none, 1 fatal, 2 warn (default), 3 info, 4 debug.
          -p, --http-port N      HTTP port (default 9090; 0 picks a free port).
              --no-http          Do not run the HTTP server.
              --http-quit        Let GET /quit stop the server (off by default; olad has it on
                                 unless --no-http-quit). Without it /quit answers 403.
          -r, --rpc-port N       OLA client protocol port on 127.0.0.1 (default 9010; 0 picks).
              --grpc-port N      gRPC port (default 50051; 0 picks).
              --bind ADDR        Address for the HTTP and gRPC listeners (default: HTTP on all
                                 interfaces like olad, gRPC on 127.0.0.1).
              --loss-policy P    What a universe does when its last source goes: hold (default,
                                 as olad), blackout or full; the default for universes without a failsafe
                                 of their own (uni_N_failsafe). Also ola-server.conf universe_loss_policy.
          -v, --version          Print the version and exit.
          -h, --help             Print this help and exit.

        Signals: SIGTERM/SIGINT stop cleanly; SIGHUP reloads the plugins.
        When ready, one line is printed to stdout:
          OLASHARPD_READY {"http":9090,"rpc":null,"grpc":null,"config_dir":"/etc/ola","pid":123}
        (null: that listener is not running).
        """;

    public LogLevel MinimumLevel => LogLevel switch
    {
        0 => Microsoft.Extensions.Logging.LogLevel.None,
        1 => Microsoft.Extensions.Logging.LogLevel.Critical,
        2 => Microsoft.Extensions.Logging.LogLevel.Warning,
        3 => Microsoft.Extensions.Logging.LogLevel.Information,
        _ => Microsoft.Extensions.Logging.LogLevel.Debug,
    };

    /// <summary>Parses argv; returns false with a message on bad input.</summary>
    public static bool TryParse(IReadOnlyList<string> args, out ServerOptions options, out string? error)
    {
        options = new ServerOptions();
        error = null;
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            string? inline = null;
            int eq = arg.StartsWith("--", StringComparison.Ordinal) ? arg.IndexOf('=', StringComparison.Ordinal) : -1;
            if (eq > 0)
            {
                inline = arg[(eq + 1)..];
                arg = arg[..eq];
            }

            string? Value()
            {
                if (inline is not null)
                {
                    return inline;
                }

                if (i + 1 < args.Count)
                {
                    return args[++i];
                }

                return null;
            }

            switch (arg)
            {
                case "-h":
                case "--help":
                    options = options with { ShowHelp = true };
                    break;
                case "-v":
                case "--version":
                    options = options with { ShowVersion = true };
                    break;
                case "--no-http":
                    options = options with { NoHttp = true };
                    break;
                case "--http-quit":
                    options = options with { HttpQuit = true };
                    break;
                case "--no-http-quit":
                    options = options with { HttpQuit = false };
                    break;
                case "-c":
                case "--config-dir":
                    string? dir = Value();
                    if (string.IsNullOrEmpty(dir))
                    {
                        error = $"{arg} needs a directory";
                        return false;
                    }

                    options = options with { ConfigDir = dir };
                    break;
                case "-l":
                case "--log-level":
                case "-p":
                case "--http-port":
                case "-r":
                case "--rpc-port":
                case "--grpc-port":
                    // The integer options: one range check, one message shape.
                    (string what, int max) = arg is "-l" or "--log-level" ? ("a level", 4) : ("a port", 65535);
                    if (!TryInt(Value(), 0, max, out int n))
                    {
                        error = $"{arg} needs {what} 0..{max}";
                        return false;
                    }

                    options = arg switch
                    {
                        "-l" or "--log-level" => options with { LogLevel = n },
                        "-p" or "--http-port" => options with { HttpPort = n },
                        "-r" or "--rpc-port" => options with { RpcPort = n },
                        _ => options with { GrpcPort = n },
                    };
                    break;
                case "--bind":
                    if (!IPAddress.TryParse(Value() ?? string.Empty, out IPAddress? bind))
                    {
                        error = "--bind needs an IP address";
                        return false;
                    }

                    options = options with { Bind = bind };
                    break;
                case "--loss-policy":
                    if (!MergeModeText.TryParseLossPolicy(Value(), out LossPolicy policy))
                    {
                        error = "--loss-policy needs hold, blackout or full";
                        return false;
                    }

                    options = options with { LossPolicy = policy };
                    break;
                default:
                    error = $"unknown option '{args[i]}'";
                    return false;
            }
        }

        return true;
    }

    /// <summary>olad's rule plus ours: /etc/ola if it exists and is writable, else ~/.ola.</summary>
    public static string DefaultConfigDir(string etcOla = "/etc/ola", string? home = null)
    {
        if (Directory.Exists(etcOla) && IsWritable(etcOla))
        {
            return etcOla;
        }

        home ??= Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return Path.Combine(home, ".ola");
    }

    private static bool IsWritable(string dir)
    {
        string probe = Path.Combine(dir, $".olasharpd-probe-{Environment.ProcessId}");
        try
        {
            using (File.Create(probe, 1, FileOptions.DeleteOnClose))
            {
            }

            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static bool TryInt(string? s, int min, int max, out int value) =>
        int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= min && value <= max;
}
