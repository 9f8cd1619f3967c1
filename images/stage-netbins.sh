#!/bin/sh
# Copy Debian's nft and dnsmasq from ROOT (unpacked by images/fetch-debs.sh
# from images/netdebs.list) into the staging folder STAGE with every shared
# library they need, found by their DT_NEEDED entries (readelf), and glibc's
# dynamic loader at /lib64/ld-linux-x86-64.so.2.  Fails naming a missing
# library.  Usage: images/stage-netbins.sh ROOT STAGE
set -eu
root=$1
stage=$2
libdirs="lib/x86_64-linux-gnu usr/lib/x86_64-linux-gnu"
done_libs=""

fail() { echo "stage-netbins: $*" >&2; exit 1; }

# copy_deps FILE: its DT_NEEDED libraries, recursively.
copy_deps() {
	local lib d found
	for lib in $(readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
		case " $done_libs " in *" $lib "*) continue ;; esac
		done_libs="$done_libs $lib"
		found=""
		for d in $libdirs; do
			if [ -e "$root/$d/$lib" ]; then
				found=$d
				break
			fi
		done
		[ -n "$found" ] || fail "$lib (needed by ${1#$root/}) is in no package of images/netdebs.list"
		mkdir -p "$stage/$found"
		cp -L "$root/$found/$lib" "$stage/$found/$lib"
		copy_deps "$root/$found/$lib"
	done
}

for bin in usr/sbin/nft usr/sbin/dnsmasq; do
	[ -x "$root/$bin" ] || fail "no $root/$bin (images/fetch-debs.sh images/netdebs.list)"
	mkdir -p "$stage/$(dirname "$bin")"
	cp "$root/$bin" "$stage/$bin"
	copy_deps "$root/$bin"
done
[ -e "$root/lib64/ld-linux-x86-64.so.2" ] || fail "no dynamic loader in $root (libc6)"
mkdir -p "$stage/lib64"
cp -L "$root/lib64/ld-linux-x86-64.so.2" "$stage/lib64/ld-linux-x86-64.so.2"
echo "stage-netbins: nft, dnsmasq and$(echo "$done_libs" | wc -w) libraries"
