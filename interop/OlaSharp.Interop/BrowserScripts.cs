// Licensed under the MIT License. See LICENSE in the repository root.
namespace OlaSharp.Interop;

/// <summary>The playwright-core scripts in <c>interop/clients/browser</c>, which drive Debian's Chromium.</summary>
public static class BrowserScripts
{
    /// <summary>The scripts' folder.</summary>
    public static string Directory => Path.Combine(NodeModules.RepoRoot(), "interop", "clients", "browser");

    /// <summary>The full path of a script in <see cref="Directory"/>.</summary>
    /// <param name="name">File name, e.g. <c>wait-for.js</c>.</param>
    /// <returns>Its absolute path.</returns>
    public static string Script(string name) => Path.Combine(Directory, name);

    /// <summary>Installs the scripts' locked node_modules once (see <see cref="NodeModules"/>).</summary>
    /// <returns>A task that completes when playwright-core and axe-core are in place.</returns>
    /// <remarks>The marker is the newest dependency (axe-core), so a node_modules from before it was added is reinstalled.</remarks>
    public static Task EnsureNodeModulesAsync() => NodeModules.EnsureAsync(Directory, "axe-core");
}
