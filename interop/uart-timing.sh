#!/usr/bin/env bash
# UART line timing: olasharpd against olad 0.10.9 on the same pseudo-terminal, same ola-uartdmx.conf
# (break = 100, malf = 24000, 512 slots patched on universe 1), each traced with
#   strace -f -ttt -e trace=ioctl,write
# Prints, per server: break length (TIOCSBRK -> TIOCCBRK) median/p99/max and frame period (TIOCSBRK ->
# next TIOCSBRK) median/p1/p99, in microseconds. A pty has no baud pacing, so the period is what the
# servers' own timing makes of malf; the break length is pure scheduling accuracy.
#
# Usage (root; needs olad, socat, strace, curl, python3, taskset, a C compiler for the c-floor row and a
# Release build of olasharpd):
#   dotnet build OlaSharp.sln -c Release && sudo interop/uart-timing.sh [seconds per server, default 20]
# strace stops the tracee at every traced call (with --seccomp-bpf, only at those: entry and exit), so the
# figures include the tracer's own cost. It runs SCHED_FIFO 20 so it is never what waits, and the tracer and
# the traced server share one CPU (taskset -c $UART_TIMING_CPU, default the last CPU; "none" leaves them free):
# every stop hands the CPU from tracee to tracer and back, and when the other vCPU is busy with other work the
# scheduler puts them apart, which made a traced ioctl cost 72 us median / 234 us p99 against 20 / 50 us on one
# CPU (docs/uart-timing.md). The same arrangement applies to both servers and to the reference row.
# The third row, "c-floor", is interop/uart-timing-ref.c under the same strace: a bare C loop with exactly the
# calls of olasharpd's line thread that spins exactly break us between TIOCSBRK and TIOCCBRK. It is the floor
# of this measurement on this machine; a server's excess over it is the server's own.
# olasharpd's line thread asks for SCHED_FIFO 10 itself (as does the reference): here olasharpd runs as root
# for that (on the Pi, LimitRTPRIO=10 in conf/pi/olasharpd.service gives it to the olasharp user; this
# container cannot raise RLIMIT_RTPRIO). olad runs as user olad with its defaults (no --scheduler-policy; it
# refuses to run as root). Two seconds into each run the script lists every thread of the traced process tree
# that is not SCHED_OTHER, so the policies actually in force are on record.
# Each server runs in its own network namespace (unshare -n, loopback only) so ports 9090/9010 are free.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-20}
olasharpd=${OLASHARPD:-src/OlaSharp.Server/bin/Release/net10.0/olasharpd}
cpu=${UART_TIMING_CPU:-$(( $(nproc) - 1 ))}
pin=()
[ "$cpu" = none ] || pin=(taskset -c "$cpu")
for tool in olad socat strace curl python3 unshare runuser chrt taskset; do
  command -v "$tool" >/dev/null || { echo "uart-timing: $tool is missing (interop/install-peers.sh installs it)" >&2; exit 1; }
