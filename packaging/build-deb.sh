#!/usr/bin/env bash
# Builds the Debian package of the native olasharpd:
#   packaging/build-deb.sh amd64|arm64 [BINARY]
# gives artifacts/olasharp_<version>_<arch>.deb (version: <Version> in Directory.Build.props). Without
# BINARY it publishes one first (packaging/publish-native.sh into artifacts/native/<arch>/).
# Needs dpkg-dev only (dpkg-deb --root-owner-group: no fakeroot); no debhelper.
#
# Contents: /usr/bin/olasharpd (native, needs only libc: web UI embedded, no .NET runtime, no libssl,
# no libicu), /usr/lib/systemd/system/olasharpd.service (conf/olasharpd.service), the maintainer scripts
# in packaging/debian/ (user olasharp in dialout and gpio, /etc/ola, olad handed over), and
# /usr/share/doc/olasharp (README, copyright, the Raspberry Pi example conf files).
set -euo pipefail
cd "$(dirname "$0")/.."
arch=${1:-}
case "$arch" in
  amd64) elf='x86-64' ;;
  arm64) elf='ARM aarch64' ;;
  *) echo "usage: $0 amd64|arm64 [BINARY]" >&2; exit 2 ;;
esac
bin=${2:-}
if [ -z "$bin" ]; then
  packaging/publish-native.sh "$arch" "artifacts/native/$arch"
  bin=artifacts/native/$arch/olasharpd
fi
file -b "$bin" | grep -q "$elf" || { echo "build-deb: $bin is not an $arch executable: $(file -b "$bin")" >&2; exit 1; }

version=$(sed -n 's:.*<Version>\([^<]*\)</Version>.*:\1:p' Directory.Build.props | head -n1)
[ -n "$version" ] || { echo "build-deb: no <Version> in Directory.Build.props" >&2; exit 1; }

# The lowest libc the binary can run on: the highest GLIBC_x.y symbol version it references (what
# dpkg-shlibdeps would derive; it cannot read the arm64 cross libc's symbol files on an x64 host).
readelf=readelf
[ "$arch" = arm64 ] && command -v aarch64-linux-gnu-readelf >/dev/null && readelf=aarch64-linux-gnu-readelf
glibc=$("$readelf" -V "$bin" | grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/GLIBC_//' | sort -uV | tail -n1)
needed=$("$readelf" -d "$bin" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ')
for lib in $needed; do
  case "$lib" in
    libc.so.6|libm.so.6|ld-linux-*.so.*) ;;
    *) echo "build-deb: olasharpd needs $lib, which the control file does not depend on" >&2; exit 1 ;;
  esac
done

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
chmod 0755 "$root"
install -D -m 0755 "$bin" "$root/usr/bin/olasharpd"
install -D -m 0644 conf/olasharpd.service "$root/usr/lib/systemd/system/olasharpd.service"
doc=$root/usr/share/doc/olasharp
install -D -m 0644 README.md "$doc/README.md"
install -D -m 0644 LICENSE "$doc/copyright"
install -d "$doc/examples/pi"
install -m 0644 conf/pi/ola-uartdmx.conf conf/pi/ola-port.conf conf/pi/config.txt "$doc/examples/pi/"
install -m 0644 conf/ola-server.conf conf/ola-e131.conf conf/ola-dummy.conf "$doc/examples/"
install -d "$root/DEBIAN"
install -m 0755 packaging/debian/postinst packaging/debian/prerm packaging/debian/postrm "$root/DEBIAN/"
size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
cat > "$root/DEBIAN/control" <<CONTROL
Package: olasharp
Version: $version
Architecture: $arch
Maintainer: OlaSharp contributors <maintainers@users.noreply.r-seed-7a0e3b56.example>
Installed-Size: $size
Depends: libc6 (>= $glibc), adduser, init-system-helpers
Suggests: ola
Section: electronics
Priority: optional
Description: OLA-compatible DMX512 server (olad drop-in), native build
 olasharpd does the job of OLA's olad: the same /etc/ola conf files, HTTP and
 web UI on 9090, OLA's client protocol on 9010 (OLA's ola_* tools and Python
 client work against it), plus a gRPC API. Art-Net and sACN in and out, and a
 native UART DMX line for a Raspberry Pi RS-485 hat on /dev/ttyAMA0.
 .
 Installing stops and disables olad, which uses the same ports; the ola
 package itself (its tools and Python client) stays usable.
CONTROL
(cd "$root" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z | xargs -0 md5sum) > "$root/DEBIAN/md5sums"
mkdir -p artifacts
deb=artifacts/olasharp_${version}_${arch}.deb
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
echo "build-deb: $deb ($(du -h "$deb" | cut -f1); olasharpd $(du -h "$bin" | cut -f1), libc6 >= $glibc)"
