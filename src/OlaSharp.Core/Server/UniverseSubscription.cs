// Licensed under the MIT License. See LICENSE in the repository root.
namespace OlaSharp.Core.Server;

/// <summary>
/// A subscription to one universe's updates (<see cref="ServerCore.Subscribe"/>): attaches the handler and,
/// as a sink, counts in <see cref="Universe.SinkCount"/>; <see cref="Dispose"/> undoes both, once.
/// </summary>
public sealed class UniverseSubscription : IDisposable
{
    private readonly UniverseUpdatedHandler _handler;
    private readonly bool _asSink;
    private int _disposed;

    internal UniverseSubscription(Universe universe, UniverseUpdatedHandler handler, bool asSink)
    {
        Universe = universe ?? throw new ArgumentNullException(nameof(universe));
        _handler = handler ?? throw new ArgumentNullException(nameof(handler));
        _asSink = asSink;
        if (asSink)
        {
            universe.AddSink();
        }

        universe.Updated += handler;
    }

    /// <summary>The universe subscribed to.</summary>
    public Universe Universe { get; }

    /// <summary>Detaches the handler and removes the sink (idempotent).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        Universe.Updated -= _handler;
        if (_asSink)
        {
            Universe.RemoveSink();
        }
    }
}
