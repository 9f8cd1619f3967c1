#!/bin/sh
# Regenerate tests/data/cpuinfo/bochs-vmx-skylake.capture.txt: nhv-check
# --capture as root in the appliance kernel under Bochs with
# `cpu: model=corei7_skylake_x` (Intel VMX + EPT), the only VMX outer host
# on the build machine.  One boot of a small test ISO, built as in
# tests/kernel-vmm/selftest-vmx.t (the appliance kernel; an initramfs with
# busybox, nhv-check, pci.ids and msr.ko; a GRUB menu that boots at once);
# /init loads msr, runs `nhv-check --capture -` and `--brief` between
# markers on the serial console and powers off.
# Not run by `prove`: the boot takes minutes of a shared CPU.
# Usage (from the top of the tree, after `make build/bin/nhv-check`):
#   tests/nhv-check/make-bochs-capture.sh
set -eu
. tests/lib/vm.sh
kver=${KVER:-6.1.0-56-amd64}
kdir=build/kernel-$kver
out=tests/data/cpuinfo/bochs-vmx-skylake.capture.txt
msrko=$kdir/lib/modules/$kver/kernel/arch/x86/kernel/msr.ko
for f in "$kdir/boot/vmlinuz-$kver" build/bin/nhv-check "$msrko" /bin/busybox /usr/share/misc/pci.ids; do
	[ -f "$f" ] || { echo "missing $f (make build/bin/nhv-check, images/fetch-kernel.sh)" >&2; exit 1; }
done

work=$(mktemp -d)
trap 'vm__cleanup; rm -rf "$work"' EXIT
r=$work/root
mkdir -p "$r/bin" "$r/proc" "$r/sys" "$r/dev" "$r/usr/share/misc"
cp /bin/busybox build/bin/nhv-check "$r/bin/"
cp /usr/share/misc/pci.ids "$r/usr/share/misc/"
cp "$msrko" "$r/msr.ko"
cat > "$r/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
insmod /msr.ko
echo NCK-CAPTURE-BEGIN
/bin/nhv-check --capture - 2>&1
echo NCK-BRIEF
/bin/nhv-check --brief 2>&1
echo NCK-CAPTURE-END
# Bochs may drop what is still buffered for its serial file at power-off.
i=0; while [ $i -lt 64 ]; do echo "NCK-PADDING $i ................................................................"; i=$((i + 1)); done
sleep 1
poweroff -f
INIT
chmod +x "$r/init"
vm_mini_iso "$kdir/boot/vmlinuz-$kver" "$r" "$work/capture.iso" "nhv-check capture" >&2

NHV_ISO=$work/capture.iso
bv=$(dpkg-query -W -f '${Version}' bochs 2>/dev/null || echo unknown)
echo "== booting under Bochs $bv (minutes)"
vm_start_bochs
vm_wait_for '^NCK-CAPTURE-END' 2400 || { tr -d '\r' < "$(vm_log)" | tail -n 30 >&2; exit 1; }
tr -d '\r' < "$(vm_log)" > "$work/serial.txt"
{
	echo "# nhv-check capture v1"
	echo "# source: nhv-check --capture as root in the nhv appliance kernel $kver under Bochs $bv"
	echo "#   (Debian), cpu: model=corei7_skylake_x (Intel VMX + EPT), msr.ko loaded;"
	echo "#   made by tests/nhv-check/make-bochs-capture.sh on $(date -u +%Y-%m-%d)"
	sed -n '/^NCK-BRIEF/,/^NCK-CAPTURE-END/p' "$work/serial.txt" | sed '1d;$d;s/^/# brief: /'
	sed -n '/^NCK-CAPTURE-BEGIN/,/^NCK-BRIEF/p' "$work/serial.txt" | sed -n '/^# nhv-check capture v1/,/^probe.root/p' | sed 1d
} > "$work/capture.txt"
grep -q '^probe.root = ' "$work/capture.txt" || { echo "incomplete capture" >&2; cat "$work/serial.txt" >&2; exit 1; }
cp "$work/capture.txt" "$out"
echo "wrote $out"
