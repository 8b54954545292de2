// Licensed under the MIT License. See LICENSE in the repository root.
namespace OlaSharp.Core.Plugins;

/// <summary>OLA's plugin ids (ola.proto PluginIds); kept so the RPC and HTTP APIs expose the same numbers.</summary>
public static class PluginIds
{
    /// <summary>All plugins (a filter value).</summary>
    public const int All = 0;

    /// <summary>The dummy plugin.</summary>
    public const int Dummy = 1;

    /// <summary>Art-Net.</summary>
    public const int ArtNet = 2;

    /// <summary>E1.31 (sACN).</summary>
    public const int E131 = 11;

    /// <summary>Native UART DMX.</summary>
    public const int UartDmx = 20;

    /// <summary>Our gRPC API, outside OLA's range (OLA's own ids stop at 24; experimental was 10000).</summary>
    public const int Grpc = 10001;
}

/// <summary>Priority support of a port (olad PortConstants.h values).</summary>
public enum PriorityCapability
{
    /// <summary>No priority.</summary>
    None = 0,

    /// <summary>A configured value only.</summary>
    Static = 1,

    /// <summary>Static or inherited from the protocol (E1.31).</summary>
    Full = 2,
}

/// <summary>Where a port's priority comes from (olad PortConstants.h values).</summary>
public enum PriorityMode
{
    /// <summary>From the protocol (input) or the universe (output).</summary>
    Inherit = 0,

    /// <summary>The configured value.</summary>
    Static = 1,
}
