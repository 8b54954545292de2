// Licensed under the MIT License. See LICENSE in the repository root.
namespace OlaSharp.Standby.Interop.Tests;

/// <summary>One test at a time: each runs two servers, a console and a receiver, and measures take-over times.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class StandbyInteropCollection
{
    public const string Name = "StandbyInterop";
}
