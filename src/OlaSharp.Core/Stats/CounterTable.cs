// Licensed under the MIT License. See LICENSE in the repository root.
namespace OlaSharp.Core.Stats;

/// <summary>One declared counter: what it counts and its <c>/metrics</c> reason label.</summary>
/// <param name="Kind">What is counted.</param>
/// <param name="Reason">The reason or packet type label (empty for none).</param>
public readonly record struct CounterRow(ProtocolCounterKind Kind, string Reason);

/// <summary>
/// A protocol's counters declared once, as rows: each <see cref="Add"/> returns the row's index, kept in a
/// static readonly field of the protocol's declaration class, so a counter's name, kind and reason sit on
/// one line and <see cref="CounterTable"/> reports them all in declaration order. Rows are added by
/// static initializers only (before the first table is made).
/// </summary>
public sealed class CounterSchema
{
    private readonly List<CounterRow> _rows = [];

    /// <summary>Creates an empty schema for <paramref name="protocol"/>.</summary>
    public CounterSchema(string protocol)
    {
        ArgumentException.ThrowIfNullOrEmpty(protocol);
        Protocol = protocol;
    }

    /// <summary>The protocol label (<c>artnet</c>, <c>e131</c>, ...).</summary>
    public string Protocol { get; }

    /// <summary>The declared rows, in declaration (= report) order.</summary>
    public IReadOnlyList<CounterRow> Rows => _rows;

    /// <summary>Declares a counter; returns its index in every <see cref="CounterTable"/> of this schema.</summary>
    public int Add(ProtocolCounterKind kind, string reason = "")
    {
        ArgumentNullException.ThrowIfNull(reason);
        _rows.Add(new CounterRow(kind, reason));
        return _rows.Count - 1;
    }
}

/// <summary>
/// The values of a <see cref="CounterSchema"/>: one <see langword="long"/> per row, incremented with
/// <see cref="Interlocked"/> by index (no allocation), read with <see cref="Interlocked.Read(ref readonly long)"/>.
/// </summary>
public sealed class CounterTable : IProtocolCounterSource
{
    private readonly long[] _values;

    /// <summary>Creates zeroed counters for every row of <paramref name="schema"/>.</summary>
    public CounterTable(CounterSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        Schema = schema;
        _values = new long[schema.Rows.Count];
    }

    /// <summary>The declaration.</summary>
    public CounterSchema Schema { get; }

    /// <summary>The counter at <paramref name="index"/>, for APIs that increment through a <see langword="ref"/>.</summary>
    public ref long this[int index] => ref _values[index];

    /// <summary>Adds one to a counter (thread-safe); returns the new value.</summary>
    public long Increment(int index) => Interlocked.Increment(ref _values[index]);

    /// <summary>Adds <paramref name="value"/> to a counter (thread-safe).</summary>
    public void Add(int index, long value) => Interlocked.Add(ref _values[index], value);

    /// <summary>A counter's value (thread-safe).</summary>
    public long Read(int index) => Interlocked.Read(ref _values[index]);

    /// <summary>Reports every declared counter, in declaration order (per scrape, allocates nothing per counter).</summary>
    public void CollectCounters(ICollection<ProtocolCounter> into)
    {
        ArgumentNullException.ThrowIfNull(into);
        IReadOnlyList<CounterRow> rows = Schema.Rows;
        for (int i = 0; i < _values.Length; i++)
        {
            into.Add(new ProtocolCounter(Schema.Protocol, rows[i].Kind, rows[i].Reason, Interlocked.Read(ref _values[i])));
        }
    }
}
