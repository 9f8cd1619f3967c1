#!/bin/sh
# Build the default L2 guest's initramfs: busybox-static, the virtio modules
# of images/l2/modules.list (dependencies first, in load.list order) and
# images/l2/init.  Its kernel is the appliance's own (docs/nhv-vm.md).
# Usage: images/l2/mkl2initramfs.sh OUT.img KDIR KVER
set -eu
out=$1
kdir=$2
kver=$3
here=$(cd "$(dirname "$0")" && pwd)
what="l2 initramfs"
. "$here/../initramfs-common.sh"

stage_busybox bin sbin etc proc sys dev tmp root lib/modules usr/bin usr/sbin
cp "$here/init" "$stage/init"
chmod 755 "$stage/init"
cp "$here/inittab" "$stage/etc/inittab"
mkdir -p "$stage/usr/share/udhcpc"
cp "$here/../rootfs/usr/share/udhcpc/default.script" "$stage/usr/share/udhcpc/default.script"
mkdir -p "$stage/etc/acpi"
cp "$here/acpid.conf" "$stage/etc/acpid.conf"
cp "$here/acpi-power" "$stage/etc/acpi/power"
chmod 755 "$stage/etc/acpi/power"

# Dependencies before the modules that need them, each module once.
order=""
add() {
	local path deps d
	path=$(awk -v m="$1" '{ p = $1; sub(":", "", p); n = p; sub(".*/", "", n);
		sub("\\.ko.*", "", n); gsub("-", "_", n); if (n == m) { print p; exit } }' \
		"$mods/modules.dep")
	[ -n "$path" ] || fail "module $1 is not in $kver (images/l2/modules.list)"
	case " $order " in *" $path "*) return 0 ;; esac
	deps=$(grep "^$path:" "$mods/modules.dep" | cut -d: -f2)
	for d in $deps; do
		d=${d##*/}
		add "$(echo "${d%%.ko*}" | tr '-' '_')"
	done
	order="$order $path"
}
for m in $(sed -e 's/#.*//' "$here/modules.list" | tr '-' '_'); do
	add "$m"
done
: > "$stage/lib/modules/load.list"
for p in $order; do
	mkdir -p "$stage/lib/modules/$(dirname "$p")"
	cp "$mods/$p" "$stage/lib/modules/$p"
	echo "$p" >> "$stage/lib/modules/load.list"
done

stage_pack gzip -9n
echo "l2 initramfs: $out ($(du -k "$out" | cut -f1) KiB, $(echo $order | wc -w) modules)"
