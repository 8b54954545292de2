// Licensed under the MIT License. See LICENSE in the repository root.
using OlaSharp.Uart.Setup;

namespace OlaSharp.Server;

/// <summary>
/// <c>olasharpd doctor [--root DIR] [--config-dir DIR] [--user NAME] [--model pi3|pi4|pi5] [--fix]</c>: checks the
/// Raspberry Pi's UART setup (<see cref="SetupDoctor"/>) and prints each check with its fix. Exit 0 when no check
/// fails, 1 when one does (or --fix could not write), 2 on bad arguments.
/// </summary>
internal static class DoctorCommand
{
    public const string HelpText = """
        Usage: olasharpd doctor [options]

        Checks the Raspberry Pi's setup for DMX on the UART (GPIO 14/15, /dev/ttyAMA0) and prints each
        check with pass/fail, what was found and the exact fix. Exit status 0 when nothing fails, 1 when
        a check fails, 2 on bad arguments.

              --root DIR         Read the boot files, /etc and /proc/device-tree/model under DIR (an SD
                                 card mounted on another machine); the checks of the running system
                                 (device node, holders, baud rate, GPIO line) are then not applicable.
          -c, --config-dir DIR   OLA conf dir (default: DIR/etc/ola with --root; else /etc/ola if it
                                 exists, else the server's default).
              --user NAME        The service user to check, when no olasharpd unit under /etc/systemd
                                 names one with User= (default: the current user).
              --model M          pi3, pi4 or pi5: the board, for a card without /proc/device-tree/model.
              --fix              Edit the boot files only: add the missing config.txt lines under [all]
                                 and remove the serial console from cmdline.txt, each backed up beside
                                 itself (FILE.olasharpd-bak) first. A reboot is needed afterwards.
                                 Services and groups are never changed: their commands are printed.
          -h, --help             Print this help and exit.
        """;

    public static int Run(IReadOnlyList<string> args, TextWriter output, TextWriter errors)
    {
        string? root = null, configDir = null, user = null;
        PiModel? model = null;
        bool fix = false;
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            string? inline = null;
            int eq = arg.StartsWith("--", StringComparison.Ordinal) ? arg.IndexOf('=', StringComparison.Ordinal) : -1;
            if (eq > 0)
            {
                (arg, inline) = (arg[..eq], arg[(eq + 1)..]);
            }

            string? Value() => inline ?? (i + 1 < args.Count ? args[++i] : null);

            switch (arg)
            {
                case "-h":
                case "--help":
                    output.WriteLine(HelpText);
                    return 0;
                case "--fix":
                    fix = true;
                    break;
                case "--root":
                    root = Value();
                    if (string.IsNullOrEmpty(root) || !Directory.Exists(root))
                    {
                        return Usage(errors, $"--root needs an existing directory{(string.IsNullOrEmpty(root) ? string.Empty : $" ({root} is not one)")}");
                    }

                    break;
                case "-c":
                case "--config-dir":
                    configDir = Value();
                    if (string.IsNullOrEmpty(configDir))
                    {
                        return Usage(errors, $"{arg} needs a directory");
                    }

                    break;
                case "--user":
                    user = Value();
                    if (string.IsNullOrEmpty(user))
                    {
                        return Usage(errors, "--user needs a user name");
                    }

                    break;
                case "--model":
                    model = PiModel.FromOption(Value() ?? string.Empty);
                    if (model is null)
                    {
                        return Usage(errors, "--model needs pi3, pi4 or pi5");
                    }

                    break;
                default:
                    return Usage(errors, $"unknown doctor option '{args[i]}'");
            }
        }

        var options = new SetupOptions
        {
            Root = root is null ? "/" : Path.GetFullPath(root),
            RunningSystem = root is null,
            ConfigDir = Path.GetFullPath(configDir ?? (root is not null ? Path.Join(root, "etc/ola") : Directory.Exists("/etc/ola") ? "/etc/ola" : ServerOptions.DefaultConfigDir())),
            User = user,
            Model = model,
        };

        SetupReport report;
        if (fix)
        {
            IReadOnlyList<string> actions;
            try
            {
                (actions, report) = SetupDoctor.Fix(options);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                errors.WriteLine($"olasharpd doctor: --fix could not write the boot files: {ex.Message} (run it with sudo)");
                return 1;
            }

            if (actions.Count == 0)
            {
                output.WriteLine("--fix: the boot files need no change.");
            }
            else
            {
                foreach (string action in actions)
                {
                    output.WriteLine($"--fix: {action}");
                }

                output.WriteLine("--fix: reboot for the changes to take effect (sudo reboot).");
            }

            output.WriteLine();
        }
        else
        {
            report = SetupDoctor.Run(options);
        }

        SetupReportWriter.WriteText(output, report);
        return report.Ok ? 0 : 1;
    }

    private static int Usage(TextWriter errors, string message)
    {
        errors.WriteLine($"olasharpd doctor: {message}\nTry 'olasharpd doctor --help'.");
        return 2;
    }
}
