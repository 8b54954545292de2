#!/bin/sh
# Licensed under the MIT License. See LICENSE in the repository root.
# ola_recorder record then playback against whatever answers on 127.0.0.1:9010 (in the caller's
# namespace). Prints only what must match between olad and olasharpd: frame lines of the show file
# (delays are timing) and the playback summary without its duration.
# Usage: recorder_flow.sh SHOWFILE
set -u
show=$1
timeout -s INT 4 ola_recorder -r "$show" -u 1 &
rec=$!
sleep 1.5
ola_set_dmx -u 1 -d 1,2,3
sleep 0.3
ola_set_dmx -u 1 -d 4,5,6
wait "$rec"
echo "show:"
grep -v '^[0-9]*$' "$show"
ola_set_dmx -u 1 -d 0
ola_recorder -p "$show" -i 1
echo "playback exit $?"
ola_recorder --verify "$show" | grep -v '^Playback time'
