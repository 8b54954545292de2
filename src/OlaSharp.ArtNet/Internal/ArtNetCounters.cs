// Licensed under the MIT License. See LICENSE in the repository root.
namespace OlaSharp.ArtNet.Internal;

/// <summary>Counters of an Art-Net node (fields, updated with Interlocked).</summary>
internal sealed class ArtNetCounters
{
#pragma warning disable SA1401, CA1051 // Counters are fields so they can be incremented with Interlocked.
    public long Received;
    public long Malformed;
    public long Unknown;
    public long DmxReceived;
    public long DmxLate;
    public long DmxThirdSource;
    public long PollsReceived;
    public long RepliesReceived;
    public long SyncReceived;
    public long DmxSent;
    public long DmxSuppressed;
    public long PollsSent;
    public long RepliesSent;
    public long SyncSent;
    public long SendErrors;
#pragma warning restore SA1401, CA1051
}
