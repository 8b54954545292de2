// Licensed under the MIT License. See LICENSE in the repository root.
using System.Text;

namespace OlaSharp.Sacn.Internal;

/// <summary>
/// Other sources' universe discovery (E1.31-2018 §8, universe 64214): per CID, its name and the universes
/// on its pages, forgotten when it stops announcing. Pages arrive every 10 s, so this is not a hot path;
/// it allocates only when a source, its name or its page count changes.
/// </summary>
internal sealed class SacnDiscoveryTracker(long timeoutTicks)
{
    private readonly object _lock = new();
    private readonly Dictionary<UInt128, Entry> _sources = [];
    private readonly List<UInt128> _expired = [];

    /// <summary>Number of sources known.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _sources.Count;
            }
        }
    }

    /// <summary>Stores one page (receive thread).</summary>
    public void Receive(in SacnDiscoveryPacket packet, long now)
    {
        lock (_lock)
        {
            if (!_sources.TryGetValue(packet.Cid, out Entry? entry))
            {
                entry = new Entry();
                entry.SetName(packet.SourceName);
                _sources.Add(packet.Cid, entry);
            }
            else if (!packet.SourceName.SequenceEqual(entry.NameBytes))
            {
                entry.SetName(packet.SourceName);
            }

            if (entry.Pages.Length != packet.LastPage + 1)
            {
                // The page count changed: the list is rebuilt from the new pages.
                entry.Pages = new ushort[packet.LastPage + 1][];
            }

            ushort[] page = entry.Pages[packet.Page] is { } old && old.Length == packet.Count ? old : new ushort[packet.Count];
            for (int i = 0; i < page.Length; i++)
            {
                page[i] = packet[i];
            }

            entry.Pages[packet.Page] = page;
            entry.LastSeen = now;
        }
    }

    /// <summary>Forgets sources silent for the timeout (receive thread's timer); returns how many.</summary>
    public int Expire(long now)
    {
        lock (_lock)
        {
            if (_sources.Count == 0)
            {
                return 0;
            }

            _expired.Clear();
            foreach (KeyValuePair<UInt128, Entry> kv in _sources)
            {
                if (now - kv.Value.LastSeen >= timeoutTicks)
                {
                    _expired.Add(kv.Key);
                }
            }

            foreach (UInt128 cid in _expired)
            {
                _sources.Remove(cid);
            }

            return _expired.Count;
        }
    }

    /// <summary>A snapshot, sorted by name then CID (allocates; for APIs).</summary>
    public IReadOnlyList<SacnDiscoveredSource> Snapshot(long now, TimeProvider time)
    {
        lock (_lock)
        {
            var list = new List<SacnDiscoveredSource>(_sources.Count);
            foreach (KeyValuePair<UInt128, Entry> kv in _sources)
            {
                Entry e = kv.Value;
                var universes = new SortedSet<int>();
                bool complete = true;
                foreach (ushort[]? page in e.Pages)
                {
                    if (page is null)
                    {
                        complete = false;
                        continue;
                    }

                    foreach (ushort u in page)
                    {
                        universes.Add(u);
                    }
                }

                list.Add(new SacnDiscoveredSource(kv.Key, SacnRootLayer.FormatCid(kv.Key), e.Name, [.. universes], complete, time.GetElapsedTime(e.LastSeen, now)));
            }

            list.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name) is int c && c != 0 ? c : a.Cid.CompareTo(b.Cid));
            return list;
        }
    }

    private sealed class Entry
    {
        public string Name { get; private set; } = string.Empty;

        public byte[] NameBytes { get; private set; } = [];

        public ushort[]?[] Pages { get; set; } = [];

        public long LastSeen { get; set; }

        public void SetName(ReadOnlySpan<byte> raw)
        {
            NameBytes = raw.ToArray();
            Name = Encoding.UTF8.GetString(raw);
        }
    }
}
