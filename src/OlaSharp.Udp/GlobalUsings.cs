// Licensed under the MIT License. See LICENSE in the repository root.
global using System.Net;
global using System.Net.Sockets;
