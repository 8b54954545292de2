// Licensed under the MIT License. See LICENSE in the repository root.
using System.Collections.Frozen;

namespace OlaSharp.Http.Internal;

/// <summary>The web UI's files, embedded in this assembly under <c>wwwroot/</c> and served from memory.</summary>
internal static class EmbeddedUi
{
    private static readonly FrozenDictionary<string, (byte[] Body, string Type)> s_files = Load();

    public static IEnumerable<string> Paths => s_files.Keys;

    public static IResult Serve(string path) =>
        s_files.TryGetValue(path, out var f) ? Results.Bytes(f.Body, f.Type) : OlaResults.NotFound();

    private static FrozenDictionary<string, (byte[], string)> Load()
    {
        var asm = typeof(EmbeddedUi).Assembly;
        var files = new Dictionary<string, (byte[], string)>(StringComparer.Ordinal);
        foreach (string name in asm.GetManifestResourceNames())
        {
            if (!name.StartsWith("wwwroot/", StringComparison.Ordinal))
            {
                continue;
            }

            using Stream s = asm.GetManifestResourceStream(name)!;
            using var ms = new MemoryStream();
            s.CopyTo(ms);
            string type = Path.GetExtension(name) switch
            {
                ".html" => "text/html; charset=utf-8",
                ".css" => "text/css; charset=utf-8",
                ".js" => "text/javascript; charset=utf-8",
                ".svg" => "image/svg+xml",
                _ => "application/octet-stream",
            };
            files["/" + name["wwwroot/".Length..].Replace('\\', '/')] = (ms.ToArray(), type);
        }

        return files.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
