# initramfs-common.sh - sourced by images/mkinitramfs.sh (the appliance) and
# images/l2/mkl2initramfs.sh (the default L2 guest): the checks both need,
# a staging folder with busybox-static and a link per applet, and packing.
# The sourcing script sets out, kdir, kver and what (its name in messages).
mods=$kdir/lib/modules/$kver
stage=$out.d

fail() { echo "$what: $*" >&2; rm -rf "$stage" "$out.tmp"; exit 1; }

# stage_busybox DIR...: checks the kernel tree and busybox, then creates the
# staging folder with DIRs and busybox's applet links.
stage_busybox() {
	[ -f "$mods/modules.dep" ] || fail "no $mods/modules.dep (kernel package not unpacked?)"
	[ -x /bin/busybox ] || fail "no /bin/busybox (install busybox-static)"
	/bin/busybox --list-full >/dev/null 2>&1 || fail "/bin/busybox is not busybox-static"
	rm -rf "$stage"
	mkdir -p "$stage"
	for d in "$@"; do
		mkdir -p "$stage/$d"
	done
	cp /bin/busybox "$stage/bin/busybox"
	for applet in $("$stage/bin/busybox" --list-full); do
		[ -e "$stage/$applet" ] || ln -s /bin/busybox "$stage/$applet"
	done
}

# stage_pack COMPRESSOR [ARGS]: the staging folder as a newc cpio archive,
# compressed, atomically to $out; the staging folder is removed.
stage_pack() {
	(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) |
		"$@" > "$out.tmp" || fail "cpio/$1 failed"
	rm -rf "$stage"
	mv "$out.tmp" "$out"
}
