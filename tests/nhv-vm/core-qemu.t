#!/bin/sh
# nhv-vm's VMM core in the appliance under QEMU TCG (AMD SVM + NPT), 2 vCPUs:
# the multiboot test kernel reads fw_cfg and its module and its isa-debug-exit
# status becomes nhv-vm's exit code, on nhv.ko and on KVM; hostile guests
# (wild ports, wild MMIO, broken virtqueues) are ignored and logged with their
# RIP, or stopped with exit 125 and one line naming the RIP (an MMIO
# instruction nhv cannot decode, a triple fault, cli;hlt), a guest that never
# halts ends at --timeout (124); a bad .vmx is refused with FILE:LINE (exit
# 2); an idle 64 MiB guest has only the RAM it touched pinned by nhv.ko
# (status nhv_mem, from NHV_GET_VM_STATS); and L1's kernel log stays free of
# BUG:, Oops and WARNING.
# The guests reach L1 on an extra disk holding a tar archive.
. tests/lib/vm.sh

B=${NHV_BUILD:-build}
echo "1..18"
if [ ! -f "$NHV_ISO" ] || [ ! -f "$B/tests/guests/mbtest.elf" ] || [ ! -f "$B/tests/guests/hostile.elf" ] ||
   [ ! -f "$B/tests/guests/idle.elf" ]; then
	echo "Bail out! needs $NHV_ISO and the test guests (make iso tests)"
	exit 1
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/nhv-core.XXXXXX")
trap 'rm -rf "$work"; vm__cleanup' EXIT
mkdir "$work/d"
cp "$B/tests/guests/mbtest.elf" "$B/tests/guests/hostile.elf" "$B/tests/guests/idle.elf" "$work/d/"
echo "module-content-xyz" > "$work/d/mod.txt"
printf 'memsize = "64"\nnumvcpus = "2"\nnhv.kernel = "mbtest.elf"\nnhv.initrd = "mod.txt"\n' > "$work/d/mb.vmx"
printf 'memsize = "64"\nnhv.kernel = "hostile.elf"\n' > "$work/d/hostile.vmx"
printf 'nhv.kernel = "mbtest.elf"\nmemsize = "lots"\n' > "$work/d/bad.vmx"
printf 'displayName = "spin"\nmemsize = "64"\nnhv.kernel = "hostile.elf"\nnhv.cmdline = "spin"\n' > "$work/d/spin.vmx"
printf 'displayName = "idle"\nmemsize = "64"\nnhv.kernel = "idle.elf"\n' > "$work/d/idle.vmx"
tar cf "$work/guests.tar" -C "$work/d" .

vm_start --shell --smp 2 --tcg-threads single --disk "$work/guests.tar"
if vm_wait_for 'nhv: ready' 600 &&
   vm_sh 'mkdir -p /tmp/g && cd /tmp/g && for d in /dev/sd?; do tar xf $d 2>/dev/null && break; done; test -f hostile.elf' 60 >/dev/null; then
	echo "ok 1 - the appliance boots under QEMU TCG with SVM and the test guests reach L1"
else
	echo "not ok 1 - the appliance boots under QEMU TCG with SVM and the test guests reach L1"
	exit 1
fi

# run NAME EXPECTED-STATUS REGEX COMMAND: the command's status and a line of its output.
run() {
	name=$1 want=$2 re=$3
	shift 3
	out=$(vm_sh "cd /tmp/g && $* 2>&1; echo status=\$?" 120)
	st=$(printf '%s\n' "$out" | sed -n 's/^status=//p' | tail -n 1)
	if [ "$st" = "$want" ] && printf '%s\n' "$out" | grep -Eq "$re"; then
		echo "ok $n - $name"
	else
		echo "not ok $n - $name: exit ${st:-none}, expected $want and /$re/"
		printf '%s\n' "$out" | tail -n 15 | sed 's/^/# /'
	fi
	n=$((n + 1))
}

