#!/bin/sh
# Build the appliance's initramfs: busybox-static, the nhv programs, the
# kernel modules in images/modules.list (with their dependencies), pci.ids
# and images/rootfs.  Fails loudly, naming what is missing.
# Usage: images/mkinitramfs.sh OUT.img KDIR KVER BINDIR [EXTRA_MODULES_DIR [L2_DIR [NETROOT [WEB_DIR]]]]
# L2_DIR holds the default L2 guest (initrd.img, default.vmx) for /usr/lib/nhv/l2;
# NETROOT the unpacked packages of images/netdebs.list (nft, dnsmasq: L2 networking);
# WEB_DIR holds nhv-web's pages and assets for /usr/share/nhv/web.
set -eu
out=$1
kdir=$2
kver=$3
bindir=$4
extramods=${5:-}
l2dir=${6:-}
netroot=${7:-}
webdir=${8:-}
here=$(cd "$(dirname "$0")" && pwd)
what=initramfs
. "$here/initramfs-common.sh"

[ -f /usr/share/misc/pci.ids ] || fail "no /usr/share/misc/pci.ids (install pci.ids)"
ls "$bindir"/nhv-init >/dev/null 2>&1 || fail "no $bindir/nhv-init (build the programs first)"

stage_busybox bin sbin etc proc sys dev run tmp root mnt var/log usr/bin usr/sbin \
	usr/share/misc "lib/modules/$kver"

cp -a "$here/rootfs/." "$stage/"
cp "$bindir"/* "$stage/bin/"
ln -s /bin/nhv-init "$stage/init"
cp /usr/share/misc/pci.ids "$stage/usr/share/misc/pci.ids"

# The default L2 guest: its kernel is the appliance's own bzImage on the boot
# medium, which nhv-init mounts on /run/nhv/media (docs/nhv-vm.md).
if [ -n "$l2dir" ]; then
	[ -s "$l2dir/initrd.img" ] && [ -s "$l2dir/default.vmx" ] ||
		fail "no initrd.img or default.vmx in $l2dir (images/l2/mkl2initramfs.sh)"
	mkdir -p "$stage/usr/lib/nhv/l2"
	cp "$l2dir/initrd.img" "$l2dir/default.vmx" "$stage/usr/lib/nhv/l2/"
	ln -s /run/nhv/media/boot/vmlinuz "$stage/usr/lib/nhv/l2/vmlinuz"
fi
if [ -n "$webdir" ]; then
	[ -s "$webdir/index.html" ] || fail "no index.html in $webdir (userland/nhv-web/nhv-web.mk)"
	mkdir -p "$stage/usr/share/nhv/web"
	cp -R "$webdir/." "$stage/usr/share/nhv/web/"
fi

# L2 networking (docs/networking.md): Debian's nft and dnsmasq with their libraries.
if [ -n "$netroot" ]; then
	"$here/stage-netbins.sh" "$netroot" "$stage" || fail "staging nft and dnsmasq failed"
fi

# root's password is "nhv" (docs/quickstart.md); the salt is fixed so
# that the image is reproducible.
hash=$(/bin/busybox mkpasswd -m sha512 -S nhvappliance nhv)
printf 'root:%s:19000:0:99999:7:::\nnobody:*:19000:0:99999:7:::\n' "$hash" > "$stage/etc/shadow"
chmod 600 "$stage/etc/shadow"

# Modules: each listed name plus what modules.dep says it needs.
want=$(sed -e 's/#.*//' "$here/modules.list" | tr '-' '_' | tr -s ' \n' ' ')
paths=$(awk -v want="$want" '
	BEGIN { n = split(want, w, " "); for (i = 1; i <= n; i++) if (w[i] != "") need[w[i]] = 1 }
	{
		sub(":", "", $1); name = $1; sub(".*/", "", name); sub("\\.ko.*", "", name)
		gsub("-", "_", name)
		if (name in need) { found[name] = 1; for (i = 1; i <= NF; i++) print $i }
	}
	END { for (m in need) if (!(m in found)) { print "MISSING " m; } }
' "$mods/modules.dep" | sort -u)
missing=$(echo "$paths" | sed -n 's/^MISSING //p' | tr '\n' ' ')
[ -z "$missing" ] || fail "modules not in $kver: $missing(images/modules.list)"
for p in $paths; do
	mkdir -p "$stage/lib/modules/$kver/$(dirname "$p")"
	cp "$mods/$p" "$stage/lib/modules/$kver/$p"
done
if [ -n "$extramods" ] && ls "$extramods"/*.ko >/dev/null 2>&1; then
	mkdir -p "$stage/lib/modules/$kver/extra"
	cp "$extramods"/*.ko "$stage/lib/modules/$kver/extra/"
fi
cp "$mods/modules.order" "$mods/modules.builtin" "$mods/modules.builtin.modinfo" \
	"$stage/lib/modules/$kver/"
depmod -b "$stage" "$kver" || fail "depmod failed for $stage"

stage_pack zstd -19 -q -T0
echo "initramfs: $out ($(du -k "$out" | cut -f1) KiB, $(echo "$paths" | wc -w) modules)"
