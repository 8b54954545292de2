// Licensed under the MIT License. See LICENSE in the repository root.
global using System.Buffers.Binary;
global using System.Net;
global using System.Net.Sockets;
global using Microsoft.Extensions.Logging;
global using OlaSharp.Core.Standby;
