#!/bin/sh
# The L2 VMware backdoor on nhv.ko's VMX backend, under Bochs (Intel VMX +
# EPT), one focused boot: a small test ISO (the appliance's kernel, busybox,
# nhv.ko, nhv-vm and the bdoor test guest; /init runs the guest and powers
# off).  The guest finds "VMwareVMware", VMCALL advertised (Intel: ECX bit
# 1), GETVERSION, an RPCI round trip by IN and one by VMCALL, survives 1000
# random calls and the malformed GuestRPC steps, and a last round trip
# answers (exit 67).
. tests/lib/vm.sh

KVER=${KVER:-6.1.0-56-amd64}
B=${NHV_BUILD:-$NHV_ROOT/build}
echo "1..3"
for f in "$B/kernel-$KVER/boot/vmlinuz-$KVER" "$B/modules/nhv.ko" "$B/bin/nhv-vm" \
	"$B/tests/guests/bdoor.elf" /bin/busybox; do
	if [ ! -f "$f" ]; then
		echo "Bail out! missing $f (make, make iso, make tests)"
		exit 1
	fi
done

work=$(mktemp -d "${TMPDIR:-/tmp}/nhv-bochs-vmw.XXXXXX")
trap 'vm__cleanup; rm -rf "$work"' EXIT
mkdir -p "$work/root/bin" "$work/root/proc" "$work/root/sys" "$work/root/dev" "$work/root/run"
cp /bin/busybox "$work/root/bin/"
cp "$B/modules/nhv.ko" "$B/bin/nhv-vm" "$B/tests/guests/bdoor.elf" "$work/root/"
printf 'memsize = "32"\nnhv.kernel = "/bdoor.elf"\nnhv.cmdline = "quick"\nguestinfo.bdtest = "vmx"\n' \
	> "$work/root/bd.vmx"
cat > "$work/root/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
boot=$(dmesg | wc -l)
insmod /nhv.ko; echo "=== nhv-bochs-vmw: insmod rc=$?"
/nhv-vm boot --vmx /bd.vmx --accel nhv --timeout 1800 2>&1; echo "=== nhv-bochs-vmw: boot rc=$?"
# From nhv.ko's load on: the kernel's own notices on Bochs' CPU (RETBleed, xstate) are not ours.
dmesg | tail -n +$((boot + 1)) | grep -E 'BUG:|Oops|WARNING:|general protection' | sed 's/^/=== nhv-bochs-vmw: dmesg: /'
echo "=== nhv-bochs-vmw: END"
i=0; while [ $i -lt 64 ]; do echo "=== nhv-bochs-vmw: padding $i ................................................................"; i=$((i + 1)); done
sleep 1
poweroff -f
INIT
chmod +x "$work/root/init"
if ! why=$(vm_mini_iso "$B/kernel-$KVER/boot/vmlinuz-$KVER" "$work/root" "$work/vmw.iso" \
	"nhv VMware backdoor on VMX"); then
	echo "Bail out! $why"
	exit 1
fi

NHV_ISO="$work/vmw.iso"
vm_start_bochs
vm_wait_for '=== nhv-bochs-vmw: END' 2400
log=$(tr -d '\r' < "$(vm_log)")
printf '%s\n' "$log" | grep -q '^bdoor: signature VMwareVMware max 0x40000010' &&
	printf '%s\n' "$log" | grep -q '^bdoor: 0x40000010 ecx 0x00000002' &&
	printf '%s\n' "$log" | grep -q '^bdoor: GETVERSION ebx 0x564d5868' &&
	printf '%s\n' "$log" | grep -qF 'bdoor: rpci in [1 vmx]' &&
	printf '%s\n' "$log" | grep -qF 'bdoor: rpci hypercall [1 vmx]'
st=$?
[ $st = 0 ] && echo "ok 1 - VMX: VMware signature, VMCALL advertised, GETVERSION, RPCI by IN and by VMCALL" ||
	echo "not ok 1 - VMX: VMware signature, VMCALL advertised, GETVERSION, RPCI by IN and by VMCALL"
[ $st = 0 ] || printf '%s\n' "$log" | grep -E '^(bdoor|nhv-vm|===)' | tail -n 25 | sed 's/^/# /'
if printf '%s\n' "$log" | grep -qF 'bdoor: rpci after 1 vmx' &&
   printf '%s\n' "$log" | grep -q '=== nhv-bochs-vmw: boot rc=67'; then
	echo "ok 2 - VMX: random registers and malformed GuestRPC refused, RPCI still answers, exit 67"
else
	echo "not ok 2 - VMX: random registers and malformed GuestRPC refused, RPCI still answers, exit 67"
	printf '%s\n' "$log" | grep -E '^(bdoor|===)' | tail -n 10 | sed 's/^/# /'
fi
if printf '%s\n' "$log" | grep -q '=== nhv-bochs-vmw: END' &&
   ! printf '%s\n' "$log" | grep -q '=== nhv-bochs-vmw: dmesg:'; then
	echo "ok 3 - no BUG:, Oops, WARNING: or general protection in the L1 kernel log after nhv.ko's load"
else
	echo "not ok 3 - no BUG:, Oops, WARNING: or general protection in the L1 kernel log after nhv.ko's load (or no END)"
	printf '%s\n' "$log" | grep -A15 '=== nhv-bochs-vmw: dmesg:' | sed 's/^/# /'
fi
