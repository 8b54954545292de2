// Licensed under the MIT License. See LICENSE in the repository root.

namespace OlaSharp.ArtNet.Internal;

/// <summary>What <see cref="ArtNetMerger.Accept"/> did with a packet.</summary>
internal enum MergeOutcome
{
    /// <summary>Accepted; <see cref="ArtNetMerger.Merged"/> holds the new result.</summary>
    Accepted = 0,

    /// <summary>Two sources are live; a third is ignored (Art-Net 4: merging is limited to two).</summary>
    ThirdSourceIgnored = 1,

    /// <summary>The sequence number is a duplicate or arrived late.</summary>
    LateSequence = 2,
}
