#!/usr/bin/env bash
# Installs the amd64 package on this machine, runs the unit's command as the service user in a private
# network (and mount) namespace, checks that it answers and stops on SIGTERM, then purges the package and
# checks that what it added is gone and what it changed is back.
#   packaging/test-deb.sh [artifacts/olasharp_<version>_amd64.deb]      (root; CI runs it from .ci/run)
# Where systemd is not PID 1 (CI, containers) the install must enable olasharpd but start nothing.
# The server never runs in the root network namespace, and never writes the machine's /etc/ola: it gets a
# copy of it (same owner and modes as postinst left them) bind-mounted over /etc/ola in its namespace.
set -euo pipefail
cd "$(dirname "$0")/.."
say() { echo "test-deb: $*"; }
fail() { echo "test-deb: FAIL: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || fail "needs root (apt-get install, namespaces)"
deb=${1:-$(ls artifacts/olasharp_*_amd64.deb 2>/dev/null | tail -n1)}
[ -f "$deb" ] || fail "no package: build it with packaging/build-deb.sh amd64"
if dpkg-query -W -f='${Status}' olasharp 2>/dev/null | grep -q 'ok installed'; then
  fail "olasharp is already installed here; this test installs and purges it, so it will not touch that one"
fi

work=$(mktemp -d)
chmod 0755 "$work"
installed=no
cleanup() {
  rc=$?
  if [ "$installed" = yes ]; then
    say "cleanup: purging olasharp"
    apt-get purge -y -q olasharp >/dev/null 2>&1 || dpkg --purge olasharp >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
  [ "$rc" -eq 0 ] || echo "test-deb: FAILED (exit $rc)" >&2
  exit "$rc"
}
trap cleanup EXIT

# What the package may change and must give back.
etc_ola_before=$( [ -d /etc/ola ] && stat -c '%U:%G %a' /etc/ola || echo absent)
gpio_before=$(getent group gpio >/dev/null && echo yes || echo no)
olad_links_before=$(ls /etc/rc[0-6].d/ 2>/dev/null | grep 'olad$' | sort | tr '\n' ' ' || true)

t0=$(date +%s)
say "apt-get install -y ./$deb"
installed=yes
apt-get install -y -q "./$deb"

unit=/usr/lib/systemd/system/olasharpd.service
user=$(sed -n 's/^User=//p' "$unit")
group=$(sed -n 's/^Group=//p' "$unit")
cmd=$(sed -n 's/^ExecStart=//p' "$unit")
[ -x /usr/bin/olasharpd ] || fail "/usr/bin/olasharpd missing"
[ -f "$unit" ] || fail "$unit missing"
[ "$user" = olasharp ] || fail "unit's User= is '$user'"
getent passwd "$user" >/dev/null || fail "user $user not created"
for g in dialout gpio; do
  id -nG "$user" | tr ' ' '\n' | grep -qx "$g" || fail "$user is not in group $g ($(id -nG "$user"))"
done
[ "$(stat -c %U /etc/ola)" = "$user" ] || fail "/etc/ola is owned by $(stat -c %U /etc/ola), not $user"
[ -L /etc/systemd/system/multi-user.target.wants/olasharpd.service ] || fail "olasharpd.service not enabled"
say "installed: user $user in $(id -nG "$user" | tr ' ' ','), /etc/ola $(stat -c '%U:%G %a' /etc/ola), unit enabled"
out=$(systemd-analyze verify "$unit" 2>&1) || fail "systemd-analyze verify: $out"
[ -z "$out" ] || fail "systemd-analyze verify warns: $out"
say "systemd-analyze verify $unit: clean"

# olasharpd doctor finds the packaged unit (/usr/lib/systemd/system) and so checks its user, not root.
doctor=$(olasharpd doctor 2>&1 || true)
grep -q "$user (User= in $unit)" <<<"$doctor" || fail "olasharpd doctor does not name the packaged unit's user: $doctor"
say "olasharpd doctor checks the service user $user (User= in $unit)"

if [ -d /run/systemd/system ]; then
  say "systemd is PID 1 here: olasharpd.service $(systemctl is-active olasharpd.service || true)"
else
  if pgrep -u "$user" >/dev/null; then fail "a process of $user runs although systemd is not PID 1: $(pgrep -a -u "$user")"; fi
  say "systemd is not PID 1 here (PID 1 is $(cat /proc/1/comm)): postinst enabled olasharpd but started nothing, as it should"
fi

# The unit's command, as the unit's user and groups, in a private network + mount namespace.
cat > "$work/inner.sh" <<INNER
set -euo pipefail
work=$work
ip link set lo up
cp -a /etc/ola "\$work/etc-ola"
mount --bind "\$work/etc-ola" /etc/ola
setpriv --reuid=$user --regid=$group --init-groups -- $cmd >"\$work/server.log" 2>&1 &
pid=\$!
trap 'kill -KILL \$pid 2>/dev/null || true' EXIT
for _ in \$(seq 1 100); do
  grep -q OLASHARPD_READY "\$work/server.log" && break
  kill -0 \$pid 2>/dev/null || { cat "\$work/server.log" >&2; echo "test-deb: FAIL: server exited before it was ready" >&2; exit 1; }
  sleep 0.1
done
grep OLASHARPD_READY "\$work/server.log" || { cat "\$work/server.log" >&2; echo "test-deb: FAIL: not ready in 10 s" >&2; exit 1; }
[ "\$(stat -c %U /proc/\$pid)" = $user ] || { echo "test-deb: FAIL: server runs as \$(stat -c %U /proc/\$pid)" >&2; exit 1; }
for g in dialout gpio; do
  gid=\$(getent group \$g | cut -d: -f3)
  grep -q "^Groups:.*\\b\$gid\\b" /proc/\$pid/status || { echo "test-deb: FAIL: server not in group \$g" >&2; exit 1; }
done
code=\$(curl -s -o "\$work/index.html" -w '%{http_code}' http://127.0.0.1:9090/)
[ "\$code" = 200 ] && grep -q '/ui/app.js' "\$work/index.html" || { echo "test-deb: FAIL: GET / gave \$code" >&2; exit 1; }
code=\$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:9090/ui/app.js)
[ "\$code" = 200 ] || { echo "test-deb: FAIL: GET /ui/app.js gave \$code" >&2; exit 1; }
echo "test-deb: HTTP: GET / 200, /ui/app.js 200 (the web UI is in the binary)"
ola_dev_info >"\$work/dev_info" 2>&1 || { cat "\$work/dev_info" >&2; echo "test-deb: FAIL: ola_dev_info failed" >&2; exit 1; }
grep -q 'Dummy' "\$work/dev_info" || { cat "\$work/dev_info" >&2; echo "test-deb: FAIL: ola_dev_info lists no dummy device" >&2; exit 1; }
echo "test-deb: OLA RPC: ola_dev_info: \$(grep -c '^Device' "\$work/dev_info") device(s)"
/usr/bin/python3 - <<'PY'   # Debian's python3 (python3-grpcio), not a pyenv one on PATH
import grpc, sys
ch = grpc.insecure_channel("127.0.0.1:50051")
check = ch.unary_unary("/grpc.health.v1.Health/Check")
for name, req in (("overall", b""), ("olasharp.v1", b"\x0a\x0bolasharp.v1")):
    rsp = check(req, timeout=10)
    if rsp != b"\x08\x01":
        sys.exit("test-deb: FAIL: gRPC health %s answered %r, not SERVING" % (name, rsp))
print("test-deb: gRPC: grpc.health.v1.Health/Check SERVING (overall, olasharp.v1)")
PY
written=\$(find /etc/ola -maxdepth 1 -name 'ola-*.conf' -user $user | wc -l)
[ "\$written" -gt 0 ] || { ls -la /etc/ola >&2; echo "test-deb: FAIL: no conf file written in /etc/ola as $user" >&2; exit 1; }
echo "test-deb: /etc/ola: \$written conf files written by $user"
t=\$(date +%s%N)
kill -TERM \$pid
rc=0; wait \$pid || rc=\$?
ms=\$(( (\$(date +%s%N) - t) / 1000000 ))
[ "\$rc" -eq 0 ] || { tail -20 "\$work/server.log" >&2; echo "test-deb: FAIL: exit \$rc after SIGTERM" >&2; exit 1; }
if grep -E '(fail|crit|error):' "\$work/server.log" >&2; then echo "test-deb: FAIL: the server logged errors" >&2; exit 1; fi
echo "test-deb: SIGTERM: exit 0 in \$ms ms"
INNER
say "running '$cmd' as $user (setpriv, groups from the unit's user) in unshare -n -m"
unshare -n -m --propagation private -- bash "$work/inner.sh"

say "apt-get purge -y olasharp"
apt-get purge -y -q olasharp
installed=no
! getent passwd olasharp >/dev/null || fail "user olasharp left after purge"
! getent group olasharp >/dev/null || fail "group olasharp left after purge"
[ "$gpio_before" = yes ] || ! getent group gpio >/dev/null || fail "group gpio (created by the package) left after purge"
[ "$gpio_before" = no ] || getent group gpio >/dev/null || fail "group gpio (the system's) removed by purge"
for f in /usr/bin/olasharpd "$unit" /etc/systemd/system/multi-user.target.wants/olasharpd.service \
  /var/lib/systemd/deb-systemd-helper-enabled/olasharpd.service.dsh-also \
  /var/lib/systemd/deb-systemd-helper-enabled/multi-user.target.wants/olasharpd.service \
  /var/lib/systemd/deb-systemd-helper-masked/olasharpd.service /var/lib/olasharp; do
  [ ! -e "$f" ] && [ ! -L "$f" ] || fail "$f left after purge"
done
etc_ola_after=$( [ -d /etc/ola ] && stat -c '%U:%G %a' /etc/ola || echo absent)
[ "$etc_ola_after" = "$etc_ola_before" ] || fail "/etc/ola was '$etc_ola_before', is '$etc_ola_after' after purge"
olad_links_after=$(ls /etc/rc[0-6].d/ 2>/dev/null | grep 'olad$' | sort | tr '\n' ' ' || true)
[ "$olad_links_after" = "$olad_links_before" ] || fail "olad's rc links were '$olad_links_before', are '$olad_links_after'"
say "purged: user, group, unit, its state, binary gone; /etc/ola ($etc_ola_after) and olad's links as before"
say "ok ($(( $(date +%s) - t0 )) s)"
