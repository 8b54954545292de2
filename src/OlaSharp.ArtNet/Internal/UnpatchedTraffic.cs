// Licensed under the MIT License. See LICENSE in the repository root.
using System.Globalization;

namespace OlaSharp.ArtNet.Internal;

/// <summary>
/// ArtDmx arriving for Port-Addresses no input port listens to, per (Port-Address, sender): the list the
/// web UI shows and the reason for one log line per pair. The classic case is QLC+, whose universe 1 sends
/// Port-Address 0:0:0 while OLA's universe 1 listens on 0:0:1. Bounded (<see cref="MaxEntries"/>; spoofed
/// senders cannot grow it), entries go <see cref="Expiry"/> after their traffic stops. Fixed arrays: recording
/// allocates nothing. The receive thread records; readers take a snapshot under the same lock.
/// </summary>
internal sealed class UnpatchedTraffic
{
    /// <summary>Most (Port-Address, sender) pairs listed at once.</summary>
    public const int MaxEntries = 32;

    /// <summary>An entry goes this long after its last packet.</summary>
    public static readonly TimeSpan Expiry = TimeSpan.FromSeconds(30);

    private readonly object _lock = new();
    private readonly Entry[] _entries = new Entry[MaxEntries];
    private readonly ArtNetOptions _options;
    private readonly long _frequency;
    private readonly long _expiryTicks;

    public UnpatchedTraffic(ArtNetOptions options, long timestampFrequency)
    {
        _options = options;
        _frequency = timestampFrequency;
        _expiryTicks = (long)(Expiry.TotalSeconds * timestampFrequency);
    }

    /// <summary>Counts one packet; true when the pair is new (the caller tells the user once).</summary>
    public bool Record(int portAddress, uint ip, long now)
    {
        lock (_lock)
        {
            int free = -1;
            for (int i = 0; i < _entries.Length; i++)
            {
                ref Entry e = ref _entries[i];
                if (!e.InUse)
                {
                    free = free < 0 ? i : free;
                    continue;
                }

                if (e.PortAddress == portAddress && e.Ip == ip)
                {
                    e.Packets++;
                    e.LastSeen = now;
                    return false;
                }
            }

            if (free < 0)
            {
                return false; // full: counted by the caller's counter, not listed
            }

            _entries[free] = new Entry { InUse = true, PortAddress = portAddress, Ip = ip, Packets = 1, LastSeen = now };
            return true;
        }
    }

    /// <summary>Drops entries silent for <see cref="Expiry"/>, and those whose Port-Address is now listened to.</summary>
    public void Expire(long now, Func<int, bool> isPatched)
    {
        lock (_lock)
        {
            for (int i = 0; i < _entries.Length; i++)
            {
                ref Entry e = ref _entries[i];
                if (e.InUse && (now - e.LastSeen >= _expiryTicks || isPatched(e.PortAddress)))
                {
                    e.InUse = false;
                }
            }
        }
    }

    /// <summary>The current entries, most packets first (allocates; for the API, not the hot path).</summary>
    public IReadOnlyList<UnpatchedArtDmx> Snapshot(long now)
    {
        var list = new List<UnpatchedArtDmx>();
        lock (_lock)
        {
            foreach (Entry e in _entries)
            {
                if (e.InUse && now - e.LastSeen < _expiryTicks)
                {
                    string sender = ArtNetNode.FormatIp(e.Ip);
                    int? universe = SuggestedUniverse(e.PortAddress);
                    list.Add(new UnpatchedArtDmx(
                        e.PortAddress,
                        ArtNetInputPort.FormatAddress(e.PortAddress),
                        sender,
                        e.Packets,
                        TimeSpan.FromSeconds((double)(now - e.LastSeen) / _frequency),
                        universe,
                        Advice(e.PortAddress, sender)));
                }
            }
        }

        list.Sort((a, b) => b.Packets.CompareTo(a.Packets));
        return list;
    }

    /// <summary>The lowest OLA universe whose Port-Address is <paramref name="portAddress"/> with the current net, subnet and mapping; null if none.</summary>
    public int? SuggestedUniverse(int portAddress)
    {
        int baseAddress = ((_options.Net & 0x7F) << 8) | ((_options.Subnet & 0x0F) << 4);
        if (_options.Mapping == UniverseMapping.Direct)
        {
            return portAddress >= baseAddress ? portAddress - baseAddress : null;
        }

        return (portAddress & ~0x0F) == baseAddress ? portAddress & 0x0F : null;
    }

    /// <summary>What the user can do, in words (for the log line and the web UI).</summary>
    public string Advice(int portAddress, string sender)
    {
        string address = ArtNetInputPort.FormatAddress(portAddress);
        string head = $"Art-Net universe {address} arrives from {sender} but no input port listens to it";
        int? universe = SuggestedUniverse(portAddress);
        if (universe is null)
        {
            return string.Create(
                CultureInfo.InvariantCulture,
                $"{head}: its Net/Sub-Net is {portAddress >> 8}/{(portAddress >> 4) & 0x0F}, ours is {_options.Net}/{_options.Subnet}; set net and subnet in ola-artnet.conf, or change the sender's universe");
        }

        string fix = string.Create(CultureInfo.InvariantCulture, $"{head}: patch an ArtNet input port to universe {universe} to receive it");
        if (_options.Mapping == UniverseMapping.Ola && (portAddress & 0x0F) == 0)
        {
            int listened = _options.PortAddress(1);
            fix += string.Create(
                CultureInfo.InvariantCulture,
                $", or set the sender's Art-Net universe to {ArtNetInputPort.FormatAddress(listened)} for OLA universe 1 (QLC+ sends its universe 1 as 0:0:0 unless its Art-Net output universe is set to 1)");
        }

        return fix;
    }

    private struct Entry
    {
        public bool InUse;
        public int PortAddress;
        public uint Ip;
        public long Packets;
        public long LastSeen;
    }
}
