#!/bin/sh
# build/nhv.iso is a hybrid BIOS + UEFI image: El Torito entries for both
# platforms, an MBR (boot signature and a partition) so that `dd` to a USB
# stick boots, the kernel, initramfs and GRUB menu inside, and the size
# within the 32 MiB target.
iso=${NHV_ISO:-build/nhv.iso}
echo "1..7"
t() { if eval "$2"; then echo "ok $1 - $3"; else echo "not ok $1 - $3"; fi; }
report=$(xorriso -indev "$iso" -report_el_torito plain 2>/dev/null)
t 1 'printf "%s\n" "$report" | grep -Eq "El Torito boot img : +1 +BIOS +y"' "El Torito BIOS boot entry"
t 2 'printf "%s\n" "$report" | grep -Eq "El Torito boot img : +2 +UEFI +y"' "El Torito UEFI boot entry (EFI system partition image)"
sig=$(od -An -tx1 -j510 -N2 "$iso" | tr -d ' ')
t 3 '[ "$sig" = 55aa ]' "MBR boot signature 55aa (hybrid image boots from a USB stick)"
ptype=$(od -An -tx1 -j450 -N1 "$iso" | tr -d ' ')
t 4 '[ -n "$ptype" ] && [ "$ptype" != 00 ]' "MBR has a partition entry (type 0x$ptype)"
files=$(xorriso -indev "$iso" -find / -type f 2>/dev/null)
t 5 'printf "%s\n" "$files" | grep -q "/boot/vmlinuz" && printf "%s\n" "$files" | grep -q "/boot/initrd.img"' "kernel and initramfs are on the ISO"
t 6 'printf "%s\n" "$files" | grep -q "/boot/grub/grub.cfg"' "GRUB menu is on the ISO"
mib=$(( $(stat -c %s "$iso") / 1048576 ))
echo "# ISO size: $mib MiB"
t 7 '[ "$mib" -le 32 ]' "ISO is at most 32 MiB ($mib MiB)"
