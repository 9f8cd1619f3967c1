#!/bin/sh
# The default L2 guest's image (images/l2/): its initramfs holds busybox, the
# init and the virtio modules in load order (dependencies first); the
# appliance carries it under /usr/lib/nhv/l2 with its definition, and its
# kernel is a link to the boot medium's (one bzImage in the ISO, <= 32 MiB).
b=${NHV_BUILD:-build}
echo "1..8"
t() { if eval "$2"; then echo "ok $1 - $3"; else echo "not ok $1 - $3"; fi; }
l2=$(zcat "$b/l2/initrd.img" | cpio -t --quiet 2>/dev/null)
has() { printf '%s\n' "$l2" | grep -qx "$1"; }
t 1 'has init && has bin/busybox && has sbin/init && has etc/inittab' "L2 initramfs: init, busybox, busybox init and its inittab"
order=$(zcat "$b/l2/initrd.img" | (d=$(mktemp -d); cd "$d" && cpio -id --quiet lib/modules/load.list && cat lib/modules/load.list; rm -rf "$d"))
pos() { printf '%s\n' "$order" | grep -n "/$1\\.ko\$" | cut -d: -f1; }
t 2 '[ -n "$(pos virtio_ring)" ] && [ "$(pos virtio_ring)" -lt "$(pos virtio)" ] && [ "$(pos virtio)" -lt "$(pos virtio_mmio)" ] && [ -n "$(pos virtio_blk)" ] && [ -n "$(pos virtio-rng)" ]' \
	"L2 modules load dependencies first (load.list: $(printf '%s' "$order" | sed 's|.*/||' | tr '\n' ' '))"
missing=""
for p in $order; do has "lib/modules/$p" || missing="$missing $p"; done
t 3 '[ -n "$order" ] && [ -z "$missing" ]' "every module in load.list is in the L2 initramfs${missing:+ (missing:$missing)}"
app=$(zstdcat "$b/initramfs.img" | cpio -tv --quiet 2>/dev/null)
t 4 'printf "%s\n" "$app" | grep -q " usr/lib/nhv/l2/initrd.img\$" && printf "%s\n" "$app" | grep -q " usr/lib/nhv/l2/default.vmx\$"' \
	"the appliance has the L2 initramfs and default.vmx in /usr/lib/nhv/l2"
t 5 'printf "%s\n" "$app" | grep -q " usr/lib/nhv/l2/vmlinuz -> /run/nhv/media/boot/vmlinuz\$"' \
	"the L2 kernel is a link to the boot medium's bzImage, not a copy"
size=$(stat -c %s "${NHV_ISO:-$b/nhv.iso}")
t 6 '[ "$size" -le $((32 * 1024 * 1024)) ]' "the ISO is at most 32 MiB ($size bytes)"
acpi=$(zcat "$b/l2/initrd.img" | (d=$(mktemp -d); cd "$d" && cpio -id --quiet etc/acpid.conf etc/inittab && cat etc/acpid.conf etc/inittab; rm -rf "$d"))
t 7 'has etc/acpi/power && [ -n "$(pos button)" ] && [ -n "$(pos evdev)" ] && printf "%s\n" "$acpi" | grep -qx "PWRF power" && printf "%s\n" "$acpi" | grep -q "respawn:/sbin/acpid "' \
	"the power button powers L2 off: button and evdev loaded, acpid respawned, PWRF runs /etc/acpi/power"
dhcp=$(zcat "$b/l2/initrd.img" | (d=$(mktemp -d); cd "$d" && cpio -id --quiet init && cat init; rm -rf "$d"))
t 8 'has usr/share/udhcpc/default.script && [ -n "$(pos virtio_net)" ] && printf "%s\n" "$dhcp" | grep -q "udhcpc -i"' \
	"L2 networking: virtio_net loaded, the init asks DHCP with udhcpc and its lease script"
