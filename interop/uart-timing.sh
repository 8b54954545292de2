#!/usr/bin/env bash
# UART line timing: olasharpd against olad 0.10.9 on the same pseudo-terminal, same ola-uartdmx.conf
# (break = 100, malf = 24000, 512 slots patched on universe 1), timed by the kernel's own tracepoints: no
# tracer process, no ptrace stops (strace's stops were the floor of the old method; docs/uart-timing.md).
#
#   sudo interop/uart-timing.sh [seconds per server, default 20]
#
# Per server, a tracefs instance of its own (instances/uart-timing-PID, removed at exit, also on failure)
# with trace_clock mono records, for the server's line thread only:
#   syscalls/sys_enter_ioctl   filter cmd == 0x5427 || cmd == 0x5428 (TIOCSBRK, TIOCCBRK) and the thread's pid
#   sched/sched_switch         the thread leaving and taking a CPU (prev_state says preempted R or slept S/D)
#   sched/sched_wakeup         the thread made runnable (wake-up to switch-in is run-queue delay)
#   raw_syscalls/sys_enter     the thread's system calls, so a sleep is named by the call it slept in
#   timer/hrtimer_start        the thread's sleep timers: expiry (and slack), so a late wake-up is told apart
#                              from a late timer
# The line thread is the one thread of the server's process tree that issues TIOCSBRK (found with the same
# ioctl event for half a second before the timed window). It prints per server: break length (TIOCSBRK ->
# TIOCCBRK) median/p99/max, frame period (TIOCSBRK -> next TIOCSBRK) median/p1/p99 and spread p99-p1, in us,
# the frame count, the line thread's CPU time and the whole process's (utime+stime) over the window, then every
# stall: a break over 1 ms (STALL_US) or a period more than 1 ms off the median, with what the scheduler trace
# says happened in it. A pty has no baud pacing, so the period is what the server's own timing makes of malf.
#
# Environment:
#   OLASHARPD=path     the olasharpd to time (default the Release JIT build; a native AOT build comes from
#                      dotnet publish src/OlaSharp.Server -c Release -r linux-x64 -p:PublishAot=true
#                      -p:TreatWarningsAsErrors=false -o DIR, then OLASHARPD=DIR/olasharpd)
#   SERVERS="olad olasharpd c-floor"   rows to run, in order (c-floor: interop/uart-timing-ref.c, a bare C
#                      loop with the line thread's calls and waits, under the same tracepoints; LABEL=PATH: another
#                      olasharpd binary, e.g. SERVERS="olad before=/tmp/old/olasharpd olasharpd" compares two builds)
#   REF_SPIN_US=N      the c-floor's spin window (interop/uart-timing-ref.c; default -1: spin the whole break,
#                      sleep malf with no spin)
#   RUNS=N             repeat the rows N times, interleaved (default 1)
#   TRACE_DIR=dir      keep each run's trace there ($name.$run.trace.txt)
#   STALL_US=1000      stall threshold; STALL_LINES=8: how many of the worst stalls are printed
# olasharpd's line thread asks for SCHED_FIFO 10 itself; here olasharpd runs as root so it gets it (on the Pi,
# LimitRTPRIO=10 in conf/pi/olasharpd.service gives it to the service user). olad runs as user olad with its
# defaults (it refuses to run as root). Each server runs in its own network namespace (unshare -n, loopback
# only) so ports 9090/9010 are free and nothing leaves the machine.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-20}
olasharpd=${OLASHARPD:-src/OlaSharp.Server/bin/Release/net10.0/olasharpd}
servers=${SERVERS:-olad olasharpd c-floor}
runs=${RUNS:-1}
stall_us=${STALL_US:-1000}
stall_lines=${STALL_LINES:-8}
for tool in olad socat curl python3 unshare nsenter runuser ip; do
  command -v "$tool" >/dev/null || { echo "uart-timing: $tool is missing (interop/install-peers.sh installs it)" >&2; exit 1; }
done
[ "$(id -u)" -eq 0 ] || { echo "uart-timing: run as root (tracefs, network namespaces, olad as user olad)" >&2; exit 1; }
case " $servers " in *" olasharpd "*)
  [ -x "$olasharpd" ] || { echo "uart-timing: $olasharpd not built (dotnet build src/OlaSharp.Server -c Release)" >&2; exit 1; } ;;
