// Licensed under the MIT License. See LICENSE in the repository root.
namespace OlaSharp.Core.Clock;

public sealed partial class RefreshScheduler
{
    // Per-target state: the clock settings read from the target, its place on the grid, and its universe subscription.
    internal sealed class TargetState
    {
        public readonly IClockTarget Target;
        public readonly IClockBurstTarget? BurstTarget;
        public bool InBurst;
        public int Generation;
        public bool Removed;
        public int Pending;
        public RefreshMode Mode;
        public long RateMilliHz;
        public long PeriodTicks;
        public long KeepAliveTicks;
        public int RepeatsAfterChange;
        public int RepeatsLeft;
        public long TickIndex;
        public long QueuedDeadline = long.MaxValue;
        public long LastEmit = long.MinValue;
        public long LastVersion = -1;
        private readonly RefreshScheduler _owner;
        private readonly UniverseUpdatedHandler _onUpdated;
        private Universe? _attached;

        public TargetState(RefreshScheduler owner, IClockTarget target)
        {
            _owner = owner;
            Target = target;
            BurstTarget = target as IClockBurstTarget;
            _onUpdated = OnUpdated;
        }

        public void Attach()
        {
            Universe? u = Target.Universe;
            if (u is not null && !ReferenceEquals(u, _attached))
            {
                Detach();
                u.Updated += _onUpdated;
                _attached = u;
            }
        }

        public void Detach()
        {
            if (_attached is not null)
            {
                _attached.Updated -= _onUpdated;
                _attached = null;
            }
        }

        private void OnUpdated(Universe universe, bool contentChanged)
        {
            if (contentChanged && !Removed)
            {
                _owner.MarkPending(this);
            }
        }
    }
}
