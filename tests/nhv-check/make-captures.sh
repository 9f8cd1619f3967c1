#!/bin/sh
# Regenerate the nhv-check captures of emulated outer hosts in
# tests/data/cpuinfo.  Boots the appliance kernel with an initramfs made by
# images/mkinitramfs.sh from build/bin, whose /init is replaced by a
# one-shot script: load msr, run `nhv-check --capture -` and `--brief` on
# the serial port, power off.  QEMU TCG, one boot per profile.
# Not run by `prove`: each boot costs half a minute of a shared CPU.
# Usage (from the top of the tree, after make): tests/nhv-check/make-captures.sh [PROFILE...]
set -eu
kver=${KVER:-6.1.0-56-amd64}
kdir=build/kernel-$kver
out=tests/data/cpuinfo
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
images/mkinitramfs.sh "$tmp/initramfs.img" "$kdir" "$kver" build/bin build/modules >/dev/null
rm -f "$tmp/initramfs.img.d/init"
cat > "$tmp/initramfs.img.d/init" <<'INIT'
#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t securityfs securityfs /sys/kernel/security 2>/dev/null
modprobe msr
echo NCK-CAPTURE-BEGIN > /dev/ttyS0
/bin/nhv-check --capture - > /dev/ttyS0 2>&1
echo NCK-BRIEF > /dev/ttyS0
/bin/nhv-check --brief > /dev/ttyS0 2>&1
echo NCK-CAPTURE-END > /dev/ttyS0
poweroff -f
INIT
chmod +x "$tmp/initramfs.img.d/init"
(cd "$tmp/initramfs.img.d" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) |
	gzip -1 -n > "$tmp/capture.img"
qv=$(qemu-system-x86_64 --version | head -n 1)
uuid=564d4e48-5601-4a11-8b0c-0123456789ab
smbios_vmware="-smbios type=0,vendor=Phoenix_Technologies_LTD,version=6.00"
nic_vmware="-netdev user,id=n0 -device vmxnet3,netdev=n0,mac=00:50:56:01:02:03 -vga vmware"

capture() {
	name=$1
	what=$2
	shift 2
	echo "== $name: $*"
	rm -f "$tmp/serial.log"
	timeout 600 qemu-system-x86_64 -accel tcg -m 1024 -smp 1 -kernel "$kdir/boot/vmlinuz-$kver" \
		-initrd "$tmp/capture.img" -append "console=ttyS0 quiet" -display none -monitor none \
		-serial "file:$tmp/serial.log" -no-reboot "$@" || true
	tr -d '\r' < "$tmp/serial.log" > "$tmp/serial.txt"
	grep -q '^NCK-CAPTURE-END' "$tmp/serial.txt" || { echo "$name: no capture on the serial port" >&2; tail -n 20 "$tmp/serial.txt" >&2; exit 1; }
	{
		echo "# nhv-check capture v1"
		echo "# source: nhv-check --capture in the nhv appliance kernel $kver under $qv, TCG;"
		echo "#   $what; made by tests/nhv-check/make-captures.sh on $(date -u +%Y-%m-%d)"
		echo "#   qemu args: $*"
		sed -n '/^NCK-BRIEF/,/^NCK-CAPTURE-END/p' "$tmp/serial.txt" | sed '1d;$d;s/^/# brief: /'
		sed -n '/^NCK-CAPTURE-BEGIN/,/^NCK-BRIEF/p' "$tmp/serial.txt" | sed -n '/^# nhv-check capture v1/,/^probe.root/p' | sed 1d
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
	vmware-nosvm) capture qemu-tcg-nosvm-vmware-profile "VMware-like with -cpu ${NOSVM_CPU:-max,-svm} (no HV exposed)" \
		-machine pc,vmport=on -cpu "${NOSVM_CPU:-max,-svm}" $(vmware_dmi) $smbios_vmware \
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
