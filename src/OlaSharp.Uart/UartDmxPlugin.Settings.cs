// Licensed under the MIT License. See LICENSE in the repository root.
using OlaSharp.Core.Conf;

namespace OlaSharp.Uart;

// The settings page's description of ola-uartdmx.conf (the rules are UartConf's, written once there).
public sealed partial class UartDmxPlugin : IConfDescribed
{
    /// <inheritdoc />
    public ConfDescription ConfDescription => UartConf.Description;
}
