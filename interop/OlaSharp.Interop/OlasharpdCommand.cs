// Licensed under the MIT License. See LICENSE in the repository root.
namespace OlaSharp.Interop;

/// <summary>
/// How an interop test runs olasharpd: <c>dotnet olasharpd.dll</c> (the JIT build copied next to the tests) or,
/// when the environment variable <c>OLASHARPD_NATIVE</c> names a file, that native (AOT) binary, so the same
/// tests check the build the package ships (.ci/run runs them both ways).
/// </summary>
public static class OlasharpdCommand
{
    /// <summary>The environment variable naming a native olasharpd to test instead of the JIT build.</summary>
    public const string NativeVariable = "OLASHARPD_NATIVE";

    /// <summary>The native binary under test, or null for the JIT build.</summary>
    public static string? Native { get; } = FindNative();

    /// <summary>The JIT build next to the tests.</summary>
    public static string Dll => Path.Combine(AppContext.BaseDirectory, "olasharpd.dll");

    /// <summary>The program to start: the native binary, or the dotnet host running the tests.</summary>
    public static string FileName => Native ?? DotnetHost;

    /// <summary>The program's arguments: <paramref name="args"/>, after the dll for the JIT build.</summary>
    public static string[] Arguments(params string[] args) => Native is null ? [Dll, .. args] : args;

    /// <summary>The whole command line (program first), for wrappers such as <c>env</c> or <c>runuser</c>.</summary>
    public static string[] CommandLine(params string[] args) => [FileName, .. Arguments(args)];

    private static string DotnetHost =>
        Environment.ProcessPath is string host && Path.GetFileName(host) == "dotnet" ? host : Peers.Require("dotnet", "dotnet-sdk-10.0");

    private static string? FindNative()
    {
        string? path = Environment.GetEnvironmentVariable(NativeVariable);
        if (string.IsNullOrEmpty(path))
        {
            return null;
        }

        return File.Exists(path) ? Path.GetFullPath(path) : throw new FileNotFoundException($"{NativeVariable}={path}: no such file", path);
    }
}
