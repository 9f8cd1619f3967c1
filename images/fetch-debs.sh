#!/bin/sh
# Download the Debian packages of LIST with `apt-get download` into DEBDIR
# (kept there: later builds reuse them) and unpack them all with
# `dpkg-deb -x` into DEST.  Nothing is installed on the build host.
# Usage: images/fetch-debs.sh LIST DEBDIR DEST
# Used for open-vm-tools in the L2 image (images/l2/vmtools/packages.list)
# and nft/dnsmasq in the appliance (images/netdebs.list).
# LIST: one package a line, '#' starts a comment (amd64 packages).
set -eu
list=$1
debdir=$2
dest=$3
mkdir -p "$debdir"

. "$(dirname "$0")/deb-download.sh"
pkgs=$(sed -e 's/#.*//' "$list")
[ -n "$(echo $pkgs)" ] || { echo "fetch-debs: $list names no package" >&2; exit 1; }
# shellcheck disable=SC2086
if ! deb_download "$debdir" $pkgs; then
	echo "fetch-debs: a package named in $list could not be downloaded" >&2
	exit 1
fi

tmp=$dest.tmp
rm -rf "$tmp"
mkdir -p "$tmp"
for p in $pkgs; do
	deb=$(deb_of "$p" "$debdir")
	if ! dpkg-deb -x "$deb" "$tmp"; then
		rm -rf "$tmp"
		echo "fetch-debs: $deb is corrupt (dpkg-deb -x failed); delete it and run make again" >&2
		exit 1
	fi
	echo "$(basename "$deb")" >> "$tmp/.debs"
done
rm -rf "$dest"
mv "$tmp" "$dest"
echo "fetch-debs: unpacked $(echo $pkgs | wc -w) packages of $list into $dest"
