#!/usr/bin/env bash
# Licensed under the MIT License. See LICENSE in the repository root.
#
# End-to-end load benchmark: olad and olasharpd forwarding sACN, side by side (issue 9).
#
#   interop/bench/run.sh MODE [olasharp-bench options]      (as root)
#
#   smoke         4 universes, 5 s window, olad then olasharpd (~25 s); exit 1 if either forwards nothing
#   side-by-side  N = 4, 64, 512, olad then olasharpd, 60 s windows (~8 min); table + OlaSharp/olad ratios
#   scale         olasharpd alone: 512, 1000, 2000, 4000 universes' worth of load, 60 s each (~5 min)
#   soak          olasharpd alone: 512 universes for 600 s; RSS every 60 s
#   pi            the seed's Raspberry Pi workload (issue 15), olad then olasharpd, one namespace: a 44 Hz
#                 Art-Net console into universe 1 and the UART on a pty (break 100, malf 24000), then the
#                 idle line; CPU s, RSS, frames/s on the line, wake-ups, start to HTTP 200 (interop/bench/pi.py)
#
# olasharpd is the native AOT binary for pi (published into artifacts/bench-aot), the JIT build for the
# other modes; --aot / --jit (first option) chooses; OLASHARPD=PATH runs that binary, builds none. pi's options: --duration S (20), --warmup S (3),
# --runs N (1), --servers olad,olasharpd, --olasharpd-env NAME=value,..., --json FILE, --olasharpd PATH.
#
# Options go to the tool: --duration S, --warmup S, --rate HZ, --universes A,B, --servers olad,olasharp,
# --json FILE, --olasharpd PATH (see `olasharp-bench --help`). Example, a quicker side-by-side:
#   interop/bench/run.sh side-by-side --duration 20
#
# What runs where: the tool (root namespace, no sockets of its own there) makes a two-host veth network
# in 198.18.0.0/24 (olasb-<pid>-<n>-1 generator .1, -2 server .2, -sw bridge), starts the server in -2,
# sends unicast sACN from -1 and reads the server's output over OLA RPC inside -2. It removes all of it
# when a run ends, fails or is interrupted; the trap below also removes anything a killed tool left.
set -euo pipefail
cd "$(dirname "$0")/../.."

[[ $(id -u) -eq 0 ]] || { echo "run.sh: needs root (network namespaces)" >&2; exit 2; }
mode=${1:-}
case $mode in
  smoke | side-by-side | scale | soak | run | pi) shift ;;
  *) sed -n '4,/^set -euo/p' "$0" | sed '$d' >&2; exit 2 ;;
esac
command -v olad >/dev/null || { echo "run.sh: olad not found: apt-get install ola" >&2; exit 2; }

# Hard upper bounds per mode (the tool bounds each run too).
case $mode in
  smoke) limit=300 ;;
  side-by-side) limit=1200 ;;
  scale) limit=1800 ;;
  soak) limit=1500 ;;
  pi) limit=1800 ;;
  *) limit=3600 ;;
esac

build=jit
[[ $mode == pi ]] && build=aot
case ${1:-} in
  --aot) build=aot; shift ;;
  --jit) build=jit; shift ;;
esac
if [[ -n ${OLASHARPD:-} ]]; then
  olasharpd=$OLASHARPD # a binary built before (e.g. artifacts/bench-aot/olasharpd): nothing is built
elif [[ $build == aot ]]; then
  # The binary the Pi runs: Native AOT (TreatWarningsAsErrors off until the gRPC reflection library's IL2104
  # is gone). ~1.5 min on this machine; the output is reused by the next run only through --olasharpd.
  echo "run.sh: publishing olasharpd (Native AOT, linux-x64) into artifacts/bench-aot" >&2
  dotnet publish src/OlaSharp.Server -c Release -r linux-x64 -p:PublishAot=true -p:TreatWarningsAsErrors=false \
    -o artifacts/bench-aot -v q -nologo >/dev/null
  olasharpd=artifacts/bench-aot/olasharpd
else
  echo "run.sh: building olasharpd (Release, JIT)" >&2
  dotnet build src/OlaSharp.Server/OlaSharp.Server.csproj -c Release -v q -nologo >/dev/null
  olasharpd=src/OlaSharp.Server/bin/Release/net10.0/olasharpd
fi

if [[ $mode == pi ]]; then
  command -v python3 >/dev/null || { echo "run.sh: python3 not found" >&2; exit 2; }
  # One private network namespace (lo + a veth pair made inside it) for the whole run; it, the veths and
  # everything the script started go away when it ends. timeout bounds the run.
  exec timeout --kill-after=30 "$limit" unshare -n python3 interop/bench/pi.py --olasharpd "$olasharpd" "$@"
fi

echo "run.sh: building olasharp-bench (Release)" >&2
dotnet build interop/bench/OlaSharp.Bench/OlaSharp.Bench.csproj -c Release -v q -nologo >/dev/null

tool_pid=
watchdog_pid=
cleanup() {
  local rc=$?
  [[ -n $watchdog_pid ]] && kill -TERM "$watchdog_pid" 2>/dev/null || true
  if [[ -n $tool_pid ]] && kill -0 "$tool_pid" 2>/dev/null; then
    kill -TERM "$tool_pid" 2>/dev/null || true # the tool tears down its namespaces on SIGTERM
    for _ in $(seq 1 30); do kill -0 "$tool_pid" 2>/dev/null || break; sleep 1; done
    kill -KILL "$tool_pid" 2>/dev/null || true
  fi
  # Anything a killed tool left behind: only namespaces named after its own pid.
  if [[ -n $tool_pid ]]; then
    local ns
    for ns in $(ip netns list | awk '{print $1}' | grep -E "^olasb-${tool_pid}-" || true); do
      local p
      for p in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$p" 2>/dev/null || true; done
      ip netns del "$ns" 2>/dev/null || true
    done
    # olasharpd's conf dirs are named after the tool's pid too (olad's are removed by the tool only).
    rm -rf "${TMPDIR:-/tmp}"/olas-bench-"$tool_pid"-*
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Started directly (no wrapper), so $! is the tool's own pid, which also names its namespaces.
dotnet interop/bench/OlaSharp.Bench/bin/Release/net10.0/olasharp-bench.dll "$mode" \
  --olasharpd "$olasharpd" "$@" &
tool_pid=$!
# Watchdog: SIGTERM after the mode's bound (the tool then removes its namespaces and exits).
(
  trap 'kill -TERM "$sleep_pid" 2>/dev/null; exit 0' TERM
  sleep "$limit" &
  sleep_pid=$!
  wait "$sleep_pid"
  echo "run.sh: ${limit}s bound reached, stopping the tool" >&2
  kill -TERM "$tool_pid" 2>/dev/null
) &
watchdog_pid=$!
wait "$tool_pid"
