// Licensed under the MIT License. See LICENSE in the repository root.
namespace OlaSharp.ArtNet.Internal;

/// <summary>
/// Recognises the echoes of what this node sent: every packet sent where it can come back to us (a broadcast,
/// or our own or a loopback address at our port) is recorded by a hash of its exact bytes; a packet that then
/// arrives from our own address and port is ours only if it matches a recorded send not yet matched, within
/// <see cref="Window"/>. The address alone proves nothing: a console on the same host (QLC+ on the Pi) sends
/// from the same address and port 6454. Each send matches one echo, so a third identical copy is someone else's.
/// Fixed-size ring, no allocation; the clock thread records, the receive thread consumes (one short lock).
/// </summary>
internal sealed class OwnEchoFilter
{
    /// <summary>How long a send waits for its echo; echoes over loopback come back within a millisecond.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(1);

    // Up to 16 output ports x 44 Hz broadcast ArtDmx, plus replies and polls: a few hundred sends per second,
    // whose echoes are matched within milliseconds. 256 entries are far more than can be pending at once.
    private const int Capacity = 256;

    private readonly object _lock = new();
    private readonly long[] _keys = new long[Capacity];
    private readonly long[] _times = new long[Capacity];
    private readonly int[] _counts = new int[Capacity];
    private readonly long _windowTicks;
    private int _next;

    /// <summary>Creates a filter for timestamps of <paramref name="timestampFrequency"/> ticks per second.</summary>
    public OwnEchoFilter(long timestampFrequency)
    {
        _windowTicks = (long)(Window.TotalSeconds * timestampFrequency);
    }

    /// <summary>Notes that <paramref name="packet"/> was sent where it will come back to us.</summary>
    public void Record(ReadOnlySpan<byte> packet, long now)
    {
        long key = Key(packet);
        lock (_lock)
        {
            int i = Find(key, now);
            if (i >= 0)
            {
                _counts[i]++;
                _times[i] = now;
                return;
            }

            i = _next;
            _next = (_next + 1) % Capacity;
            _keys[i] = key;
            _times[i] = now;
            _counts[i] = 1;
        }
    }

    /// <summary>True (and the send is matched) when <paramref name="packet"/> is the echo of a recorded send.</summary>
    public bool TryConsume(ReadOnlySpan<byte> packet, long now)
    {
        long key = Key(packet);
        lock (_lock)
        {
            int i = Find(key, now);
            if (i < 0)
            {
                return false;
            }

            _counts[i]--;
            return true;
        }
    }

    private int Find(long key, long now)
    {
        // Newest first: an echo is almost always of one of the last few sends.
        for (int n = 1; n <= Capacity; n++)
        {
            int i = (_next - n + Capacity) % Capacity;
            if (_counts[i] > 0 && _keys[i] == key && now - _times[i] <= _windowTicks)
            {
                return i;
            }
        }

        return -1;
    }

    // 32-bit content hash (randomly seeded per process, which is fine: it never leaves the process) plus the length.
    private static long Key(ReadOnlySpan<byte> packet)
    {
        var hash = new HashCode();
        hash.AddBytes(packet);
        return ((long)(uint)hash.ToHashCode() << 32) | (uint)packet.Length;
    }
}
