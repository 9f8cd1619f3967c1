#!/bin/sh
# Build the default L2 guest's initramfs: busybox-static, the virtio modules
# of images/l2/modules.list (dependencies first, in load.list order),
# images/l2/init and, with VMTOOLS (a tree of unpacked Debian packages,
# images/fetch-debs.sh), open-vm-tools and dmidecode: the files of
# images/l2/vmtools/files.list and their shared libraries.  Its kernel is
# the appliance's own (docs/nhv-vm.md).
# Usage: images/l2/mkl2initramfs.sh OUT.img KDIR KVER [VMTOOLS]
set -eu
out=$1
kdir=$2
kver=$3
vmtools=${4:-}
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

# open-vm-tools: each file with its Debian path; a symbolic link (a
# library's soname, /lib64's loader) is kept as a link, with its target.
ntools=0
if [ -n "$vmtools" ]; then
	files=$(sed -e 's/#.*//' "$here/vmtools/files.list")
	closure=$("$here/elf-closure.sh" "$vmtools" $files) ||
		fail "the open-vm-tools files or their libraries are incomplete in $vmtools (images/l2/vmtools/packages.list)"
	for p in $closure; do
		while [ -L "$vmtools/$p" ]; do
			mkdir -p "$stage/$(dirname "$p")"
			cp -P "$vmtools/$p" "$stage/$p"
			target=$(readlink "$vmtools/$p")
			case "$target" in
			/*) p=${target#/} ;;
			*) p=$(dirname "$p")/$target ;;
			esac
		done
		mkdir -p "$stage/$(dirname "$p")"
		cp "$vmtools/$p" "$stage/$p"
		ntools=$((ntools + 1))
	done
	mkdir -p "$stage/etc/vmware-tools" "$stage/var/log"
	cp "$here/vmtools/tools.conf" "$stage/etc/vmware-tools/tools.conf"
	cp "$here/vmtools/shutdown" "$stage/sbin/shutdown"
	# glib asks for the user's entry (getpwuid_r) and warns without one.
	echo "root:x:0:0:root:/root:/bin/sh" > "$stage/etc/passwd"
	echo "root:x:0:" > "$stage/etc/group"
	chmod 755 "$stage/sbin/shutdown"
fi

stage_pack gzip -9n
echo "l2 initramfs: $out ($(du -k "$out" | cut -f1) KiB, $(echo $order | wc -w) modules, $ntools open-vm-tools and dmidecode files)"
