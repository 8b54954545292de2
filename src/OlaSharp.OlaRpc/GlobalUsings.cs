// Licensed under the MIT License. See LICENSE in the repository root.
global using System.Buffers;
global using Google.Protobuf;
global using Microsoft.Extensions.Logging;
global using OlaSharp.Core.Server;
global using OlaSharp.Core.Stats;
global using OlaSharp.OlaRpc.Protocol;
