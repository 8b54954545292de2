#!/usr/bin/env bash
# Licensed under the MIT License. See LICENSE in the repository root.
#
# Private network namespaces for interop tests: anything that broadcasts,
# multicasts, or is a real olad runs in a namespace made here, never in the
# root namespace. See interop/README.md for the rules.
set -euo pipefail

readonly OLAD_USER=olad
readonly OLAD_RPC_PORT=9010
readonly OLAD_START_TIMEOUT=10
readonly SUBNET_PREFIX=198.18.0
# Plugin conf prefixes of olad 0.10.9, as written by olad into an empty conf dir.
readonly OLAD_PLUGINS=(artnet dummy e131 espnet ftdidmx gpio karate kinet milinst opendmx
  openpixelcontrol osc pathport renard sandnet shownet spi stageprofi uartdmx usbdmx usbserial)

die() {
  echo "netns.sh: $*" >&2
  exit 1
}

usage() {
  cat >&2 <<'EOF'
usage: netns.sh run [--] CMD...                 CMD in a fresh unshare -n namespace (lo + multicast on lo)
       netns.sh create NAME                     named namespace with lo up and 224.0.0.0/4 on lo
       netns.sh delete NAME                     remove a named namespace (kills nothing)
       netns.sh hosts create PREFIX N           N (2 or 3) hosts PREFIX-1..N on a bridge in PREFIX-sw,
                                                198.18.0.i/24 on eth0, multicast routed via eth0
       netns.sh hosts delete PREFIX N           remove PREFIX-1..N and PREFIX-sw
       netns.sh exec NAME [--user U] CMD...     run CMD in NAME (as user U via setpriv)
       netns.sh olad NAME DIR [PLUGINS...]      throw-away conf DIR with only PLUGINS enabled, start olad
                                                in NAME as olad, print its pid, wait for 127.0.0.1:9010
EOF
  exit 2
}

require_root() {
  [[ $(id -u) -eq 0 ]] || die "network namespaces need root (CAP_SYS_ADMIN); run as root"
}

ns_exists() {
  [[ -e /run/netns/$1 ]]
}

check_name() {
  [[ $1 =~ ^[A-Za-z0-9][A-Za-z0-9_.-]{0,40}$ ]] || die "bad namespace name: '$1'"
}

# Loopback up, and 224.0.0.0/4 routed to lo so multicast never needs a real interface.
setup_lo() {
  local ns=$1
  ip -n "$ns" link set lo up
  ip -n "$ns" route add 224.0.0.0/4 dev lo src 127.0.0.1
}

