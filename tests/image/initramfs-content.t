#!/bin/sh
# The initramfs holds what the appliance needs: /init (nhv-init), busybox
# and its applets, every nhv program, the driver modules with a depmod index
# (modules.alias, for matching PCI modaliases), pci.ids and root's password;
# for L2 networking the nftables NAT modules, and Debian's nft and dnsmasq
# with glibc's loader and every library they need (docs/networking.md).
img=${NHV_BUILD:-build}/initramfs.img
kver=${KVER:-6.1.0-56-amd64}
echo "1..8"
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
nat="nf_tables nf_conntrack nf_nat nft_chain_nat nft_masq nft_nat nft_fib_ipv4"
absent=""
for m in $nat; do printf '%s\n' "$list" | grep -Eq "^lib/modules/$kver/.*/$m\\.ko\$" || absent="$absent $m"; done
t 7 '[ -z "$absent" ]' "the nftables NAT modules${absent:+ (absent:$absent)}"
# Each shared library nft and dnsmasq name (DT_NEEDED, recursively) is in the image.
d=$(mktemp -d)
absimg=$(realpath "$img")
(cd "$d" && zstdcat "$absimg" 2>/dev/null | cpio -id --quiet 'usr/sbin/*' 'lib/*' 'usr/lib/*' 'lib64/*' 2>/dev/null)
unresolved=""
for f in "$d/usr/sbin/nft" "$d/usr/sbin/dnsmasq" $(find "$d/lib/x86_64-linux-gnu" "$d/usr/lib/x86_64-linux-gnu" -name '*.so*' 2>/dev/null); do
	[ -f "$f" ] || { unresolved="$unresolved ${f#$d/}"; continue; }
	for lib in $(readelf -d "$f" 2>/dev/null | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
		[ -e "$d/lib/x86_64-linux-gnu/$lib" ] || [ -e "$d/usr/lib/x86_64-linux-gnu/$lib" ] ||
			unresolved="$unresolved $lib(${f##*/})"
	done
done
[ -e "$d/lib64/ld-linux-x86-64.so.2" ] || unresolved="$unresolved ld-linux-x86-64.so.2"
rm -rf "$d"
t 8 '[ -z "$unresolved" ]' "nft, dnsmasq, glibc's loader and every library they need${unresolved:+ (missing:$unresolved)}"
