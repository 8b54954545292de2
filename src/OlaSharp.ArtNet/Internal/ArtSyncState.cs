// Licensed under the MIT License. See LICENSE in the repository root.
namespace OlaSharp.ArtNet.Internal;

/// <summary>
/// ArtSync receive rules (Art-Net 4): once an ArtSync arrives, ArtDmx is held until the next ArtSync;
/// after <see cref="RevertAfter"/> (4 s) without one the node returns to immediate output. An ArtSync from an
/// IP other than the sender of the last ArtDmx is ignored (the spec's rule for multiple controllers).
/// Timestamps are <see cref="TimeProvider.GetTimestamp"/> values; owned by the receive thread.
/// </summary>
internal sealed class ArtSyncState
{
    /// <summary>Art-Net 4: revert to non-synchronous output after 4 s without ArtSync.</summary>
    public static readonly TimeSpan RevertAfter = TimeSpan.FromSeconds(4);

    private readonly long _revertTicks;
    private long _lastSync;
    private bool _active;
    private uint _lastDmxIp;
    private bool _haveDmx;

    /// <summary>Creates the state for a clock of <paramref name="timestampFrequency"/>.</summary>
    public ArtSyncState(long timestampFrequency)
    {
        _revertTicks = (long)(RevertAfter.TotalSeconds * timestampFrequency);
    }

    /// <summary>ArtSyncs accepted.</summary>
    public long SyncsReceived { get; private set; }

    /// <summary>True when ArtDmx must be held until the next ArtSync.</summary>
    public bool IsSynchronous(long now) => _active && now - _lastSync < _revertTicks;

    /// <summary>Notes the sender of an ArtDmx.</summary>
    public void OnDmx(uint ip)
    {
        _lastDmxIp = ip;
        _haveDmx = true;
    }

    /// <summary>An ArtSync from <paramref name="ip"/>: true when held data should be released now.</summary>
    public bool OnSync(uint ip, long now)
    {
        if (_haveDmx && ip != _lastDmxIp)
        {
            return false;
        }

        _active = true;
        _lastSync = now;
        SyncsReceived++;
        return true;
    }

    /// <summary>True (once) when synchronous mode just lapsed: held data should be released and output goes immediate.</summary>
    public bool CheckRevert(long now)
    {
        if (_active && now - _lastSync >= _revertTicks)
        {
            _active = false;
            return true;
        }

        return false;
    }
}
