#!/bin/sh
# L2 Linux on nhv.ko's VMX backend under Bochs (Intel VMX + EPT), one boot of
# a small test ISO (the appliance's kernel, busybox, nhv.ko, nhv-vm and the
# default L2 guest's kernel and initrd; GRUB boots at once) so that the slow
# emulator does nothing else: `nhv-vm run` boots the default guest to its
# init ("nhv-l2: init" on its console) and a command's output and exit
# status come back; the command shows L2's kernel log: Linux detected the
# VMware personality on VMX ("Hypervisor detected: VMware") and read its TSC
# rate from the hypervisor (GETHZ); L1's kernel log stays clean.
. tests/lib/vm.sh

KVER=${KVER:-6.1.0-56-amd64}
B=${NHV_BUILD:-$NHV_ROOT/build}
echo "1..4"
vm_need "$B/kernel-$KVER/boot/vmlinuz-$KVER" "$B/modules/nhv.ko" "$B/bin/nhv-vm" \
	"$B/l2/initrd.img" "$B/l2/default.vmx" /bin/busybox

work=$(mktemp -d "${TMPDIR:-/tmp}/nhv-l2vmx.XXXXXX")
trap 'vm__cleanup; rm -rf "$work"' EXIT
r=$work/root
mkdir -p "$r/bin" "$r/proc" "$r/sys" "$r/dev" "$r/run" "$r/tmp" "$r/usr/lib/nhv/l2"
cp /bin/busybox "$r/bin/"
cp "$B/modules/nhv.ko" "$r/"
cp "$B/bin/nhv-vm" "$r/bin/"
cp "$B/kernel-$KVER/boot/vmlinuz-$KVER" "$r/usr/lib/nhv/l2/vmlinuz"
cp "$B/l2/initrd.img" "$B/l2/default.vmx" "$r/usr/lib/nhv/l2/"
cat > "$r/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
mount -t tmpfs tmp /run; mount -t tmpfs tmp /tmp
boot=$(dmesg | wc -l)
insmod /nhv.ko; echo "=== nhv-l2vmx: insmod rc=$?"
/bin/nhv-vm run --verbose --timeout 1800 -- 'dmesg | grep -E "Hypervisor detected|TSC freq read from hypervisor" | sed "s/^/L2 dmesg: /"; echo L2:$((6*7)); exit 5' > /tmp/run.out 2>&1
echo "=== nhv-l2vmx: run rc=$?"
sed 's/^/=== out: /' /tmp/run.out
echo "=== nhv-l2vmx: dmesg"; dmesg | tail -n +$((boot + 1))
INIT
vm_bochs_mini "$B/kernel-$KVER/boot/vmlinuz-$KVER" "$r" nhv-l2vmx "nhv L2 on VMX" 2400 || exit 1
log=$(tr -d '\r' < "$(vm_log)")
out=$(printf '%s\n' "$log" | sed -n 's/^=== out: //p')
if printf '%s\n' "$out" | grep -q '^nhv-l2: init'; then
	echo "ok 1 - the default L2 guest boots to 'nhv-l2: init' on nhv.ko's VMX backend"
	printf '%s\n' "$out" | grep -m 1 '^nhv-l2: init' | sed 's/^/# /'
else
	echo "not ok 1 - the default L2 guest boots to 'nhv-l2: init' on nhv.ko's VMX backend"
	printf '%s\n' "$log" | grep -v 'padding' | tail -n 40 | sed 's/^/# /'
fi
if printf '%s\n' "$out" | grep -qx 'L2:42' && printf '%s\n' "$log" | grep -qx '=== nhv-l2vmx: run rc=5'; then
	echo "ok 2 - nhv-vm run: the L2 command's output and exit status 5 come back"
else
	echo "not ok 2 - nhv-vm run: the L2 command's output and exit status 5 come back"
	printf '%s\n' "$log" | grep -E '^=== nhv-l2vmx: run rc=' | sed 's/^/# /'
fi
l2k=$(printf '%s\n' "$out" | grep '^L2 dmesg: ')
if printf '%s\n' "$l2k" | grep -q 'Hypervisor detected: VMware' &&
	printf '%s\n' "$l2k" | grep -Eq 'TSC freq read from hypervisor : [0-9]+\.[0-9]+ MHz'; then
	echo "ok 3 - L2's kernel log on VMX: 'Hypervisor detected: VMware' and 'TSC freq read from hypervisor'"
	printf '%s\n' "$l2k" | sed 's/^/# /'
else
	echo "not ok 3 - L2's kernel log on VMX: 'Hypervisor detected: VMware' and 'TSC freq read from hypervisor'"
	printf '%s\n' "$out" | tail -n 20 | sed 's/^/# /'
fi
if printf '%s\n' "$log" | sed -n '/=== nhv-l2vmx: dmesg/,/=== nhv-l2vmx: END/p' |
	grep -qE 'BUG:|Oops|WARNING: CPU|general protection'; then
	echo "not ok 4 - no BUG:, Oops, WARNING: CPU or general protection in L1's kernel log"
	printf '%s\n' "$log" | sed -n '/=== nhv-l2vmx: dmesg/,/=== nhv-l2vmx: END/p' | tail -n 30 | sed 's/^/# /'
else
	echo "ok 4 - no BUG:, Oops, WARNING: CPU or general protection in L1's kernel log"
fi
