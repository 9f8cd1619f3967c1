#!/bin/sh
# open-vm-tools in the default L2 guest's initramfs (images/l2/vmtools/):
# the programs and vmtoolsd's guestInfo and powerOps plugins are there with
# Debian's paths, and Debian's dmidecode (L2 reads its SMBIOS with it); every ELF file's program interpreter and DT_NEEDED
# libraries resolve inside the initramfs (read with readelf here, not with
# the build's own closure script); the guest's own loader finds them all
# (ld.so --list in a chroot of the initramfs, as root); init starts
# vmtoolsd; tools.conf runs no state-change script; /sbin/shutdown exists
# for OS_Halt.
b=${NHV_BUILD:-build}
echo "1..7"
t() { if [ "$1" = 0 ]; then echo "ok $2 - $3"; else echo "not ok $2 - $3"; fi; }
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
if ! zcat "$b/l2/initrd.img" | (cd "$d" && cpio -id --quiet 2>/dev/null); then
	echo "Bail out! cannot unpack $b/l2/initrd.img (make iso)"
	exit 1
fi

missing=""
for f in $(sed -e 's/#.*//' images/l2/vmtools/files.list); do
	[ -f "$d/$f" ] || missing="$missing $f"
done
for f in usr/bin/vmtoolsd usr/bin/vmware-rpctool usr/bin/vmware-toolbox-cmd usr/sbin/dmidecode; do
	[ -x "$d/$f" ] || missing="$missing $f(not executable)"
done
[ -z "$missing" ] && [ -f "$d/usr/lib/x86_64-linux-gnu/open-vm-tools/plugins/vmsvc/libguestInfo.so" ] &&
	[ -f "$d/usr/lib/x86_64-linux-gnu/open-vm-tools/plugins/vmsvc/libpowerOps.so" ]
t $? 1 "vmtoolsd, vmware-rpctool, vmware-toolbox-cmd, dmidecode and the guestInfo and powerOps plugins are in the L2 initramfs${missing:+ (missing:$missing)}"

# Every dynamically linked ELF file: its interpreter and each DT_NEEDED in
# the folders Debian's ld.so searches.
unresolved=""
nelf=0
nneeded=0
for f in $(cd "$d" && find . -type f | sed 's|^\./||'); do
	hdr=$(readelf -lW "$d/$f" 2>/dev/null) || continue
	interp=$(printf '%s\n' "$hdr" | sed -n 's/.*\[Requesting program interpreter: \(.*\)\]/\1/p')
	needs=$(readelf -dW "$d/$f" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
	[ -n "$interp$needs" ] || continue
	nelf=$((nelf + 1))
	if [ -n "$interp" ] && [ ! -e "$d$interp" ]; then
		# An absolute link target is resolved inside the initramfs, not here.
		l=$(readlink "$d$interp" 2>/dev/null || true)
		case "$l" in /*) [ -e "$d$l" ] ;; *) false ;; esac || unresolved="$unresolved $f:$interp"
	fi
	for n in $needs; do
		nneeded=$((nneeded + 1))
		ok=""
		for dir in lib/x86_64-linux-gnu usr/lib/x86_64-linux-gnu lib64 lib usr/lib; do
			[ -e "$d/$dir/$n" ] && { ok=1; break; }
		done
		[ -n "$ok" ] || unresolved="$unresolved $f:$n"
	done
done
[ "$nelf" -ge 8 ] && [ -z "$unresolved" ]
t $? 2 "every DT_NEEDED and interpreter of the $nelf dynamic ELF files ($nneeded references) resolves inside the initramfs${unresolved:+ (unresolved:$unresolved)}"

# The guest's own loader, with nothing of the build host in reach.
if [ "$(id -u)" != 0 ]; then
	echo "ok 3 # SKIP not root: no chroot for ld.so --list"
else
	bad=""
	for f in usr/bin/vmtoolsd usr/bin/vmware-rpctool usr/bin/vmware-toolbox-cmd usr/sbin/dmidecode \
		usr/lib/x86_64-linux-gnu/open-vm-tools/plugins/vmsvc/libguestInfo.so \
		usr/lib/x86_64-linux-gnu/open-vm-tools/plugins/vmsvc/libpowerOps.so; do
		out=$(chroot "$d" /lib64/ld-linux-x86-64.so.2 --list "/$f" 2>&1)
		if [ $? != 0 ] || printf '%s\n' "$out" | grep -q 'not found'; then
			bad="$bad $f: $(printf '%s' "$out" | grep -m1 -E 'not found|error' | tr -s ' \t' ' ')"
		fi
	done
	[ -z "$bad" ]
	t $? 3 "the guest's ld.so (chroot of the initramfs) loads every library of the tools, plugins and dmidecode${bad:+ (failed:$bad)}"
fi

grep -q 'vmtoolsd < /dev/null > /var/log/vmtoolsd.log' "$d/init" && [ -d "$d/var/log" ]
t $? 4 "the L2 init starts vmtoolsd in the background, its output in /var/log/vmtoolsd.log"

conf=$d/etc/vmware-tools/tools.conf
[ -f "$conf" ] && [ "$(grep -cE '^(poweron|poweroff|resume|suspend)-script *= *$' "$conf")" = 4 ]
t $? 5 "tools.conf runs no state-change script (OS_Halt succeeds the first time)"

[ -x "$d/sbin/shutdown" ] && grep -q '^root:x:0:0:' "$d/etc/passwd"
t $? 6 "/sbin/shutdown (vmtoolsd's halt command) and root's /etc/passwd entry are there"

# Nothing of the packages but what files.list and its libraries need:
# no systemd units, udev rules, man pages or message catalogues.
# (/usr/share/udhcpc is the L2 init's DHCP script, images/rootfs: not from the tools packages.)
extra=$(cd "$d" && find . \( -path './lib/systemd*' -o -path './lib/udev*' -o \( -path './usr/share/*' ! -path './usr/share/udhcpc*' \) -o -name 'VGAuthService' -o -name 'vmhgfs-fuse' \) | head -n 5)
[ -z "$extra" ]
t $? 7 "only what the tools need is copied (no units, udev rules, docs, VGAuth or HGFS)${extra:+ (found: $extra)}"