n=2
run "multiboot kernel on nhv.ko: fw_cfg (2 CPUs, 64 MiB) and its module, isa-debug-exit 0x12 -> exit 37" \
	37 'mbtest: fw_cfg QEMU cpus=2 ram=64 MiB' 'nhv-vm boot --vmx mb.vmx --timeout 60'
run "wild port reads and writes are ignored and logged with the RIP" \
	133 'port 0x[0-9a-f]+ claimed by no device at rip=0x[0-9a-f]+' \
	'nhv-vm boot --vmx hostile.vmx --set nhv.cmdline=ports --timeout 60'
run "wild MMIO (unclaimed, IOAPIC and LAPIC junk) is ignored and logged with the RIP" \
	133 'MMIO (read|write) of 4 bytes at 0xe0000000 claimed by no device at rip=0x[0-9a-f]+' \
	'nhv-vm boot --vmx hostile.vmx --set nhv.cmdline=mmio --timeout 60'
run "broken virtqueues (loop, rings outside RAM, bogus index and size) are refused and logged" \
	133 'virtio-rng: .*(needs reset|outside|loop)' \
	'nhv-vm boot --vmx hostile.vmx --set nhv.cmdline=virtio --timeout 60'
run "an MMIO instruction nhv cannot decode stops the VM with exit 125 naming the RIP" \
	125 'nhv-vm: hostile stopped: MMIO instruction nhv cannot decode .* at rip=0x10[0-9a-f]+' \
	'nhv-vm boot --vmx hostile.vmx --set nhv.cmdline=insn --timeout 60'
run "a triple fault stops the VM with exit 125 naming the RIP" \
	125 'nhv-vm: hostile stopped: triple fault on vcpu 0 at rip=0x10[0-9a-f]+' \
	'nhv-vm boot --vmx hostile.vmx --set nhv.cmdline=triple --timeout 60'
run "cli; hlt stops the VM with exit 125 naming the RIP" \
	125 'nhv-vm: hostile stopped: HLT with interrupts disabled .* at rip=0x10[0-9a-f]+' \
	'nhv-vm boot --vmx hostile.vmx --set nhv.cmdline=halt --timeout 60'
run "a guest that never halts is killed at --timeout with exit 124" \
	124 'timeout of 3 s expired' \
	'nhv-vm boot --vmx hostile.vmx --set nhv.cmdline=spin --timeout 3'
run "a bad .vmx is refused before any VM exists, naming FILE:LINE and the key (exit 2)" \
	2 'bad.vmx:2: memsize: expected MiB' 'nhv-vm boot --vmx bad.vmx'
run "the serial log gets the stop line too" \
	0 'nhv-vm: hostile stopped: triple fault' \
	'nhv-vm boot --vmx hostile.vmx --set nhv.cmdline=triple --serial-log /tmp/g/s.log >/dev/null 2>&1; cat /tmp/g/s.log'

