// Licensed under the MIT License. See LICENSE in the repository root.

using System.Text;

namespace OlaSharp.Interop;

/// <summary>
/// Collects a process's stdout and stderr as they arrive. Both pipes are read
/// asynchronously, so a chatty process can never block on a full pipe.
/// </summary>
public sealed class ProcessOutput
{
    // Cap per stream so a runaway peer cannot eat the test runner's memory; the tail is what matters.
    private const int MaxChars = 4 * 1024 * 1024;

    private readonly object _lock = new();
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();

    /// <summary>Everything written to stdout so far (newline-terminated lines).</summary>
    public string StandardOutput
    {
        get
        {
            lock (_lock)
            {
                return _stdout.ToString();
            }
        }
    }

    /// <summary>Everything written to stderr so far (newline-terminated lines).</summary>
    public string StandardError
    {
        get
        {
            lock (_lock)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>Waits until stdout holds a line for which <paramref name="predicate"/> is true.</summary>
    /// <param name="predicate">Test applied to each stdout line.</param>
    /// <param name="timeout">Upper bound on the wait.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>True if such a line appeared in time.</returns>
    public async Task<bool> WaitForLineAsync(Func<string, bool> predicate, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var lines = StandardOutput.Split('\n');
            if (lines.Any(predicate))
            {
                return true;
            }

            if (DateTime.UtcNow >= deadline)
            {
                return false;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20), cancellationToken).ConfigureAwait(false);
        }
    }

    internal void AppendOutput(string line) => Append(_stdout, line);

    internal void AppendError(string line) => Append(_stderr, line);

    private void Append(StringBuilder builder, string line)
    {
        lock (_lock)
        {
            builder.Append(line).Append('\n');
            if (builder.Length > MaxChars)
            {
                builder.Remove(0, builder.Length - MaxChars);
            }
        }
    }
}
