// Licensed under the MIT License. See LICENSE in the repository root.
global using System.Text;
global using Microsoft.AspNetCore.Http;
global using Microsoft.Extensions.Logging;
global using OlaSharp.Core;
global using OlaSharp.Core.Plugins;
global using OlaSharp.Core.Security;
global using OlaSharp.Core.Server;
