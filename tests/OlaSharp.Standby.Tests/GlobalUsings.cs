// Licensed under the MIT License. See LICENSE in the repository root.
global using System.Net;
global using OlaSharp.Core.Standby;
