// Licensed under the MIT License. See LICENSE in the repository root.
global using Microsoft.Extensions.Logging;
global using OlaSharp.Core.Clock;
global using OlaSharp.Core.Conf;
