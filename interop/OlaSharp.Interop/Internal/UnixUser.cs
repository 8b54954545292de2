// Licensed under the MIT License. See LICENSE in the repository root.

using System.Collections.Concurrent;
using System.Globalization;

namespace OlaSharp.Interop.Internal;

/// <summary>A passwd entry, looked up through getent so NSS sources count too.</summary>
internal sealed record UnixUser(string Name, uint Uid, uint Gid, string Home)
{
    private static readonly ConcurrentDictionary<string, UnixUser> s_cache = new(StringComparer.Ordinal);

    public static UnixUser Lookup(string name)
    {
        return s_cache.GetOrAdd(name, static n =>
        {
            var result = ProcessRunner.Run(Peers.Require("getent", "libc-bin"), ["passwd", n], TimeSpan.FromSeconds(10));
            if (result.ExitCode != 0)
            {
                throw new InvalidOperationException($"User '{n}' does not exist (getent passwd {n} exited {result.ExitCode}).");
            }

            // name:password:uid:gid:gecos:home:shell
            var fields = result.StandardOutput.Trim().Split(':');
            if (fields.Length < 7)
            {
                throw new InvalidOperationException($"Cannot parse passwd entry for '{n}': {result.StandardOutput.Trim()}");
            }

            return new UnixUser(
                fields[0],
                uint.Parse(fields[2], CultureInfo.InvariantCulture),
                uint.Parse(fields[3], CultureInfo.InvariantCulture),
                fields[5]);
        });
    }
}
