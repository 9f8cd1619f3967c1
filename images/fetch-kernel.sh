#!/bin/sh
# Fetch Debian's kernel image package for ABI $1 (e.g. 6.1.0-56) with
# `apt-get download` and unpack it under $2 (never installed on the host).
# Leaves $2/boot/vmlinuz-<abi>-amd64 and $2/lib/modules/<abi>-amd64.
set -eu
abi=$1
dest=$2
pkg=linux-image-$abi-amd64
debdir=$(dirname "$dest")/deb
mkdir -p "$debdir"

. "$(dirname "$0")/deb-download.sh"
if ! deb_download "$debdir" "$pkg"; then
	echo "kernel: could not download $pkg; is KABI=$abi still in Debian's archive?" >&2
	exit 1
fi
deb=$(deb_of "$pkg" "$debdir")
if ! dpkg-deb --info "$deb" >/dev/null 2>&1; then
	echo "kernel: $deb is corrupt (dpkg-deb cannot read it); delete it and run make again" >&2
	exit 1
fi
tmp=$dest.tmp
rm -rf "$tmp"
if ! dpkg-deb -x "$deb" "$tmp"; then
	rm -rf "$tmp"
	echo "kernel: $deb is corrupt (dpkg-deb -x failed); delete it and run make again" >&2
	exit 1
fi
for f in "$tmp/boot/vmlinuz-$abi-amd64" "$tmp/lib/modules/$abi-amd64/modules.order"; do
	if [ ! -s "$f" ]; then
		rm -rf "$tmp"
		echo "kernel: $deb lacks $(echo "$f" | sed "s|^$tmp||"); wrong package?" >&2
		exit 1
	fi
done
# The package leaves modules.dep and modules.alias to depmod at install
# time; make them here, for the unpacked tree.
if ! depmod -b "$tmp" "$abi-amd64"; then
	rm -rf "$tmp"
	echo "kernel: depmod failed on the modules of $deb" >&2
	exit 1
fi
rm -rf "$dest"
mv "$tmp" "$dest"
echo "kernel: unpacked $(basename "$deb") into $dest"
