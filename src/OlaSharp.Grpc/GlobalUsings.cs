// Licensed under the MIT License. See LICENSE in the repository root.
global using Grpc.Core;
global using Microsoft.Extensions.Logging;
global using OlaSharp.Core.Server;
global using OlaSharp.Core.Stats;
