#!/bin/sh
# The initramfs holds what the appliance needs: /init (nhv-init), busybox
# and its applets, every nhv program, the driver modules with a depmod index
# (modules.alias, for matching PCI modaliases), pci.ids and root's password.
img=${NHV_BUILD:-build}/initramfs.img
kver=${KVER:-6.1.0-56-amd64}
echo "1..6"
list=$(zstdcat "$img" | cpio -t --quiet 2>/dev/null)
t() { if eval "$2"; then echo "ok $1 - $3"; else echo "not ok $1 - $3"; fi; }
has() { printf '%s\n' "$list" | grep -qx "$1"; }
t 1 'has init && has bin/nhv-init && has bin/busybox && has sbin/udhcpc' "init, nhv-init, busybox and udhcpc"
missing=""
for p in ${NHV_BUILD:-build}/bin/*; do has "bin/$(basename "$p")" || missing="$missing $(basename "$p")"; done
t 2 '[ -z "$missing" ]' "every program in build/bin is in /bin${missing:+ (missing:$missing)}"
need="vmxnet3 e1000 e1000e vmw_pvscsi mptspi ahci nvme sd_mod sr_mod virtio_pci virtio_blk virtio_net vmw_vmci vmw_balloon vmw_vsock_vmci_transport bridge tun msr efivarfs"
absent=""
for m in $need; do printf '%s\n' "$list" | grep -Eq "^lib/modules/$kver/.*/$m\\.ko\$" || absent="$absent $m"; done
t 3 '[ -z "$absent" ]' "the VMware/QEMU virtual hardware modules${absent:+ (absent:$absent)}"
t 4 'has lib/modules/$kver/modules.alias && has lib/modules/$kver/modules.dep' "depmod index (modules.dep, modules.alias)"
t 5 'has usr/share/misc/pci.ids' "pci.ids for device names"
shadow=$(zstdcat "$img" | (d=$(mktemp -d); cd "$d" && cpio -id --quiet etc/shadow 2>/dev/null && cat etc/shadow; rm -rf "$d"))
t 6 'printf "%s\n" "$shadow" | grep -q "^root:\\\$6\\\$"' "root has a sha512 password hash"
