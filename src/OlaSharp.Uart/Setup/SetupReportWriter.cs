// Licensed under the MIT License. See LICENSE in the repository root.
using System.Globalization;
using System.Text.Json;

namespace OlaSharp.Uart.Setup;

/// <summary>Writes a <see cref="SetupReport"/> as the doctor's text and as the setup page's JSON.</summary>
public static class SetupReportWriter
{
    /// <summary>
    /// The text <c>olasharpd doctor</c> prints: a header, then per check <c>[PASS]</c>/<c>[FAIL]</c>/<c>[WARN]</c>/<c>[N/A ]</c>
    /// with the id and title, what was found, and the fix; then a summary line.
    /// </summary>
    public static void WriteText(TextWriter output, SetupReport report)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(report);
        output.WriteLine($"olasharpd doctor: {report.Model}");
        output.WriteLine($"boot config: {report.BootConfig ?? "none"}");
        output.WriteLine();
        foreach (SetupCheck c in report.Checks)
        {
            string tag = c.Outcome switch
            {
                CheckOutcome.Pass => "PASS",
                CheckOutcome.Warn => "WARN",
                CheckOutcome.Fail => "FAIL",
                _ => "N/A ",
            };
            output.WriteLine($"[{tag}] {c.Id}: {c.Title}");
            output.WriteLine($"       found: {c.Found}");
            if (c.Fix.Length > 0 && c.Outcome is CheckOutcome.Fail or CheckOutcome.Warn)
            {
                output.WriteLine($"       fix:   {c.Fix}");
            }
        }

        int failed = report.Checks.Count(c => c.Outcome == CheckOutcome.Fail);
        int warned = report.Checks.Count(c => c.Outcome == CheckOutcome.Warn);
        output.WriteLine();
        output.WriteLine(failed == 0
            ? $"All checks passed ({Count(warned, "warning")})."
            : $"{Count(failed, "check")} failed, {Count(warned, "warning")}. Fix them as shown; '{SetupDoctor.FixCommand}' edits the boot files (config.txt, cmdline.txt) only.");
    }

    /// <summary>
    /// The setup page's JSON object: <c>{"model", "boot_config", "checks": [{"id", "title", "outcome", "found", "fix"}], "ok"}</c>,
    /// outcome one of pass, warn, fail, not_applicable.
    /// </summary>
    public static void WriteJson(Utf8JsonWriter writer, SetupReport report)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(report);
        writer.WriteStartObject();
        writer.WriteString("model", report.Model);
        if (report.BootConfig is null)
        {
            writer.WriteNull("boot_config");
        }
        else
        {
            writer.WriteString("boot_config", report.BootConfig);
        }

        writer.WriteStartArray("checks");
        foreach (SetupCheck c in report.Checks)
        {
            writer.WriteStartObject();
            writer.WriteString("id", c.Id);
            writer.WriteString("title", c.Title);
            writer.WriteString("outcome", SetupCheck.OutcomeText(c.Outcome));
            writer.WriteString("found", c.Found);
            writer.WriteString("fix", c.Fix);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteBoolean("ok", report.Ok);
        writer.WriteEndObject();
    }

    private static string Count(int n, string what) =>
        $"{n.ToString(CultureInfo.InvariantCulture)} {what}{(n == 1 ? string.Empty : "s")}";
}
