#!/usr/bin/env bash
# Installs the real peers the interop tests run, when missing: OLA 0.10.9 (olad, CLI tools, Python
# client), tshark, socat, curl, iproute2/util-linux (network namespaces), Debian's python3 with grpcio and
# grpc-tools (the Python gRPC client), nodejs/npm (the Node gRPC client; its npm deps come from package-lock.json),
# Debian's chromium (the web UI tests drive /usr/bin/chromium with playwright-core from interop/clients/browser)
# and qlcplus (QLC+ 4.12, run headless as the console on the same host as olasharpd).
# The native builds and packages (packaging/, issue 15): clang, lld, gcc, libc6-dev, binutils (native AOT
# links with clang; amd64 with the host's ld and crt files); gcc-aarch64-linux-gnu (the crt files and libgcc
# clang's aarch64 target links with), binutils-aarch64-linux-gnu (objcopy, readelf for aarch64),
# libc6-dev-arm64-cross (the arm64 libc to link against) and libc6-arm64-cross (to run it), qemu-user-static
# (the arm64 binary runs under qemu-aarch64-static), systemd (systemd-analyze verify of the unit), file.
# Not needed: dpkg-dev and fakeroot (dpkg-deb, in dpkg itself, builds with --root-owner-group), debhelper.
# Needs root; without root it only lists what is missing. Never downloads anything but Debian packages.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
need=()
for pkg in ola ola-python tshark socat curl iproute2 util-linux python3 python3-grpcio python3-grpc-tools chromium qlcplus \
  clang lld gcc libc6-dev binutils gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu libc6-dev-arm64-cross \
  libc6-arm64-cross qemu-user-static systemd file; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need+=("$pkg")
done
# Any node and npm will do (a NodeSource nodejs bundles npm and conflicts with Debian's npm package).
command -v node >/dev/null && command -v npm >/dev/null || need+=(nodejs npm)
[ "${#need[@]}" -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "interop peers missing: ${need[*]} (run: sudo apt-get install ${need[*]})" >&2
  exit 1
fi
echo "installing interop peers: ${need[*]}"
apt-get update -q
# tshark asks whether non-root users may capture; answer no without a prompt.
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
apt-get install -y -q --no-install-recommends "${need[@]}"
