// Licensed under the MIT License. See LICENSE in the repository root.
namespace OlaSharp.ArtNet;

/// <summary>How an Art-Net input port merges its two sources (Art-Net 4 "Data merging").</summary>
public enum ArtNetMergeMode
{
    /// <summary>Highest takes precedence, per slot (the Art-Net default and olad's only mode).</summary>
    Htp = 0,

    /// <summary>Latest takes precedence: the newest source's whole frame.</summary>
    Ltp = 1,
}
