#!/bin/sh
# Build a static musl libpci from Debian's pciutils source package.
# Usage: images/build-libpci.sh BUILD_DIR MUSL_INCLUDE_DIR
# Result: BUILD_DIR/libpci/lib/libpci.a and BUILD_DIR/libpci/include/pci/*.h
set -eu
build=$(realpath "$1")
muslinc=$(realpath "$2")
work=$build/src/pciutils
out=$build/libpci
"$(dirname "$0")/fetch-debsrc.sh" "$work" pciutils
tarball=$(ls "$work"/pciutils_*.orig.tar.* | head -n 1)
rm -rf "$work/tree"
mkdir -p "$work/tree"
tar -xf "$tarball" -C "$work/tree" --strip-components=1 || {
	echo "libpci: $tarball is corrupt; delete $work and run make again" >&2
	exit 1
}
make -s -C "$work/tree" CC="musl-gcc -isystem $muslinc" ZLIB=no DNS=no SHARED=no \
	HWDB=no LIBKMOD=no IDSDIR=/usr/share/misc lib/libpci.a >"$work/build.log" 2>&1 || {
	echo "libpci: build failed; see $work/build.log" >&2
	tail -n 20 "$work/build.log" >&2
	exit 1
}
rm -rf "$out.tmp"
mkdir -p "$out.tmp/lib" "$out.tmp/include/pci"
cp "$work/tree/lib/libpci.a" "$out.tmp/lib/"
cp "$work/tree/lib/pci.h" "$work/tree/lib/header.h" "$work/tree/lib/types.h" \
	"$work/tree/lib/config.h" "$out.tmp/include/pci/"
rm -rf "$out"
mv "$out.tmp" "$out"
echo "libpci: built $out/lib/libpci.a"
