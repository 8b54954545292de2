// Licensed under the MIT License. See LICENSE in the repository root.

using OlaSharp.Core.Conf;

namespace OlaSharp.Http;

/// <summary>
/// A settings page for a conf file that is not a plugin's (<c>ola-grpc.conf</c>): shown and changed through
/// <c>/json/plugin_settings?conf=&lt;Id&gt;</c> and <c>/plugin_settings</c> with the same rules as a plugin's.
/// </summary>
public sealed class ConfSettingsPage
{
    /// <summary>The page's id, used as <c>conf=</c> (the conf prefix, e.g. <c>grpc</c>).</summary>
    public required string Id { get; init; }

    /// <summary>The name shown as the page's title.</summary>
    public required string Name { get; init; }

    /// <summary>The file's keys and rules.</summary>
    public required ConfDescription Description { get; init; }

    /// <summary>The conf directory the file is in.</summary>
    public required ConfStore Store { get; init; }

    /// <summary>
    /// Called after the file was written, with it: applies what applies at once (a token) and returns the keys
    /// whose new value waits for a restart of the server.
    /// </summary>
    public required Func<ConfFile, IReadOnlyList<string>> Applied { get; init; }

    /// <summary>The keys whose value in the file is not the one in use (they wait for a restart).</summary>
    public required Func<ConfFile, IReadOnlyList<string>> PendingRestart { get; init; }
}
