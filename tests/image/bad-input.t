#!/bin/sh
# Build steps fail loudly and name what is wrong, and a failed step leaves
# no half-written output: deps without root names the apt-get command; a
# corrupt kernel package is named; an unknown module is named; mkiso without
# an initramfs leaves no ISO behind.
echo "1..8"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
t() { if eval "$2"; then echo "ok $1 - $3"; else echo "not ok $1 - $3"; fi; }

chmod 755 "$tmp"
printf 'nhv-no-such-package-xyz\n' > "$tmp/pkgs"
out=$(setpriv --reuid=65534 --regid=65534 --clear-groups images/deps.sh "$tmp/pkgs" 2>&1)
rc=$?
t 1 '[ $rc -ne 0 ]' "deps.sh as a non-root user with a missing package fails"
t 2 'printf "%s\n" "$out" | grep -q "apt-get install -y nhv-no-such-package-xyz"' "and says exactly which apt-get command to run"

mkdir -p "$tmp/deb"
printf 'this is not a debian package\n' > "$tmp/deb/linux-image-9.9.9-1-amd64_1_amd64.deb"
out=$(images/fetch-kernel.sh 9.9.9-1 "$tmp/kernel" 2>&1)
rc=$?
t 3 '[ $rc -ne 0 ] && printf "%s\n" "$out" | grep -q "linux-image-9.9.9-1-amd64_1_amd64.deb is corrupt"' "a corrupt kernel package is an error naming the file"
t 4 '[ ! -e "$tmp/kernel" ]' "and leaves no unpacked kernel behind"

kdir=${NHV_BUILD:-build}/kernel-${KVER:-6.1.0-56-amd64}
mkdir -p "$tmp/images/rootfs"
cp images/mkinitramfs.sh images/initramfs-common.sh "$tmp/images/"
printf 'vmxnet3\nnhv_no_such_module\n' > "$tmp/images/modules.list"
out=$("$tmp/images/mkinitramfs.sh" "$tmp/initrd.img" "$kdir" "${KVER:-6.1.0-56-amd64}" "${NHV_BUILD:-build}/bin" 2>&1)
rc=$?
t 5 '[ $rc -ne 0 ] && printf "%s\n" "$out" | grep -q "nhv_no_such_module"' "an unknown module in modules.list is an error naming it"
t 6 '[ ! -e "$tmp/initrd.img" ] && [ ! -e "$tmp/initrd.img.tmp" ]' "and leaves no initramfs behind"

out=$(images/mkiso.sh "$tmp/nhv.iso" "$kdir/boot/vmlinuz-${KVER:-6.1.0-56-amd64}" "$tmp/no-such-initrd" 2>&1)
rc=$?
t 7 '[ $rc -ne 0 ] && printf "%s\n" "$out" | grep -q "no initramfs at $tmp/no-such-initrd"' "mkiso without an initramfs names it"
t 8 '[ ! -e "$tmp/nhv.iso" ] && [ ! -e "$tmp/nhv.iso.tmp" ]' "and leaves no ISO behind"
