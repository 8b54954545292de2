// Licensed under the MIT License. See LICENSE in the repository root.
global using System.Buffers.Binary;
global using System.Net;
global using OlaSharp.Core;
global using OlaSharp.Core.Plugins;
global using OlaSharp.Core.Stats;
global using OlaSharp.Sacn.Packets;
