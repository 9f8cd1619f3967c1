#!/bin/sh
# Download the Debian packages named in LIST (one a line, '#' comments)
# with `apt-get download` into DEBDIR and unpack them all into DEST (never
# installed on the host), like images/fetch-kernel.sh does for the kernel.
# Usage: images/fetch-debs.sh LIST DEBDIR DEST
set -eu
. "$(dirname "$0")/deb-download.sh"
list=$1
debdir=$2
dest=$3
mkdir -p "$debdir"
tmp=$dest.tmp
rm -rf "$tmp"
mkdir -p "$tmp"
for pkg in $(sed -e 's/#.*//' "$list"); do
	if ! deb=$(deb_download "$pkg" "$debdir"); then
		rm -rf "$tmp"
		echo "debs: could not download $pkg ($list)" >&2
		exit 1
	fi
	if ! dpkg-deb -x "$deb" "$tmp"; then
		rm -rf "$tmp"
		echo "debs: $deb is corrupt (dpkg-deb -x failed); delete it and run make again" >&2
		exit 1
	fi
done
rm -rf "$dest"
mv "$tmp" "$dest"
echo "debs: unpacked $(sed -e 's/#.*//' "$list" | grep -c .) packages of $list into $dest"
