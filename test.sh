#!/usr/bin/env bash
# Runs every test project in the solution (unit, server-process and interop tests).
# Interop tests need root (network namespaces) and Debian's ola, ola-python, tshark and socat:
# .ci/run installs them; locally they fail with a message naming what to install.
set -uo pipefail
cd "$(dirname "$0")"
# Interop tests run real peers; install them when we can (root), else say what is missing.
bash interop/install-peers.sh || echo "test.sh: interop tests will fail until the peers above are installed" >&2
log=$(mktemp)
trap 'rm -f "$log"' EXIT
dotnet test OlaSharp.sln -c Release --logger "console;verbosity=normal" "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
# One closing line summing every test assembly ("Passed!  - Failed: 0, Passed: 45, ...").
passed=$(grep -oE 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -oE 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
echo "tests: ${passed:-0} passed, ${failed:-0} failed"
# Name the failures again at the very end, so the tail of a long CI log says which tests failed.
if [ "${failed:-0}" -gt 0 ]; then
  grep -E '^[[:space:]]+Failed [A-Za-z]' "$log" | sed 's/^[[:space:]]*/  /' | sort -u
fi
if [ "$rc" -eq 0 ] && [ "${passed:-0}" -eq 0 ]; then
  echo "test.sh: no test ran" >&2
  exit 1
fi
exit "$rc"
