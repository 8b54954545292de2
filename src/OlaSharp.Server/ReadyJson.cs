// Licensed under the MIT License. See LICENSE in the repository root.
using System.Text.Json.Serialization;

namespace OlaSharp.Server;

/// <summary>Source-generated JSON for the ready line (the app is trimmed-friendly and reflection-free).</summary>
[JsonSerializable(typeof(Dictionary<string, object?>))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(string))]
internal sealed partial class ReadyJson : JsonSerializerContext;
