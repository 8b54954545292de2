// Licensed under the MIT License. See LICENSE in the repository root.

namespace OlaSharp.Interop.Tests;

/// <summary>
/// Every interop test runs in this one collection, one test at a time: they create namespaces,
/// start olad and bind fixed protocol ports inside them.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class InteropCollection
{
    public const string Name = "Interop";
}
