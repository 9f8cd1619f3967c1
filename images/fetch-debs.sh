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

# deb_of PKG: the newest PKG_*.deb in DEBDIR, or nothing.
deb_of() {
	ls "$debdir/$1"_*_amd64.deb "$debdir/$1"_*_all.deb 2>/dev/null | sort -V | tail -n 1
}

pkgs=$(sed -e 's/#.*//' "$list")
[ -n "$(echo $pkgs)" ] || { echo "fetch-debs: $list names no package" >&2; exit 1; }
missing=""
for p in $pkgs; do
	[ -n "$(deb_of "$p")" ] || missing="$missing $p:amd64"
done
if [ -n "$missing" ]; then
	echo "fetch-debs: downloading$missing"
	# shellcheck disable=SC2086
	(cd "$debdir" && apt-get download $missing 2>&1 | grep -v '^W: Download is performed unsandboxed' >&2) || true
fi

tmp=$dest.tmp
rm -rf "$tmp"
mkdir -p "$tmp"
for p in $pkgs; do
	deb=$(deb_of "$p")
	if [ -z "$deb" ]; then
		rm -rf "$tmp"
		echo "fetch-debs: could not download $p (named in $list); apt-cache policy $p says:" >&2
		apt-cache policy "$p" >&2 || true
		exit 1
	fi
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