# A defined VM under its supervisor, driven through its control socket.
# show OUT: the last lines a failed check saw.
show() { printf '%s\n' "$1" | tail -n 20 | sed 's/^/# /'; }
out=$(vm_sh 'cd /tmp/g && nhv vm define spin.vmx && nhv vm start spin && sleep 3 &&
	echo "S1 $(nhv vm status spin)" &&
	{ (timeout 30 nhv vm console spin </dev/null >con.out 2>&1; echo "CE $?" >con.rc) & } &&
	sleep 2 && nhv vm reset spin && sleep 3 && echo "S2 $(nhv vm status spin)" &&
	echo "L $(nhv vm log spin | grep -c "hostile: spinning")" && nhv vm stop spin --force && wait &&
	echo "C $(grep -c "hostile: spinning" con.out) $(cat con.rc)" && nhv vm list; echo "RM $(nhv vm rm spin >/dev/null; echo $?) $(nhv vm list | grep -c spin)"' 240)
if printf '%s\n' "$out" | grep -q '^S1 {.*"accel":"nhv".*"resets":0' && printf '%s\n' "$out" | grep -q '^S1 {.*"startup_ms":[0-9][0-9.]*,"exits"'; then
	echo "ok $n - nhv vm status of a started VM answers JSON over its control socket (accel nhv, 0 resets, its start-up time)"
else
	echo "not ok $n - nhv vm status of a started VM answers JSON over its control socket (accel nhv, 0 resets, its start-up time)"
	show "$out"
fi
n=$((n + 1))
if printf '%s\n' "$out" | grep -q '^S2 {.*"resets":1' && printf '%s\n' "$out" | grep -q '^L 2$'; then
	echo "ok $n - nhv vm reset restarts the guest (its kernel read again): 1 reset, the log shows 2 boots"
else
	echo "not ok $n - nhv vm reset restarts the guest (its kernel read again): 1 reset, the log shows 2 boots"
	show "$out"
fi
n=$((n + 1))
if printf '%s\n' "$out" | grep -Eq '^C 1 CE 0$'; then
	echo "ok $n - nhv vm console without a terminal shows what the guest prints after attaching and ends (0) when the VM stops"
else
	echo "not ok $n - nhv vm console without a terminal shows what the guest prints after attaching and ends (0) when the VM stops"
	show "$out"
fi
n=$((n + 1))
if printf '%s\n' "$out" | grep -Eq '^spin +off' && printf '%s\n' "$out" | grep -q '^RM 0 0$'; then
	echo "ok $n - nhv vm stop --force: list says off; rm forgets the VM"
else
	echo "not ok $n - nhv vm stop --force: list says off; rm forgets the VM"
	show "$out"
fi
n=$((n + 1))

# Guest RAM is pinned on first touch (kernel-vmm/pin.c): an idle 64 MiB
# guest (16,384 pages) that touched its first 2 MiB has 512 pinned, not all.
out=$(vm_sh 'cd /tmp/g && nhv vm define idle.vmx && nhv vm start idle &&
	for i in $(seq 60); do nhv vm log idle | grep -q "idle: ready" && break; sleep 1; done &&
	sleep 2 && echo "S $(nhv vm status idle)"; nhv vm stop idle --force; nhv vm rm idle >/dev/null' 180)
mem=$(printf '%s\n' "$out" | sed -n 's/^S {.*"nhv_mem":{"pages_pinned":\([0-9]*\),"regions_pinned":\([0-9]*\),"slot_pages":\([0-9]*\),.*/\1 \2 \3/p')
set -- $mem
if [ -n "$mem" ] && [ "$1" -gt 0 ] && [ "$1" -le 1024 ] && [ "$2" -ge 1 ] && [ "$3" = 16384 ]; then
	echo "ok $n - an idle 64 MiB guest on nhv.ko: $1 of $3 pages pinned ($2 regions), the rest untouched"
else
	echo "not ok $n - an idle 64 MiB guest on nhv.ko: at most 1024 of 16384 pages pinned (saw '${mem:-no nhv_mem}')"
	show "$out"
fi
n=$((n + 1))

out=$(vm_sh 'dmesg' 60)
if ! vm_kernel_clean || printf '%s\n' "$out" | grep -Eq 'BUG:|Oops|WARNING: CPU|general protection'; then
	echo "not ok $n - L1's kernel log is clean after the hostile guests"
	printf '%s\n' "$out" | grep -E -A5 'BUG:|Oops|WARNING: CPU|general protection' | head -n 30 | sed 's/^/# /'
else
	echo "ok $n - L1's kernel log is clean after the hostile guests"
fi
n=$((n + 1))

run "the same multiboot kernel on KVM (kvm_amd) exits 37 too" \
	37 'mbtest: ok' 'rmmod nhv && modprobe kvm_amd && nhv-vm boot --vmx mb.vmx --accel kvm --timeout 60'
