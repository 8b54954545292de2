// Licensed under the MIT License. See LICENSE in the repository root.

namespace OlaSharp.Sacn.Internal;

/// <summary>
/// The sACN input port's holding rules (all under the port's lock): a new sender's levels waiting for its
/// first 0xDD packet (ETC), 0xDD loss, and synchronised data waiting for its sync packet (E1.31-2018 §11.2).
/// </summary>
internal sealed partial class SacnInputPort
{
    private readonly long _ddWaitTicks;
    private readonly long _ddMemoryTicks;
    private readonly PerAddressPriorityWaitMode _ddWaitMode;
    private long _lastPerAddress = long.MinValue;

    // Whether a new sender's levels wait for its first 0xDD (ETC's rule). The wait protects the slots other
    // senders own by per-address priority from a 0xDD sender's levels at its packet priority, before its
    // first 0xDD packet (ETC consoles send 0xDD about once a second). Where no sender uses 0xDD it protects
    // nothing and only held every console 1.5 s on every start (QLC+: 1.51-1.54 s against 0.01-0.03 s for
    // olad), and held a sender returning after a loss while the universe kept a terminated sender's levels.
    // Auto waits on a universe with 0xDD now or in the last PerAddressPriorityMemory (a 0xDD console that
    // restarts is still covered); a 0xDD sender joining a universe without 0xDD counts at its packet
    // priority until its first 0xDD packet (conf "always" covers that too).
    private bool NewSenderWaits(long now) => _ddWaitTicks > 0 && _ddWaitMode switch
    {
        PerAddressPriorityWaitMode.Always => true,
        PerAddressPriorityWaitMode.Never => false,
        _ => _lastPerAddress != long.MinValue && now - _lastPerAddress < _ddMemoryTicks,
    };

    // A 0xDD packet: the sender's per-address priorities, which end its wait (its held levels count now).
    private void OnPerAddressLocked(SacnSender state, ReadOnlySpan<byte> priorities, long now)
    {
        _lastPerAddress = now;
        state.LastPerAddress = now;
        state.PerAddressActive = true;
        int n = Math.Min(priorities.Length, DmxFrame.MaxSlots);
        priorities[..n].CopyTo(state.PerAddress);
        state.PerAddressLength = n;
        if (state.WaitingForPerAddress)
        {
            state.WaitingForPerAddress = false;
            if (state.HeldLength >= 0)
            {
                Publish(state, state.Held.AsSpan(0, state.HeldLength));
                return;
            }
        }

        if (state.LevelsLength >= 0)
        {
            RequestPublishLocked();
        }
    }

    // ETC's rule: a new source's levels wait up to 1.5 s for its 0xDD, so a per-address source never
    // flashes its levels at the universe priority (see NewSenderWaits). True when the levels were held.
    private bool HoldForPerAddressLocked(SacnSender state, ReadOnlySpan<byte> slots, long now)
    {
        if (state.WaitingForPerAddress && now - state.FirstSeen < _ddWaitTicks)
        {
            slots.CopyTo(state.Held);
            state.HeldLength = slots.Length;
            return true;
        }

        state.WaitingForPerAddress = false;
        return false;
    }

    // E1.31-2018 §6.2.4, §11.2: synchronised data waits for the sync packet (from the sender's first packet
    // on, so its first sync has 2.5 s to come). Once sync has been lost for 2.5 s it is acted on at once,
    // unless Force_Synchronization asks to hold it until sync returns. True when the levels were held.
    private bool HoldForSyncLocked(SacnSender state, in SacnDataPacket packet, long now)
    {
        if (packet.SyncAddress == 0)
        {
            return false;
        }

        bool force = (packet.Options & SacnFramingOptions.ForceSynchronization) != 0;
        if (!force && now - state.LastSync >= _timeoutTicks)
        {
            return false;
        }

        packet.Slots.CopyTo(state.SyncHeld);
        state.SyncHeldLength = packet.Slots.Length;
        state.SyncAddress = packet.SyncAddress;
        state.SyncForce = force;
        return true;
    }

    /// <summary>A sync packet (receive thread, already sequence-checked): releases data from that sender waiting on that address.</summary>
    public void OnSync(UInt128 cid, ushort syncAddress, long now)
    {
        lock (StateLock)
        {
            if (_sources.TryGetValue(cid, out SacnSender? state))
            {
                state.LastSync = now;
                state.LastSeen = now;
                if (state.SyncHeldLength >= 0 && state.SyncAddress == syncAddress)
                {
                    int length = state.SyncHeldLength;
                    state.SyncHeldLength = -1;
                    Publish(state, state.SyncHeld.AsSpan(0, length));
                }
            }
        }

        Flush();
    }

    // Housekeeping of one live sender: the 0xDD wait's end, sync loss, 0xDD loss. True when the merge changes.
    private bool ReleaseDueLocked(SacnSender s, long now)
    {
        bool merge = false;
        if (s.WaitingForPerAddress && now - s.FirstSeen >= _ddWaitTicks)
        {
            s.WaitingForPerAddress = false;
            if (s.HeldLength >= 0)
            {
                s.Store(s.Held.AsSpan(0, s.HeldLength));
                merge = true;
            }
        }

        if (s.SyncHeldLength >= 0 && !s.SyncForce && now - s.LastSync >= _timeoutTicks)
        {
            // Sync lost for 2.5 s without Force_Synchronization: act on the waiting data.
            s.Store(s.SyncHeld.AsSpan(0, s.SyncHeldLength));
            s.SyncHeldLength = -1;
            merge = true;
        }

        if (s.PerAddressActive && now - s.LastPerAddress >= _timeoutTicks)
        {
            // 0xDD stopped while levels continue: fall back to the packet priority.
            s.PerAddressActive = false;
            merge = true;
        }

        return merge;
    }
}
