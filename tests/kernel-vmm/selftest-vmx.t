#!/bin/sh
# nhv.ko's VMX backend under Bochs (Intel VMX + EPT + VPID, 2 CPUs so that
# vCPUs move between CPUs), one boot: a small test ISO (the appliance's kernel,
# busybox, nhv.ko, nhv-selftest; /init runs the selftest and powers off; GRUB
# boots at once) so that the slow emulator does nothing else.
# Passes when every selftest passes on VMX and the kernel log is clean.
. tests/lib/vm.sh

KVER=${KVER:-6.1.0-56-amd64}
B=${NHV_BUILD:-$NHV_ROOT/build}
echo "1..4"
vm_need "$B/kernel-$KVER/boot/vmlinuz-$KVER" "$B/modules/nhv.ko" "$B/bin/nhv-selftest" /bin/busybox

work=$(mktemp -d "${TMPDIR:-/tmp}/nhv-vmx.XXXXXX")
trap 'vm__cleanup; rm -rf "$work"' EXIT
mkdir -p "$work/root/bin" "$work/root/proc" "$work/root/sys" "$work/root/dev"
cp /bin/busybox "$work/root/bin/"
cp "$B/modules/nhv.ko" "$B/bin/nhv-selftest" "$work/root/"
# Debian's kvm-intel for the same-boot comparison (informational, not asserted).
kmods=$B/kernel-$KVER/lib/modules/$KVER/kernel
for m in virt/lib/irqbypass.ko arch/x86/kvm/kvm.ko arch/x86/kvm/kvm-intel.ko; do
	[ -f "$kmods/$m" ] && cp "$kmods/$m" "$work/root/"
done
cat > "$work/root/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
boot=$(dmesg | wc -l)
echo "=== nhv-vmx: insmod"
insmod /nhv.ko; echo "=== nhv-vmx: insmod rc=$?"
dmesg | tail -n +$((boot + 1)) | grep 'nhv:'
/nhv-selftest --random 40; echo "=== nhv-vmx: selftest rc=$?"
/nhv-selftest --bench --iterations 2000
rmmod nhv; echo "=== nhv-vmx: rmmod rc=$?"
if [ -f /kvm-intel.ko ] && insmod /irqbypass.ko && insmod /kvm.ko && insmod /kvm-intel.ko; then
	/nhv-selftest --bench --kvm --iterations 2000
fi
echo "=== nhv-vmx: dmesg"; dmesg | tail -n +$((boot + 1))
INIT
# "cpu: count=2" adds to the model line of vm.sh.
vm_bochs_mini "$B/kernel-$KVER/boot/vmlinuz-$KVER" "$work/root" nhv-vmx \
	"nhv VMX selftest" 2400 "cpu: count=2" || exit 1
if tr -d '\r' < "$(vm_log)" | grep -q '=== nhv-vmx: rmmod rc='; then
	echo "ok 1 - Bochs (VMX) boots the test ISO and runs the selftest to the end"
else
	echo "not ok 1 - Bochs (VMX) boots the test ISO and runs the selftest to the end"
fi
log=$(tr -d '\r' < "$(vm_log)")
printf '%s\n' "$log" | sed -n '/=== nhv-vmx: insmod$/,/=== nhv-vmx: dmesg/p' | grep -v '^ok ' | sed 's/^/# /'
# Bochs with clock: sync=none counts guest time in instructions: the rates
# compare how much L1 work each exit costs under nhv.ko and under kvm-intel.
printf '%s\n' "$log" | awk '$1 == "bench" { r[$2 " " $3] = $6 }
	END { for (m in r) { split(m, p, " "); if (p[1] == "nhv" && ("kvm " p[2]) in r)
		printf "# ratio %s nhv/kvm-intel %.2f\n", p[2], r[m] / r["kvm " p[2]] } }'
if printf '%s\n' "$log" | grep -q 'nhv: VMX backend ready'; then
	echo "ok 2 - nhv.ko loads with the VMX backend"
else
	echo "not ok 2 - nhv.ko loads with the VMX backend"
fi
plan=$(printf '%s\n' "$log" | sed -n 's/^1\.\.\([0-9][0-9]*\)$/\1/p' | tail -n 1)
nok=$(printf '%s\n' "$log" | grep -c '^not ok')
if printf '%s\n' "$log" | grep -q '=== nhv-vmx: selftest rc=0' && [ "$nok" = 0 ] &&
   [ -n "$plan" ]; then
	echo "ok 3 - nhv selftest on VMX: all $plan tests pass"
else
	echo "not ok 3 - nhv selftest on VMX: $nok failed, plan '${plan:-none}'"
fi
# From nhv.ko's load on: the kernel's own boot messages on this emulated CPU
# (a RETBleed notice, an xstate WARNING) are not what this test is about.
after=$(printf '%s\n' "$log" | sed -n '/=== nhv-vmx: insmod$/,$p')
if printf '%s\n' "$after" | grep -Eq 'BUG:|Oops|WARNING:|general protection'; then
	echo "not ok 4 - no BUG:, Oops, WARNING: or general protection in the L1 kernel log"
	printf '%s\n' "$after" | grep -E -A15 'BUG:|Oops|WARNING:|general protection' | sed 's/^/# /'
else
	echo "ok 4 - no BUG:, Oops, WARNING: or general protection in the L1 kernel log"
fi