esac

tracefs=/sys/kernel/tracing
if [ ! -e "$tracefs/instances" ]; then
  mount -t tracefs nodev "$tracefs" || { echo "uart-timing: cannot mount tracefs on $tracefs" >&2; exit 1; }
fi
[ -e "$tracefs/events/syscalls/sys_enter_ioctl" ] || { echo "uart-timing: this kernel has no syscall tracepoints (CONFIG_FTRACE_SYSCALLS)" >&2; exit 1; }

work=$(mktemp -d /tmp/uart-timing.XXXX)
chmod 755 "$work"
inst="$tracefs/instances/uart-timing-$$"
socat_pid=
server_pid=
cleanup() {
  if [ -d "$inst" ]; then
    echo 0 > "$inst/tracing_on" 2>/dev/null || true
    echo 0 > "$inst/events/enable" 2>/dev/null || true
    rmdir "$inst" 2>/dev/null || echo "uart-timing: could not remove $inst" >&2
  fi
  stop_server
  [ -n "$socat_pid" ] && kill "$socat_pid" 2>/dev/null || true
  rm -rf "$work"
}
# The server and the processes it started (runuser -> olad), by pid, children first.
tree() { local c; for c in $(cat /proc/"$1"/task/*/children 2>/dev/null); do tree "$c"; done; echo "$1"; }
stop_server() {
  [ -n "$server_pid" ] || return 0
  local p pids; pids=$(tree "$server_pid")
  for p in $pids; do kill -TERM "$p" 2>/dev/null || true; done
  for _ in $(seq 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
  for p in $pids; do kill -KILL "$p" 2>/dev/null || true; done
  wait "$server_pid" 2>/dev/null || true
  server_pid=
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir "$inst"
echo mono > "$inst/trace_clock"
echo 4096 > "$inst/buffer_size_kb"

# One pty for every run; socat reads the master and throws the bytes away (like a DMX line nobody listens to).
socat -u "PTY,link=$work/ttyDMX,raw,echo=0" OPEN:/dev/null &
socat_pid=$!
for _ in $(seq 50); do [ -e "$work/ttyDMX" ] && break; sleep 0.1; done
tty=$(readlink -f "$work/ttyDMX")
chmod 666 "$tty"

case " $servers " in *" c-floor "*)
  if command -v cc >/dev/null; then
    cc -O2 -Wall -o "$work/uart-timing-ref" interop/uart-timing-ref.c
  else
    echo "uart-timing: no C compiler, so no c-floor row (apt-get install gcc)" >&2
    servers=${servers/c-floor/}
  fi ;;
esac

slots=$(python3 -c 'print(",".join(str(i % 256) for i in range(512)))')
ev() { echo "$2" > "$inst/events/$1/filter"; echo 1 > "$inst/events/$1/enable"; }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
thread_ns() { awk '{ print $1 }' "/proc/$1/task/$2/schedstat" 2>/dev/null || echo 0; }

run() { # name, command...
  local name=$1; shift
  local dir="$work/$name.$run_no"
  mkdir -p "$dir"
  printf '%s-break = 100\n%s-malf = 24000\ndevice = %s\nenabled = true\n' "$tty" "$tty" "$tty" > "$dir/ola-uartdmx.conf"
  printf '20-%s-O-0 = 1\n' "$tty" > "$dir/ola-port.conf"
  # Only the UART and the web API: everything else off in both servers.
  for p in artnet e131 dummy espnet kinet opendmx osc pathport sandnet shownet spi usbdmx usbserial stageprofi renard milinst karate ftdidmx gpio openpixelcontrol; do
    echo "enabled = false" > "$dir/ola-$p.conf"
  done
  chown -R olad "$dir"
  unshare -n bash -c 'ip link set lo up; exec "$@"' bash "$@" > "$dir/server.log" 2>&1 &
  server_pid=$!
  if [ "$name" != c-floor ]; then
    for _ in $(seq 150); do nsenter -t "$server_pid" -n curl -s -o /dev/null http://127.0.0.1:9090/ && break; sleep 0.2; done
    nsenter -t "$server_pid" -n curl -s -o /dev/null -d "u=1&d=$slots" http://127.0.0.1:9090/set_dmx
  fi
  sleep 1

  # Find the line thread: the server's thread that issues TIOCSBRK.
  echo 0 > "$inst/tracing_on"; : > "$inst/trace"
  tree "$server_pid" | while read -r p; do ls "/proc/$p/task" 2>/dev/null; done | tr '\n' ' ' > "$inst/set_event_pid"
  ev syscalls/sys_enter_ioctl 'cmd == 0x5427'
  echo 1 > "$inst/tracing_on"; sleep 0.5; echo 0 > "$inst/tracing_on"
  echo 0 > "$inst/events/enable"; : > "$inst/set_event_pid"
  local tid
  tid=$(sed -n 's/^ *.\{0,16\}-\([0-9][0-9]*\) *\[[0-9]*\].*sys_ioctl.*/\1/p' "$inst/trace" | head -1)
  : > "$inst/trace"
  if [ -z "$tid" ]; then
    echo "$name: no TIOCSBRK from the server in 0.5 s; its log:" >&2; tail -20 "$dir/server.log" >&2
    stop_server; return 0
  fi
  local tgid; tgid=$(awk '/^Tgid:/ { print $2 }' "/proc/$tid/status")
  local policy comm; policy=$(chrt -p "$tid" 2>/dev/null | sed -n 's/.*policy: //p;s/.*priority: //p' | tr '\n' ' ')
  comm=$(cat "/proc/$tid/comm")

  ev syscalls/sys_enter_ioctl "(cmd == 0x5427 || cmd == 0x5428) && common_pid == $tid"
  ev sched/sched_switch "prev_pid == $tid || next_pid == $tid"
  ev sched/sched_wakeup "pid == $tid"
  ev raw_syscalls/sys_enter "common_pid == $tid"
  # Only the thread's own sleep timers (hrtimer_wakeup), not timers that interrupts re-arm while it runs.
  local wakefn; wakefn=$(awk '$3 == "hrtimer_wakeup" && $1 !~ /^0+$/ { print "0x" $1; exit }' /proc/kallsyms)
  ev timer/hrtimer_start "common_pid == $tid${wakefn:+ && function == $wakefn}"
  local load0 t0 n0 p0 t1 n1 p1
  load0=$(cut -d' ' -f1-3 /proc/loadavg)
  t0=$(date +%s.%N); n0=$(thread_ns "$tgid" "$tid"); p0=$(cpu_ticks "$tgid")
  echo 1 > "$inst/tracing_on"
  sleep "$secs"
  echo 0 > "$inst/tracing_on"
  t1=$(date +%s.%N); n1=$(thread_ns "$tgid" "$tid"); p1=$(cpu_ticks "$tgid")
  echo 0 > "$inst/events/enable"
  cat "$inst/trace" > "$dir/trace.txt"
  [ -z "${TRACE_DIR:-}" ] || cp "$dir/trace.txt" "$TRACE_DIR/$name.$run_no.trace.txt"
  : > "$inst/trace"
  stop_server
  echo "$name: line thread $tid ("$comm", ${policy:-policy unknown}), load average $load0 at start, $(cut -d' ' -f1-3 /proc/loadavg) at end"
  python3 - "$name" "$dir/trace.txt" "$tid" "$stall_us" "$(uname -m)" \
    "$(python3 -c "print(($n1 - $n0) / 1e9 * 20 / ($t1 - $t0))")" \
    "$(python3 -c "print(($p1 - $p0) / $(getconf CLK_TCK) * 20 / ($t1 - $t0))")" "$stall_lines" <<'PY'
import re, sys
name, path, tid, stall_us, arch, line_cpu, proc_cpu = sys.argv[1:8]
tid, stall = int(tid), float(stall_us)
# The system calls a DMX line thread makes, named for the stall report (x86_64 and aarch64 numbers).
calls = {"x86_64": {0: "read", 1: "write", 7: "poll", 16: "ioctl", 23: "select", 24: "sched_yield", 35: "nanosleep",
                    202: "futex", 230: "clock_nanosleep", 232: "epoll_wait", 270: "pselect6", 271: "ppoll", 281: "epoll_pwait"},
         "aarch64": {63: "read", 64: "write", 29: "ioctl", 72: "pselect6", 73: "ppoll", 101: "nanosleep",
                     98: "futex", 115: "clock_nanosleep", 124: "sched_yield", 22: "epoll_pwait"}}.get(arch, {})
head = re.compile(r"^\s*(.{1,16}?)-(\d+)\s+(?:\(\s*[-\d]+\)\s+)?\[(\d+)\]\s+\S+\s+(\d+\.\d+): (\w+)(?:: |\()(.*)$")
on = None; breaks = []; starts = []; events = []
for line in open(path, errors="replace"):
    m = head.match(line)
    if not m:
        continue
    t = float(m.group(4)) * 1e6; ev = m.group(5); rest = m.group(6)
    if ev == "sys_ioctl":
        cmd = int(re.search(r"cmd: (?:0x)?([0-9a-f]+)", rest).group(1), 16)
        if cmd == 0x5427:
            on = t; starts.append(t)
        elif cmd == 0x5428 and on is not None:
            breaks.append((on, t - on)); on = None
    elif ev == "sched_switch":
        sw = re.match(r"prev_comm=(.*) prev_pid=(\d+) prev_prio=(\d+) prev_state=(\S+) ==> next_comm=(.*) next_pid=(\d+) next_prio=(\d+)", rest)
        f = {"prev_comm": sw.group(1), "prev_pid": sw.group(2), "prev_state": sw.group(4)}
        g = {"next_comm": sw.group(5), "next_pid": sw.group(6), "next_prio": sw.group(7)}
        events.append((t, "out" if int(f["prev_pid"]) == tid else "in", f, g, int(m.group(3))))
    elif ev == "sched_wakeup":
        events.append((t, "wake", {}, {}, int(m.group(3))))
    elif ev == "hrtimer_start":
        ex = re.search(r"expires=(\d+) softexpires=(\d+)", rest)
        events.append((t, "timer", {"expires": int(ex.group(1)) / 1e3, "soft": int(ex.group(2)) / 1e3}, {}, int(m.group(3))))
    elif ev == "sys_enter":
        nr = int(re.match(r"NR (\d+)", rest).group(1))
        events.append((t, "call", {"nr": nr}, {}, int(m.group(3))))
periods = [(b, b - a) for a, b in zip(starts, starts[1:])]
def pct(v, p):
    v = sorted(v); return v[min(len(v) - 1, int(round(p / 100 * (len(v) - 1))))] if v else float("nan")
bl = [d for _, d in breaks]; pl = [d for _, d in periods]
med = pct(pl, 50)
print(f"{name:10s} frames {len(starts):5d} | break us median {pct(bl,50):6.0f} p99 {pct(bl,99):6.0f} max {max(bl or [float('nan')]):6.0f}"
      f" | period us median {med:6.0f} p1 {pct(pl,1):6.0f} p99 {pct(pl,99):6.0f} spread p99-p1 {pct(pl,99)-pct(pl,1):5.0f}"
      f" | CPU s per 20 s: line thread {float(line_cpu):.3f}, process {float(proc_cpu):.2f}")
# Every sleep of the line thread: how late its timer fired (wake-up minus expiry), how long it then waited for
# a CPU (wake-up to switch-in), and the slack the kernel gave the timer (expires - softexpires).
late = []; queue = []; slack = []; tmr = None; wk = None
for t, kind, f, g, cpu in events:
    if kind == "timer":
        tmr = f; slack.append(f["expires"] - f["soft"])
    elif kind == "wake":
        wk = t
        if tmr is not None:
            late.append(t - tmr["expires"])
        tmr = None
    elif kind == "in" and wk is not None:
        queue.append(t - wk); wk = None
if late:
    print(f"  sleeps {len(late)}: timer slack median {pct(slack,50):.0f} us; wake-up after expiry median {pct(late,50):.0f} p99 {pct(late,99):.0f} max {max(late):.0f} us;"
          f" then to a CPU median {pct(queue,50):.0f} p99 {pct(queue,99):.0f} max {max(queue or [0]):.0f} us")
def explain(t0, t1):
    """What kept the line thread between t0 and t1 (us), from its sched_switch, sched_wakeup and syscall events:
    (text, cause) where cause is the biggest single delay's kind."""
    parts = []; last_call = "?"; out = None; woke = None; timer = None; worst = (0.0, "on CPU throughout")
    for t, kind, f, g, cpu in events:
        if t > t1:
            break
        if kind == "call":
            last_call = calls.get(f["nr"], "syscall %d" % f["nr"])
        elif kind == "out":
            out = (t, f["prev_state"], g.get("next_comm", "?"), g.get("next_prio", "?"), cpu, last_call); woke = None
        elif kind == "timer":
            timer = f["expires"]
        elif kind == "wake":
            woke = t
            if timer is not None and t >= t0 and t - timer >= 50:
                parts.append("its sleep's timer fired %.0f us late (interrupts off on that CPU, or the hypervisor not running the vCPU)" % (t - timer))
                if t - timer > worst[0]:
                    worst = (t - timer, "its timer fired late")
            timer = None
        elif kind == "in" and out is not None:
            t_out, st, who, prio, ocpu, call = out; out = None
            if t < t0:
                continue
            if st.startswith("R"):
                d = t - max(t_out, t0)
                parts.append("preempted by %s (prio %s) on CPU %d for %.0f us" % (who, prio, ocpu, d))
                cause = "preempted by " + re.sub(r"[/:-]?\d+$", "", who)
            elif call == "clock_nanosleep":
                if woke is None or t - woke < 50:
                    continue
                d = t - max(woke, t0)
                parts.append("its clock_nanosleep ended, then it waited %.0f us for a CPU (%s ran)" % (d, f.get("prev_comm", "?")))
                cause = "waited for a CPU after its sleep, behind " + re.sub(r"[/:-]?\d+$", "", f.get("prev_comm", "?"))
            else:
                d = t - max(t_out, t0)
                parts.append("slept (%s) in %s for %.0f us" % (st, call, d))
                cause = "slept in " + call
            if d > worst[0]:
                worst = (d, cause)
    if out is not None:
        parts.append("off CPU from %.0f us before the end" % (t1 - out[0]))
    return ("; ".join(parts) if parts else "on CPU throughout (spinning or in a system call: an interrupt or the hypervisor)"), worst[1]
stalls = []
for at, d in breaks:
    if d > stall:
        why, cause = explain(at, at + d); stalls.append((d, f"break {d:6.0f} us at {at/1e6:.6f}: {why}", cause))
for at, d in periods:
    if abs(d - med) > stall:
        why, cause = explain(at - d, at); stalls.append((abs(d - med), f"period {d:6.0f} us ending {at/1e6:.6f}: {why}", cause))
if not stalls:
    print(f"  no stall over {stall:.0f} us")
else:
    causes = {}
    for _, _, c in stalls:
        causes[c] = causes.get(c, 0) + 1
    print(f"  {len(stalls)} stalls over {stall:.0f} us: " + ", ".join(f"{n} {c}" for c, n in sorted(causes.items(), key=lambda x: -x[1])))
    shown = int(sys.argv[8])
    for _, text, _ in sorted(stalls, key=lambda x: -x[0])[:shown]:
        print("    " + text)
    if len(stalls) > shown:
        print(f"    ... {len(stalls) - shown} more (STALL_LINES={shown})")
PY
}

echo "pty $tty, break = 100 us, malf = 24000 us, 512 slots, ${secs} s per server, $(nproc) CPUs, $(uname -r)"
for run_no in $(seq "$runs"); do
  for s in $servers; do
    case $s in
      olad) run olad runuser -u olad -- olad -c "$work/olad.$run_no" --no-register-with-dns-sd -l 2 ;;
      olasharpd) run olasharpd "$(readlink -f "$olasharpd")" -c "$work/olasharpd.$run_no" -l 2 ;;
      c-floor) run c-floor "$work/uart-timing-ref" "$tty" "$(( secs + 10 ))" 100 24000 "${REF_SPIN_US:--1}" ;;
      *=*) run "${s%%=*}" "$(readlink -f "${s#*=}")" -c "$work/${s%%=*}.$run_no" -l 2 ;;
      *) echo "uart-timing: unknown row $s" >&2 ;;
    esac
  done
done
