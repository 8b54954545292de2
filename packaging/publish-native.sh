#!/usr/bin/env bash
# Publishes olasharpd as a native (AOT) executable for one Debian architecture:
#   packaging/publish-native.sh amd64|arm64 OUTDIR
# leaves OUTDIR/olasharpd (stripped) and OUTDIR/olasharpd.dbg (its symbols) and nothing else.
#
# arm64 on an x64 host is a cross-compile with Debian's own tools (no downloaded toolchain):
#   clang + lld link for --target=aarch64-linux-gnu (the ILCompiler targets derive the triple from the
#   RID); clang finds the cross libc (libc6-dev-arm64-cross, /usr/aarch64-linux-gnu) and crt files
#   (gcc-aarch64-linux-gnu, /usr/lib/gcc-cross/aarch64-linux-gnu) on its own, so no SysRoot is set;
#   lld because the default bfd flavour would need the host's ld to know aarch64; the x64 objcopy
#   cannot strip an aarch64 ELF, so binutils-aarch64-linux-gnu's does.
# The same command on an arm64 machine (a Pi 4/5 with the .NET SDK) builds natively.
set -euo pipefail
cd "$(dirname "$0")/.."
arch=${1:-}
out=${2:-}
case "$arch" in
  amd64) rid=linux-x64; host=x86_64 ;;
  arm64) rid=linux-arm64; host=aarch64 ;;
  *) echo "usage: $0 amd64|arm64 OUTDIR" >&2; exit 2 ;;
esac
[ -n "$out" ] || { echo "usage: $0 amd64|arm64 OUTDIR" >&2; exit 2; }

props=(-p:PublishAot=true)
# AOT and trim warnings fail the publish (IlcTreatWarningsAsErrors follows TreatWarningsAsErrors).
if [ "$(uname -m)" != "$host" ]; then
  case "$arch" in
    arm64)
      for tool in clang ld.lld aarch64-linux-gnu-objcopy; do
        command -v "$tool" >/dev/null || { echo "publish-native: $tool missing (apt-get install clang lld binutils-aarch64-linux-gnu gcc-aarch64-linux-gnu libc6-dev-arm64-cross)" >&2; exit 1; }
      done
      [ -e /usr/aarch64-linux-gnu/lib/libc.so ] || { echo "publish-native: libc6-dev-arm64-cross missing" >&2; exit 1; }
      props+=(-p:LinkerFlavor=lld -p:ObjCopyName=aarch64-linux-gnu-objcopy) ;;
    *) echo "publish-native: cross-compiling to $arch from $(uname -m) is not set up" >&2; exit 1 ;;
  esac
fi

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
dotnet publish src/OlaSharp.Server -c Release -r "$rid" "${props[@]}" -o "$stage" -nologo -v:m
mkdir -p "$out"
install -m 0755 "$stage/olasharpd" "$out/olasharpd"
[ ! -e "$stage/olasharpd.dbg" ] || install -m 0644 "$stage/olasharpd.dbg" "$out/olasharpd.dbg"
echo "publish-native: $out/olasharpd: $(file -b "$out/olasharpd" | cut -d, -f1-2) ($(du -h "$out/olasharpd" | cut -f1))"
