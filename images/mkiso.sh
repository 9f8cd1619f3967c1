#!/bin/sh
# Build the hybrid BIOS + UEFI ISO: El Torito for BIOS, an EFI system
# partition image for UEFI, and a hybrid MBR so that `dd` to a USB stick
# boots too (grub-mkrescue and xorriso do the layout).  The ISO appears at
# OUT only when it is complete; a failed step leaves no half-written file.
# Usage: images/mkiso.sh OUT.iso VMLINUZ INITRD
set -eu
out=$1
vmlinuz=$2
initrd=$3
here=$(cd "$(dirname "$0")" && pwd)
stage=$out.d
tmp=$out.tmp

fail() { echo "iso: $*" >&2; rm -rf "$stage" "$tmp"; exit 1; }

[ -s "$vmlinuz" ] || fail "no kernel at $vmlinuz"
[ -s "$initrd" ] || fail "no initramfs at $initrd"
for d in /usr/lib/grub/i386-pc /usr/lib/grub/x86_64-efi; do
	[ -d "$d" ] || fail "no $d (install grub-pc-bin and grub-efi-amd64-bin)"
done
command -v grub-mkrescue >/dev/null || fail "no grub-mkrescue (install grub-common)"
command -v xorriso >/dev/null || fail "no xorriso (install xorriso)"
command -v mformat >/dev/null || fail "no mformat (install mtools)"

rm -rf "$stage" "$tmp"
mkdir -p "$stage/boot/grub"
cp "$vmlinuz" "$stage/boot/vmlinuz"
cp "$initrd" "$stage/boot/initrd.img"
cp "$here/grub.cfg" "$stage/boot/grub/grub.cfg"

# Only the GRUB modules the menu needs, plus every filesystem and partition
# map module (GRUB's `search` autoloads them), and no fonts, themes or
# locales: keeps the ISO small.
modules="linux normal search search_fs_file configfile test echo serial terminal
	all_video gzio $(cat /usr/lib/grub/x86_64-efi/fs.lst /usr/lib/grub/x86_64-efi/partmap.lst |
	sort -u | tr '\n' ' ')"
grub-mkrescue -o "$tmp" --fonts= --locales= --themes= \
	--install-modules="$modules" --modules="linux normal search configfile serial" \
	"$stage" -- -volid NHV >"$out.log" 2>&1 || {
	cat "$out.log" >&2
	fail "grub-mkrescue failed (log above)"
}
rm -rf "$stage"
mv "$tmp" "$out"
echo "iso: $out ($(du -m "$out" | cut -f1) MiB)"
