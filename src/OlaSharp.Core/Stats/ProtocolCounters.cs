// Licensed under the MIT License. See LICENSE in the repository root.
namespace OlaSharp.Core.Stats;

/// <summary>What a <see cref="ProtocolCounter"/> counts.</summary>
public enum ProtocolCounterKind
{
    /// <summary>Packets or requests received (valid or not).</summary>
    Received = 0,

    /// <summary>Input that failed to parse: bad framing, lengths, vectors, versions.</summary>
    Malformed = 1,

    /// <summary>Valid input not used; <see cref="ProtocolCounter.Reason"/> says why.</summary>
    Dropped = 2,

    /// <summary>Packets or messages sent.</summary>
    Sent = 3,

    /// <summary>Sends that failed.</summary>
    SendErrors = 4,
}

/// <summary>One monotonic counter of a protocol endpoint, read for <c>/metrics</c>.</summary>
/// <param name="Protocol">Protocol label (<c>artnet</c>, <c>e131</c>, <c>olarpc</c>, <c>grpc</c>, <c>http</c>).</param>
/// <param name="Kind">What is counted.</param>
/// <param name="Reason">For <see cref="ProtocolCounterKind.Dropped"/> the reason (<c>out_of_sequence</c>, ...), else a packet type or empty.</param>
/// <param name="Value">The count since the server started.</param>
public readonly record struct ProtocolCounter(string Protocol, ProtocolCounterKind Kind, string Reason, long Value);

/// <summary>Something that counts protocol traffic: a plugin or a client API.</summary>
public interface IProtocolCounterSource
{
    /// <summary>Adds this source's counters to <paramref name="into"/> (called per scrape, not on a hot path).</summary>
    void CollectCounters(ICollection<ProtocolCounter> into);
}

/// <summary>
/// The server's protocol counter sources. Plugins that implement <see cref="IProtocolCounterSource"/>
/// and client APIs register here; <c>/metrics</c> reads them at scrape time.
/// </summary>
public sealed class ProtocolCounterRegistry
{
    private readonly object _lock = new();
    private readonly List<IProtocolCounterSource> _sources = [];

    /// <summary>Adds a source (once; adding it again does nothing).</summary>
    public void Register(IProtocolCounterSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        lock (_lock)
        {
            if (!_sources.Contains(source))
            {
                _sources.Add(source);
            }
        }
    }

    /// <summary>Removes a source.</summary>
    public void Unregister(IProtocolCounterSource source)
    {
        lock (_lock)
        {
            _sources.Remove(source);
        }
    }

    /// <summary>Every registered source's counters.</summary>
    public List<ProtocolCounter> Collect()
    {
        IProtocolCounterSource[] sources;
        lock (_lock)
        {
            sources = [.. _sources];
        }

        var all = new List<ProtocolCounter>();
        foreach (IProtocolCounterSource s in sources)
        {
            s.CollectCounters(all);
        }

        return all;
    }
}