cmd_run() {
  [[ ${1:-} == -- ]] && shift
  [[ $# -gt 0 ]] || usage
  require_root
  # The inner shell configures lo, then execs CMD so its exit code is ours.
  exec unshare -n -- /bin/sh -c \
    'ip link set lo up && ip route add 224.0.0.0/4 dev lo src 127.0.0.1 && exec "$@"' sh "$@"
}

cmd_create() {
  [[ $# -eq 1 ]] || usage
  require_root
  check_name "$1"
  ip netns add "$1"
  if ! setup_lo "$1"; then
    ip netns del "$1" || true
    die "could not configure $1"
  fi
  echo "$1"
}

cmd_delete() {
  [[ $# -eq 1 ]] || usage
  require_root
  check_name "$1"
  if ip netns pids "$1" 2>/dev/null | grep -q .; then
    echo "netns.sh: warning: processes still in $1 (they keep it alive until they exit): $(ip netns pids "$1" | tr '\n' ' ')" >&2
  fi
  ip netns del "$1"
}

# Topology (no interface ever appears in the root namespace):
#   PREFIX-sw: bridge br0, ports p1..pN (veth peers)
#   PREFIX-i:  eth0 = 198.18.0.i/24, brd 198.18.0.255, 224.0.0.0/4 dev eth0, lo up
hosts_create() {
  local prefix=$1 n=$2 sw="$1-sw" i host
  ip netns add "$sw"
  ip -n "$sw" link set lo up
  ip -n "$sw" link add br0 type bridge stp_state 0 mcast_snooping 0
  ip -n "$sw" link set br0 up
  for ((i = 1; i <= n; i++)); do
    host="$prefix-$i"
    ip netns add "$host"
    ip -n "$host" link set lo up
    # Created inside the switch namespace with the peer moved straight into the host.
    ip -n "$sw" link add "p$i" type veth peer name eth0 netns "$host"
    ip -n "$sw" link set "p$i" master br0 up
    ip -n "$host" addr add "$SUBNET_PREFIX.$i/24" brd + dev eth0
    ip -n "$host" link set eth0 up
    ip -n "$host" route add 224.0.0.0/4 dev eth0
  done
}

hosts_delete() {
  local prefix=$1 n=$2 i rc=0
  for ((i = 1; i <= n; i++)); do
    if ns_exists "$prefix-$i"; then
      ip netns del "$prefix-$i" || rc=1
    fi
  done
  if ns_exists "$prefix-sw"; then
    ip netns del "$prefix-sw" || rc=1
  fi
  return $rc
}

cmd_hosts() {
  [[ $# -eq 3 ]] || usage
  require_root
  local action=$1 prefix=$2 n=$3
  check_name "$prefix"
  [[ $n == 2 || $n == 3 ]] || die "N must be 2 or 3"
  case $action in
    create)
      if ! hosts_create "$prefix" "$n"; then
        hosts_delete "$prefix" "$n" || true
        die "could not create hosts $prefix-1..$n"
      fi
      ;;
    delete) hosts_delete "$prefix" "$n" ;;
    *) usage ;;
  esac
}

# Prints "uid gid" of a user.
user_ids() {
  local entry
  entry=$(getent passwd "$1") || die "no such user: $1"
  IFS=: read -r _ _ uid gid _ <<<"$entry"
  echo "$uid $gid"
}

cmd_exec() {
  [[ $# -ge 2 ]] || usage
  require_root
  local ns=$1 user=
  shift
  check_name "$ns"
  if [[ $1 == --user ]]; then
    [[ $# -ge 3 ]] || usage
    user=$2
    shift 2
  fi
  [[ ${1:-} == -- ]] && shift
  [[ $# -gt 0 ]] || usage
  if [[ -z $user ]]; then
    exec ip netns exec "$ns" "$@"
  fi
  local ids
  read -r -a ids <<<"$(user_ids "$user")"
  # setpriv execs the program, so the pid we started is the program's pid.
  exec ip netns exec "$ns" setpriv --reuid="${ids[0]}" --regid="${ids[1]}" --init-groups -- "$@"
}

# Writes one ola-<plugin>.conf per known plugin: enabled only if listed.
write_olad_conf() {
  local dir=$1 p q enabled
  shift
  for q in "$@"; do
    local known=0
    for p in "${OLAD_PLUGINS[@]}"; do [[ $p == "$q" ]] && known=1; done
    [[ $known -eq 1 ]] || die "unknown olad plugin '$q' (known: ${OLAD_PLUGINS[*]})"
  done
  for p in "${OLAD_PLUGINS[@]}"; do
    enabled=false
    for q in "$@"; do [[ $p == "$q" ]] && enabled=true; done
    echo "enabled = $enabled" >"$dir/ola-$p.conf"
  done
}

cmd_olad() {
  [[ $# -ge 2 ]] || usage
  require_root
  local ns=$1 dir=$2
  shift 2
  check_name "$ns"
  command -v olad >/dev/null || die "olad not found: apt-get install ola"
  ns_exists "$ns" || die "no such namespace: $ns"
  [[ ! -e $dir ]] || [[ -d $dir && -z $(ls -A "$dir") ]] || die "$dir exists and is not an empty directory"
  mkdir -p "$dir"
  write_olad_conf "$dir" "$@"
  local ids
  read -r -a ids <<<"$(user_ids "$OLAD_USER")"
  chown -R "${ids[0]}:${ids[1]}" "$dir"
  chmod 755 "$dir"

  # The inner shell execs olad, so $! is olad's own pid.
  ip netns exec "$ns" setpriv --reuid="${ids[0]}" --regid="${ids[1]}" --init-groups -- \
    /bin/sh -c 'log=$1; shift; exec /usr/bin/olad "$@" >"$log" 2>&1' sh "$dir/olad.log" \
    -c "$dir" --no-register-with-dns-sd -l 3 </dev/null &
  local pid=$!
  echo "$pid"

  local deadline=$((SECONDS + OLAD_START_TIMEOUT))
  while ((SECONDS < deadline)); do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "netns.sh: olad exited early; tail of $dir/olad.log:" >&2
      tail -n 20 "$dir/olad.log" >&2 || true
      exit 1
    fi
    if ip netns exec "$ns" timeout 1 bash -c "exec 3<>/dev/tcp/127.0.0.1/$OLAD_RPC_PORT" 2>/dev/null; then
      return 0
    fi
    sleep 0.2
  done
  echo "netns.sh: olad (pid $pid) did not answer on 127.0.0.1:$OLAD_RPC_PORT within ${OLAD_START_TIMEOUT}s; stopping it" >&2
  kill -TERM "$pid" 2>/dev/null || true
  exit 1
}

main() {
  [[ $# -ge 1 ]] || usage
  local sub=$1
  shift
  case $sub in
    run) cmd_run "$@" ;;
    create) cmd_create "$@" ;;
    delete) cmd_delete "$@" ;;
    hosts) cmd_hosts "$@" ;;
    exec) cmd_exec "$@" ;;
    olad) cmd_olad "$@" ;;
    -h | --help | help) usage ;;
    *) usage ;;
  esac
}

main "$@"
