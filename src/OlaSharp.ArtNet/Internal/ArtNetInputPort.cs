// Licensed under the MIT License. See LICENSE in the repository root.
using System.Globalization;
using OlaSharp.Core;

namespace OlaSharp.ArtNet.Internal;

/// <summary>
/// An OLA input port: receives ArtDmx for its Port-Address (an Art-Net "output" port), merges up to two
/// senders per Art-Net 4 and feeds the universe as one source. The merger owns the senders' expiry (10 s,
/// Art-Net 4); the universe source has no timeout of its own and leaves the universe when the last sender
/// goes. The merger is under <see cref="MergedInputPort.StateLock"/>; the universe is updated after it is
/// released (<see cref="MergedInputPort"/>).
/// </summary>
internal sealed class ArtNetInputPort : MergedInputPort
{
    private readonly ArtNetDevice _device;
    private readonly ArtNetMerger _merger;
    private volatile int _portAddress = -1;
    private bool _held;

    public ArtNetInputPort(ArtNetDevice device, int index, ArtNetOptions options, long timestampFrequency)
        : base(device, index, string.Empty)
    {
        _device = device;
        _merger = new ArtNetMerger(options.MergeTimeout, timestampFrequency) { Mode = options.MergeMode };
        Description = "ArtNet Input port";
    }

    /// <summary>The Port-Address while patched, else -1.</summary>
    public int PortAddress => _portAddress;

    /// <summary>True while two senders merge.</summary>
    public bool IsMerging
    {
        get
        {
            lock (StateLock)
            {
                return _merger.IsMerging;
            }
        }
    }

    /// <inheritdoc />
    protected override string SourceKind => "artnet";

    /// <summary>
    /// Its senders one by one (at most two, Art-Net 4): the IP as id and address, the name from the node's
    /// ArtPollReply when one was heard ("short / long", or one of them when they match), else empty.
    /// </summary>
    public override IReadOnlyList<SenderInfo> DescribeSenders()
    {
        var found = new List<(uint Ip, int Length, long Packets, long LastSeen)>(ArtNetMerger.MaxSources);
        lock (StateLock)
        {
            _merger.ForEachSource(found, static (list, ip, length, packets, lastSeen) => list.Add((ip, length, packets, lastSeen)));
        }

        TimeProvider time = _device.Node.Time;
        long now = time.GetTimestamp();
        var senders = new List<SenderInfo>(found.Count);
        foreach ((uint ip, int length, long packets, long lastSeen) in found)
        {
            string address = string.Create(CultureInfo.InvariantCulture, $"{ip >> 24}.{(ip >> 16) & 0xFF}.{(ip >> 8) & 0xFF}.{ip & 0xFF}");
            string name = _device.Node.TryGetNodeNames(ip, out string shortName, out string longName) ? NodeName(shortName, longName) : string.Empty;
            senders.Add(new SenderInfo(address, name, address, OlaSharp.Core.Priority.Default, false, length, packets, time.GetElapsedTime(lastSeen, now)));
        }

        return senders;
    }

    internal static string NodeName(string shortName, string longName) =>
        longName.Length == 0 || longName == shortName ? shortName
        : shortName.Length == 0 || longName.StartsWith(shortName, StringComparison.Ordinal) ? longName
        : $"{shortName} / {longName}";

    /// <summary>A packet for this port's address (receive thread).</summary>
    public void Receive(uint ip, byte sequence, ReadOnlySpan<byte> data, long now, bool hold, CounterTable counters)
    {
        bool mergingStarted;
        lock (StateLock)
        {
            if (_portAddress < 0)
            {
                return;
            }

            bool wasMerging = _merger.IsMerging;
            switch (_merger.Accept(ip, sequence, data, now))
            {
                case MergeOutcome.LateSequence:
                    counters.Increment(ArtNetCounters.DmxLate);
                    return;
                case MergeOutcome.ThirdSourceIgnored:
                    counters.Increment(ArtNetCounters.DmxThirdSource);
                    return;
            }

            mergingStarted = !wasMerging && _merger.IsMerging;
            _held = hold;
            if (!hold)
            {
                RequestPublishLocked();
            }
        }

        Flush();
        if (mergingStarted)
        {
            _device.PortsChanged();
        }
    }

    /// <summary>Publishes data held for ArtSync.</summary>
    public void ReleaseHeld()
    {
        lock (StateLock)
        {
            if (!_held || _portAddress < 0)
            {
                return;
            }

            _held = false;
            RequestPublishLocked();
        }

        Flush();
    }

    /// <summary>Drops senders past the merge timeout and publishes what remains.</summary>
    public void Expire(long now)
    {
        lock (StateLock)
        {
            if (_portAddress < 0)
            {
                return;
            }

            int before = _merger.SourceCount;
            if (_merger.Expire(now))
            {
                if (!_held)
                {
                    RequestPublishLocked();
                }
            }
            else if (before > 0 && _merger.SourceCount == 0)
            {
                // The last sender went silent: the port's source leaves the universe, which re-merges the rest.
                _held = false;
                RequestPublishLocked();
            }
        }

        Flush();
    }

    // The merged frame (an empty one once the last sender has gone: the source leaves the universe).
    protected override int MergeLocked(Span<byte> levels, Span<byte> slotPriorities, out int? priority, out bool perSlot)
    {
        priority = null;
        perSlot = false;
        if (_merger.SourceCount == 0)
        {
            return 0;
        }

        ReadOnlySpan<byte> merged = _merger.Merged;
        merged.CopyTo(levels);
        return merged.Length;
    }

    /// <inheritdoc />
    protected override void OnPatched(Universe universe)
    {
        ArgumentNullException.ThrowIfNull(universe);
        int address = _device.Options.PortAddress(universe.Id);
        int old;
        lock (StateLock)
        {
            _merger.Reset();
            _held = false;
            ResetPublishLocked();
            old = _portAddress;
            _portAddress = address;
        }

        _device.Node.InputIndex.Move(this, old, address);
        Description = $"ArtNet Universe {FormatAddress(address)}";
        _device.PortsChanged();
    }

    /// <inheritdoc />
    protected override void OnUnpatched(Universe universe)
    {
        int old;
        lock (StateLock)
        {
            old = _portAddress;
            _portAddress = -1;
            _merger.Reset();
            _held = false;
            ResetPublishLocked();
        }

        _device.Node.InputIndex.Move(this, old, -1);
        base.OnUnpatched(universe);
        Description = "ArtNet Input port";
        _device.PortsChanged();
    }

    internal static string FormatAddress(int address) => $"{address >> 8}:{(address >> 4) & 0x0F}:{address & 0x0F}";
}
