// Licensed under the MIT License. See LICENSE in the repository root.
namespace OlaSharp.Uart.Setup;

/// <summary>The result of one setup check.</summary>
public enum CheckOutcome
{
    /// <summary>As it should be.</summary>
    Pass,

    /// <summary>Works, but worth a look (the fix says what).</summary>
    Warn,

    /// <summary>The line will not work until this is fixed.</summary>
    Fail,

    /// <summary>Does not apply here (another Pi model, or a check of the running system on a mounted card).</summary>
    NotApplicable,
}

/// <summary>
/// One check of the Pi's UART setup: a stable <paramref name="Id"/>, a <paramref name="Title"/>, the
/// <paramref name="Outcome"/>, what was <paramref name="Found"/>, and the exact <paramref name="Fix"/> (a file and
/// the line to add or remove, or a command; empty when nothing is to be done).
/// </summary>
public sealed record SetupCheck(string Id, string Title, CheckOutcome Outcome, string Found, string Fix)
{
    /// <summary>The outcome as the JSON and the text output spell it: pass, warn, fail, not_applicable.</summary>
    public static string OutcomeText(CheckOutcome outcome) => outcome switch
    {
        CheckOutcome.Pass => "pass",
        CheckOutcome.Warn => "warn",
        CheckOutcome.Fail => "fail",
        _ => "not_applicable",
    };
}

/// <summary>
/// Everything <c>olasharpd doctor</c> found: the model line, the boot config in use (null when none was
/// found), the checks in order, and whether none failed.
/// </summary>
public sealed record SetupReport(string Model, string? BootConfig, IReadOnlyList<SetupCheck> Checks)
{
    /// <summary>True when no check failed (warnings and not-applicable checks do not count).</summary>
    public bool Ok => Checks.All(c => c.Outcome != CheckOutcome.Fail);

    /// <summary>The check with <paramref name="id"/>.</summary>
    public SetupCheck this[string id] => Checks.First(c => c.Id == id);
}
