// Licensed under the MIT License. See LICENSE in the repository root.

namespace OlaSharp.Interop;

/// <summary>The outcome of a command run to completion (or killed at its time limit).</summary>
/// <param name="ExitCode">The exit code; -1 when the command was killed at its time limit.</param>
/// <param name="StandardOutput">Everything the command wrote to stdout.</param>
/// <param name="StandardError">Everything the command wrote to stderr.</param>
/// <param name="TimedOut">True when the command did not finish in time and was killed.</param>
public sealed record CommandResult(int ExitCode, string StandardOutput, string StandardError, bool TimedOut)
{
    /// <summary>True when the command finished in time with exit code 0.</summary>
    public bool Succeeded => !TimedOut && ExitCode == 0;

    /// <summary>Throws, with the command's output, unless it <see cref="Succeeded"/>.</summary>
    /// <param name="what">A description of the command for the message.</param>
    /// <returns>This result.</returns>
    public CommandResult EnsureSuccess(string what)
    {
        if (!Succeeded)
        {
            var status = TimedOut ? "timed out" : $"exited {ExitCode}";
            throw new InvalidOperationException(
                $"{what} {status}.{Environment.NewLine}stdout: {StandardOutput.Trim()}{Environment.NewLine}stderr: {StandardError.Trim()}");
        }

        return this;
    }
}
