#!/usr/bin/env bash
# The build works offline (issue 15): restore every project of the solution again with no network at all (a
# private network namespace) and no cached HTTP answers, from the package cache the online restore filled.
# NuGet then cannot fetch its vulnerability data (NU1900): that must stay a warning, not fail the build
# (a known vulnerability, NU1901-NU1904, still does), and no project may need to ask the feed anything.
# Run after an online restore; the build that follows uses what this restore wrote (same packages).
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" -eq 0 ] || { echo "offline-build: needs root (unshare -n)" >&2; exit 1; }
http_cache=$(mktemp -d)
log=$(mktemp)
trap 'rm -rf "$http_cache" "$log"' EXIT
if ! NUGET_HTTP_CACHE_PATH="$http_cache" unshare -n dotnet restore OlaSharp.sln --force -nologo >"$log" 2>&1; then
  cat "$log" >&2
  echo "offline-build: FAILED: restoring the solution needs the network" >&2
  exit 1
fi
grep -q "warning NU1900" "$log" || { cat "$log" >&2; echo "offline-build: no NU1900 warning: was the network really unreachable?" >&2; exit 1; }
echo "offline-build: ok (the whole solution restored with no network; NU1900 reported as a warning)"