done
[ -x "$olasharpd" ] || { echo "uart-timing: $olasharpd not built (dotnet build -c Release)" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || { echo "uart-timing: run as root (network namespaces, olad as user olad)" >&2; exit 1; }

work=$(mktemp -d /tmp/uart-timing.XXXX)
chmod 755 "$work"
socat_pid=
cleanup() {
  [ -n "$socat_pid" ] && kill "$socat_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# One pty for both runs; socat reads the master and throws the bytes away (like a DMX line nobody listens to).
socat -u "PTY,link=$work/ttyDMX,raw,echo=0" OPEN:/dev/null &
socat_pid=$!
for _ in $(seq 50); do [ -e "$work/ttyDMX" ] && break; sleep 0.1; done
tty=$(readlink -f "$work/ttyDMX")
chmod 666 "$tty"

ref=
if command -v cc >/dev/null; then
  cc -O2 -Wall -o "$work/uart-timing-ref" interop/uart-timing-ref.c && ref="$work/uart-timing-ref"
else
  echo "uart-timing: no C compiler, so no c-floor row (apt-get install gcc)" >&2
fi

slots=$(python3 -c 'print(",".join(str(i % 256) for i in range(512)))')

run() { # name, command...
  local name=$1; shift
  local dir="$work/$name"
  mkdir -p "$dir"
  printf '%s-break = 100\n%s-malf = 24000\ndevice = %s\nenabled = true\n' "$tty" "$tty" "$tty" > "$dir/ola-uartdmx.conf"
  printf '20-%s-O-0 = 1\n' "$tty" > "$dir/ola-port.conf"
  # Only the UART and the web API: everything else off in both servers.
  for p in artnet e131 dummy espnet kinet opendmx osc pathport sandnet shownet spi usbdmx usbserial stageprofi renard milinst karate ftdidmx gpio openpixelcontrol; do
    echo "enabled = false" > "$dir/ola-$p.conf"
  done
  chown -R olad "$dir"
  local load0; load0=$(cut -d' ' -f1-3 /proc/loadavg)
  PIN="${pin[*]}" NO_HTTP="${NO_HTTP:-}" unshare -n bash -c '
    ip link set lo up
    # strace runs SCHED_FIFO 20 so the tracer is never what delays a traced syscall; the server itself is
    # put back to SCHED_OTHER (chrt -o 0) and sets its own policy, as it would without strace.
    $PIN chrt -f 20 strace -f -ttt --seccomp-bpf -e trace=ioctl,write -o "$0/strace.txt" chrt -o 0 "${@:2}" > "$0/server.log" 2>&1 &
    pid=$!
    if [ -z "$NO_HTTP" ]; then
      for _ in $(seq 100); do curl -s -o /dev/null http://127.0.0.1:9090/ && break; sleep 0.2; done
      curl -s -o /dev/null -d "u=1&d=$1" http://127.0.0.1:9090/set_dmx
    fi
    sleep 2
    desc() { local c; for c in $(pgrep -P "$1"); do echo "$c"; desc "$c"; done; }
    for p in $pid $(desc $pid); do
      for t in /proc/$p/task/*; do
        pol=$(chrt -p "${t##*/}" 2>/dev/null | sed -n "s/.*policy: //p;s/.*priority: //p" | tr "\n" " ")
        case "$pol" in SCHED_OTHER*|"") ;; *) echo "  thread $(cat "$t/comm" 2>/dev/null) ($(cat /proc/$p/comm)): $pol" ;; esac
      done
    done > "$0/policies.txt"
    sleep '"$(( secs > 2 ? secs - 2 : 0 ))"'
    kill -TERM $pid 2>/dev/null; pkill -TERM -P $pid 2>/dev/null || true; wait $pid 2>/dev/null || true
  ' "$dir" "$slots" "$@"
  cat "$dir/policies.txt"
  echo "$name: load average $load0 at start, $(cut -d' ' -f1-3 /proc/loadavg) at end"
  python3 - "$name" "$dir/strace.txt" <<'PY'
import re, sys
name, path = sys.argv[1], sys.argv[2]
on = {}; breaks = []; starts = []
for line in open(path, errors="replace"):
    m = re.match(r"(\d+)\s+(\d+\.\d+)\s+ioctl\(\d+, (TIOCSBRK|TIOCCBRK)", line)
    if not m:
        continue
    pid, t, op = m.group(1), float(m.group(2)), m.group(3)
    if op == "TIOCSBRK":
        on[pid] = t; starts.append(t)
    elif pid in on:
        breaks.append((t - on.pop(pid)) * 1e6)
periods = [(b - a) * 1e6 for a, b in zip(starts, starts[1:])]
def pct(v, p):
    v = sorted(v); return v[min(len(v) - 1, int(round(p / 100 * (len(v) - 1))))] if v else float("nan")
print(f"{name:10s} frames {len(starts):5d} | break us median {pct(breaks,50):8.0f} p99 {pct(breaks,99):8.0f} max {max(breaks or [float('nan')]):8.0f}"
      f" | period us median {pct(periods,50):8.0f} p1 {pct(periods,1):8.0f} p99 {pct(periods,99):8.0f} (p99-p1 {pct(periods,99)-pct(periods,1):6.0f})")
PY
}

echo "pty $tty, break = 100 us, malf = 24000 us, 512 slots, ${secs} s per server, tracer and server on CPU $cpu, $(nproc) CPUs"
run olad runuser -u olad -- olad -c "$work/olad" --no-register-with-dns-sd -l 2
run olasharpd "$(readlink -f "$olasharpd")" -c "$work/olasharpd" -l 2
[ -z "$ref" ] || NO_HTTP=1 run c-floor "$ref" "$tty" "$secs" 100 24000
