#!/bin/sh
# Regenerate the nhv-check captures of emulated outer hosts in
# tests/data/cpuinfo: boots the appliance kernel and an initramfs holding
# build/bin/* under QEMU TCG in several profiles (tests/nhv-check/qemu-capture.pl)
# and records `nhv-check --capture -` and `--brief` of each.
# Not run by `prove`: each boot costs half a minute of a shared CPU.
# Usage (from the top of the tree, after make): tests/nhv-check/make-captures.sh [PROFILE...]
set -eu
kver=${KVER:-6.1.0-56-amd64}
kdir=build/kernel-$kver
out=tests/data/cpuinfo
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
images/mkinitramfs.sh "$tmp/initramfs.img" "$kdir" "$kver" build/bin build/modules >/dev/null
qv=$(qemu-system-x86_64 --version | head -n 1)
uuid=564d4e48-5601-4a11-8b0c-0123456789ab
smbios_vmware="-smbios type=0,vendor=Phoenix_Technologies_LTD,version=6.00"
nic_vmware="-netdev user,id=n0 -device vmxnet3,netdev=n0,mac=00:50:56:01:02:03 -vga vmware"

capture() {
	name=$1
	what=$2
	shift 2
	echo "== $name: $*"
	perl tests/nhv-check/qemu-capture.pl "$kdir/boot/vmlinuz-$kver" "$tmp/initramfs.img" \
		'nhv-check --capture -' 'nhv-check --brief' -- "$@" > "$tmp/out"
	{
		echo "# nhv-check capture v1"
		echo "# source: nhv-check --capture in the nhv appliance (kernel $kver) under $qv, TCG;"
		echo "#   $what; made by tests/nhv-check/make-captures.sh on $(date -u +%Y-%m-%d)"
		echo "#   qemu args: $*"
		sed -n '/^=== nhv-check --brief/,$p' "$tmp/out" | sed '1d; /^$/d; s/^/# brief: /'
		sed -n '/^=== nhv-check --capture -/,/^=== /p' "$tmp/out" | sed -n '/^# nhv-check capture v1/,/^probe.root/p' | sed 1d
	} > "$out/$name.capture.txt"
	grep -q '^probe.root = ' "$out/$name.capture.txt" || { echo "$name: incomplete capture" >&2; exit 1; }
	echo "wrote $out/$name.capture.txt"
}

vmware_dmi() {
	echo "-uuid $uuid"
}

profiles=${*:-"vmware vmware-nosvm plain vmport-only smbios-only nonpt"}
for p in $profiles; do
	case "$p" in
	vmware) capture qemu-tcg-max-vmware-profile "VMware-like: -cpu max (SVM+NPT), vmport=on, VMware SMBIOS, vmxnet3, SVGA" \
		-machine pc,vmport=on -cpu max $(vmware_dmi) $smbios_vmware \
		-smbios "type=1,manufacturer=VMware,, Inc.,product=VMware Virtual Platform,serial=VMware-56 4d 4e 48 56 01 4a 11-8b 0c 01 23 45 67 89 ab" $nic_vmware ;;
	vmware-nosvm) capture qemu-tcg-nosvm-vmware-profile "VMware-like with -cpu max,-svm (no HV exposed)" \
		-machine pc,vmport=on -cpu max,-svm $(vmware_dmi) $smbios_vmware \
		-smbios "type=1,manufacturer=VMware,, Inc.,product=VMware Virtual Platform,serial=VMware-56 4d 4e 48 56 01 4a 11-8b 0c 01 23 45 67 89 ab" $nic_vmware ;;
	plain) capture qemu-tcg-max-plain "plain QEMU: -cpu max, vmport=off, QEMU SMBIOS" \
		-machine pc,vmport=off -cpu max ;;
	vmport-only) capture qemu-tcg-max-vmport-only "plain QEMU with vmport=on (backdoor, no VMware SMBIOS)" \
		-machine pc,vmport=on -cpu max ;;
	smbios-only) capture qemu-tcg-max-vmware-smbios-only "VMware SMBIOS strings, vmport=off" \
		-machine pc,vmport=off -cpu max \
		-smbios "type=1,manufacturer=VMware,, Inc.,product=VMware Virtual Platform" ;;
	nonpt) capture qemu-tcg-max-nonpt "plain QEMU with -cpu max,-npt (SVM without NPT)" \
		-machine pc,vmport=off -cpu max,-npt ;;
	*) echo "unknown profile $p" >&2; exit 2 ;;
	esac
done
