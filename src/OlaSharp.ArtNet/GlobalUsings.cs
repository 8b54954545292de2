// Licensed under the MIT License. See LICENSE in the repository root.
global using System.Buffers.Binary;
global using System.Net;
global using OlaSharp.ArtNet.Packets;
global using OlaSharp.Core.Plugins;
global using OlaSharp.Core.Stats;
