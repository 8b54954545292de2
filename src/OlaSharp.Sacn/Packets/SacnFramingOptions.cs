// Licensed under the MIT License. See LICENSE in the repository root.
namespace OlaSharp.Sacn.Packets;

/// <summary>Options byte of the E1.31 data framing layer (E1.31-2018 §6.2.6).</summary>
[Flags]
internal enum SacnFramingOptions : byte
{
    /// <summary>No option.</summary>
    None = 0,

    /// <summary>Force_Synchronization: without sync, hold the last data instead of reverting to free run.</summary>
    ForceSynchronization = 0x20,

    /// <summary>Stream_Terminated: the source stops sending this universe.</summary>
    StreamTerminated = 0x40,

    /// <summary>Preview_Data: for visualisers, not for live output.</summary>
    Preview = 0x80,
}
