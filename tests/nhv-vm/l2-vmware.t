#!/bin/sh
# L2 guests see a VMware host (issue 13), in the appliance under QEMU TCG
# (AMD SVM + NPT), one boot:
# - L2 Linux says "Hypervisor detected: VMware" and reads its TSC rate from
#   the hypervisor; /sys/class/dmi/id shows VMware's vendor, product,
#   serial and the uuid.bios UUID, and Debian's dmidecode in L2 reads the
#   same UUID, manufacturer and product; a cpuid.1.ecx mask (VMware syntax)
#   clears popcnt and a Xen list `cpuid = [ '1:ecx=...' ]` clears movbe in
#   /proc/cpuinfo, and nothing else of the three flags looked at;
# - with hypervisor.cpuid.v0 = FALSE neither line is there, and a Xen
#   `cpuid = "host,sse4.2=0"` (libxl syntax) clears sse4_2;
# - the bdoor test guest (multiboot) finds the signature, GETVERSION and an
#   RPCI round trip (by IN and by VMMCALL), hammers the backdoor with random
#   registers and malformed GuestRPC, gets refusals, and a last round trip
#   still answers; nhv-vm logs the errors, rate-limited, and exits normally;
#   the same on --accel kvm (port exits, no hypercall);
# - the cpl3 test guest calls GETVERSION by IN from ring 3 with IOPL 3:
#   answered, and #GP(0) with monitor_control.restrict_backdoor = TRUE, on
#   nhv.ko and on --accel kvm (nhv-vm completes the KVM port exit and
#   injects the #GP);
# - the perfctr test guest with monitor_control.pseudo_perfctr = TRUE reads
#   RDPMC 0x10000-0x10002 at CPL 0 and CPL 3: all grow, the ns ones at the
#   TSC kHz of 0x40000010; without the key RDPMC 0x10000 at CPL 3 is #GP(0)
#   (nhv.ko; on KVM it is kvm.ko's enable_vmware_backdoor, docs/vm-config.md);
# - guestinfo set and read through `nhv vm guestinfo` on a running guest,
#   `nhv vm status` and `list --verbose` count backdoor calls and show
#   NESTING_CONTROL's answer from QEMU's vmport (it does not know it), `nhv vm cpuid` shows the VMware leaves and
#   the key that cleared a bit, `nhv vm shutdown` without tools says so;
# - nhv.nesting = toggle / off with three idle guests: RESTRICT by the first
#   VMM, none by the second, nothing asked with off, OPEN by the last live one
#   (a VMM killed by SIGKILL does not keep L0 restricted);
# - L1's kernel log stays clean.
. tests/lib/vm.sh

B=${NHV_BUILD:-build}
echo "1..20"
if [ ! -f "$NHV_ISO" ] || [ ! -f "$B/tests/guests/bdoor.elf" ] || [ ! -f "$B/tests/guests/cpl3.elf" ] ||
   [ ! -f "$B/tests/guests/perfctr.elf" ] || [ ! -f "$B/tests/guests/idle.elf" ]; then
	echo "Bail out! needs $NHV_ISO and the bdoor test guest (make iso tests)"
	exit 1
fi
t() { if [ "$1" = 0 ]; then echo "ok $2 - $3"; else echo "not ok $2 - $3"; fi; return "$1"; }
show() { printf '%s\n' "$1" | tail -n "${2:-25}" | sed 's/^/# /'; }

work=$(mktemp -d "${TMPDIR:-/tmp}/nhv-l2vmw.XXXXXX")
trap 'rm -rf "$work"; vm__cleanup' EXIT
mkdir "$work/d"
cp "$B/tests/guests/bdoor.elf" "$B/tests/guests/cpl3.elf" "$B/tests/guests/perfctr.elf" "$B/tests/guests/idle.elf" "$work/d/"
printf 'memsize = "64"\nnhv.kernel = "cpl3.elf"\n' > "$work/d/cpl3.vmx"
printf 'memsize = "64"\nnhv.kernel = "perfctr.elf"\n' > "$work/d/perfctr.vmx"
printf 'memsize = "64"\nnhv.kernel = "bdoor.elf"\nguestinfo.bdtest = "hello |22bdoor|22"\n' > "$work/d/bd.vmx"
tar cf "$work/guests.tar" -C "$work/d" .

UUID='56 4d 12 34 56 78 9a bc-de f0 12 34 56 78 9a bc'
vm_start --shell --smp 2 --tcg-threads single --disk "$work/guests.tar"
if ! vm_wait_for 'nhv: ready' 600 ||
   ! vm_sh 'mkdir -p /tmp/g && cd /tmp/g && for d in /dev/sd?; do tar xf $d 2>/dev/null && break; done; test -f bdoor.elf' 60 >/dev/null; then
	echo "Bail out! the appliance did not boot or the test guest did not reach L1"
	exit 1
fi
vm_sh 'PS1=""; PS2=""' 20 >/dev/null

# Run A: VMware personality, a VMware-syntax mask clearing popcnt (1.ECX[23])
# and a Xen list-syntax one clearing movbe (1.ECX[22], the 10th character).
L2CMD='dmesg | grep -E "Hypervisor detected|TSC freq read from hypervisor"; for f in sys_vendor product_name product_serial product_uuid bios_vendor; do echo "$f=$(cat /sys/class/dmi/id/$f)"; done; for k in system-uuid system-manufacturer system-product-name; do echo "dmidecode $k=$(dmidecode -s $k)"; done; echo "flags=$(grep -o -w -E "movbe|popcnt|sse4_2" /proc/cpuinfo | sort -u | tr "\n" " ")"'
out=$(vm_sh "nhv vm run --timeout 600 --set 'uuid.bios=$UUID' --set cpuid.1.ecx=--------0----------------------- --set \"cpuid=[ '1:ecx=xxxxxxxxx0xxxxxxxxxxxxxxxxxxxxxx' ]\" -- '$L2CMD'; echo rc=\$?" 700)
printf '%s\n' "$out" | grep -q 'Hypervisor detected: VMware' &&
	printf '%s\n' "$out" | grep -Eq 'TSC freq read from hypervisor : [0-9]+\.[0-9]+ MHz'
t $? 1 "L2 Linux: 'Hypervisor detected: VMware' and 'TSC freq read from hypervisor'"
[ $? = 0 ] || show "$out"
printf '%s\n' "$out" | grep -qx 'sys_vendor=VMware, Inc.' &&
	printf '%s\n' "$out" | grep -qx 'product_name=VMware Virtual Platform' &&
	printf '%s\n' "$out" | grep -qx 'bios_vendor=VMware, Inc.' &&
	printf '%s\n' "$out" | grep -qx "product_serial=VMware-$UUID" &&
	printf '%s\n' "$out" | grep -qx 'product_uuid=34124d56-7856-bc9a-def0-123456789abc'
t $? 2 "L2 /sys/class/dmi/id: VMware vendor, product, BIOS vendor, serial and the uuid.bios UUID"
[ $? = 0 ] || show "$out"
# dmidecode prints SMBIOS 2.6+ UUIDs with the first three fields little-endian, as Linux does.
printf '%s\n' "$out" | grep -qx 'dmidecode system-uuid=34124d56-7856-bc9a-def0-123456789abc' &&
	printf '%s\n' "$out" | grep -qx 'dmidecode system-manufacturer=VMware, Inc.' &&
	printf '%s\n' "$out" | grep -qx 'dmidecode system-product-name=VMware Virtual Platform'
t $? 3 "dmidecode in L2: the uuid.bios UUID, 'VMware, Inc.', 'VMware Virtual Platform'"
[ $? = 0 ] || show "$out"
printf '%s\n' "$out" | grep -qx 'flags=sse4_2 ' && printf '%s\n' "$out" | grep -qx 'rc=0'
t $? 4 "cpuid.1.ecx (VMware syntax) clears popcnt and Xen's cpuid = [ '1:ecx=...' ] clears movbe in L2's /proc/cpuinfo, sse4_2 stays"
[ $? = 0 ] || show "$out"

# Run B: no hypervisor, a Xen libxl mask clearing sse4.2 (1.ECX[20]).
out=$(vm_sh "nhv vm run --timeout 600 --set hypervisor.cpuid.v0=FALSE --set 'cpuid=\"host,sse4.2=0\"' -- '$L2CMD'; echo rc=\$?" 700)
printf '%s\n' "$out" | grep -qx 'rc=0' && ! printf '%s\n' "$out" | grep -q 'Hypervisor detected' &&
	! printf '%s\n' "$out" | grep -q 'TSC freq read from hypervisor'
t $? 5 "hypervisor.cpuid.v0 = FALSE: no 'Hypervisor detected', no TSC rate from the hypervisor"
[ $? = 0 ] || show "$out"
printf '%s\n' "$out" | grep -qx 'flags=movbe popcnt '
t $? 6 "Xen's cpuid = \"host,sse4.2=0\" clears sse4_2 in L2's /proc/cpuinfo, movbe and popcnt stay"
[ $? = 0 ] || show "$out"

# The bdoor test guest: exit 0x21 -> (0x21 << 1) | 1 = 67.
out=$(vm_sh 'cd /tmp/g && nhv-vm boot --vmx bd.vmx --timeout 300 2>&1; echo status=$?' 400)
printf '%s\n' "$out" | grep -q '^bdoor: signature VMwareVMware max 0x40000010' &&
	printf '%s\n' "$out" | grep -q '^bdoor: 0x40000010 ecx 0x00000001' &&
	printf '%s\n' "$out" | grep -q '^bdoor: GETVERSION eax 0x00000006' &&
	printf '%s\n' "$out" | grep -q '^bdoor: GETVERSION ebx 0x564d5868' &&
	printf '%s\n' "$out" | grep -qF 'bdoor: rpci in [1 hello "bdoor"]' &&
	printf '%s\n' "$out" | grep -qF 'bdoor: rpci hypercall [1 hello "bdoor"]'
t $? 7 "bdoor guest: VMware signature, VMMCALL advertised, GETVERSION, RPCI by IN and by VMMCALL"
[ $? = 0 ] || show "$out"
printf '%s\n' "$out" | grep -q '^bdoor: random calls done' &&
	printf '%s\n' "$out" | grep -q '^bdoor: channels opened of 9 tried 0x00000008' &&
	printf '%s\n' "$out" | grep -q '^bdoor: malformed steps refused 0x0000000b' &&
	printf '%s\n' "$out" | grep -qF 'bdoor: rpci after 1 hello "bdoor"' &&
	printf '%s\n' "$out" | grep -qx 'status=67'
t $? 8 "40000 random calls and 11 malformed GuestRPC steps refused, 8 channels at most, RPCI still answers, exit 67"
[ $? = 0 ] || show "$out"
n=$(printf '%s\n' "$out" | grep -c '^nhv-vm: bd: \(backdoor\|GuestRPC\):')
printf '%s\n' "$out" | grep -q '^nhv-vm: bd: backdoor: more guest errors, not logged' && [ "$n" -le 51 ]
t $? 9 "the guest's errors are logged, at most 50 lines and one saying the rest is not ($n)"
[ $? = 0 ] || show "$out"

# A running guest: the default L2 guest, started by hand (autostart is off here).
out=$(vm_sh "nhv vm start default >/dev/null 2>&1; for i in \$(seq 400); do nhv vm log default | grep -q '^nhv-l2: init' && break; sleep 1; done
nhv vm guestinfo default lab.owner='alice |x\"y'; echo rc1=\$?
nhv vm guestinfo default guestinfo.lab.owner; echo rc2=\$?
nhv vm guestinfo default nosuch; echo rc3=\$?" 500)
printf '%s\n' "$out" | grep -qx 'rc1=0' && printf '%s\n' "$out" | grep -qx 'alice |x"y' &&
	printf '%s\n' "$out" | grep -qx 'rc2=0' && printf '%s\n' "$out" | grep -q 'guestinfo.nosuch: No value found' &&
	printf '%s\n' "$out" | grep -qx 'rc3=1'
t $? 10 "nhv vm guestinfo sets and reads a running guest's guestinfo (quotes and | kept); an unset key exits 1"
[ $? = 0 ] || show "$out"

out=$(vm_sh 'nhv vm status default; nhv vm list --verbose' 60)
calls=$(printf '%s\n' "$out" | sed -n 's/.*"backdoor":{"calls":\([0-9]*\).*/\1/p')
# The default guest starts vmtoolsd (images/l2): "tools running" once it has said so, before that "not running".
# QEMU's vmport does not know NESTING_CONTROL: shown as such, nothing done.
[ "${calls:-0}" -gt 0 ] && printf '%s\n' "$out" | grep -q '"hypercall":"vmmcall"' &&
	printf '%s\n' "$out" | grep -qF '"nesting":{"policy":"auto","query":"L0 does not know NESTING_CONTROL (EAX 0xffffffff)","action":"none (auto, L0 cannot toggle)"}' &&
	printf '%s\n' "$out" | grep -Eq '^    backdoor: [1-9][0-9]* calls, [0-9]+ guest errors, hypercall vmmcall, tools (not )?running$' &&
	printf '%s\n' "$out" | grep -qx '    nesting (L0): policy auto; QUERY: L0 does not know NESTING_CONTROL (EAX 0xffffffff); none (auto, L0 cannot toggle)'
t $? 11 "status and list --verbose: the guest's backdoor calls (${calls:-none}), the hypercall, L0's answer to NESTING_CONTROL (QEMU's vmport: unknown)"
[ $? = 0 ] || show "$out"

out=$(vm_sh 'nhv vm cpuid default --set cpuid.1.ecx=--------0-----------------------' 60)
printf '%s\n' "$out" | grep -q '^0x40000000.0: eax=0x40000010 ebx=0x61774d56 ecx=0x4d566572 edx=0x65726177' &&
	printf '%s\n' "$out" | grep -Eq '^    ecx bit 23: 1 -> 0  cpuid\.1\.ecx$'
t $? 12 "nhv vm cpuid: VMware's leaf 0x40000000, and 1.ECX[23] cleared by cpuid.1.ecx"
[ $? = 0 ] || show "$out"

# The default guest runs open-vm-tools (images/l2/vmtools/); a copy of it
# with nhv.vmtools=off is a guest without tools.
out=$(vm_sh 'nhv vm stop default --force >/dev/null 2>&1
sed -e "s/^displayName = .*/displayName = \"notools\"/" -e "/^nhv.autostart/d" -e "s/^\(nhv.cmdline = \".*\)\"\$/\1 nhv.vmtools=off\"/" /usr/lib/nhv/l2/default.vmx > /tmp/notools.vmx
nhv vm define /tmp/notools.vmx >/dev/null && nhv vm start notools >/dev/null 2>&1
(for i in $(seq 400); do nhv vm log notools | grep -q "^nhv-l2: init" && exit 0; sleep 1; done; exit 1)
nhv vm shutdown notools --timeout 5; echo rc=$?; nhv vm stop notools --force >/dev/null 2>&1; dmesg | grep -E "BUG:|Oops|WARNING: CPU|general protection"' 600)
printf '%s\n' "$out" | grep -q "still runs after 5 s (are the guest's VMware tools running?" &&
	printf '%s\n' "$out" | grep -qx 'rc=1' && ! printf '%s\n' "$out" | grep -Eq 'BUG:|Oops|WARNING: CPU|general protection'
t $? 13 "nhv vm shutdown without tools in the guest says so (exit 1); L1's kernel log stays clean"
[ $? = 0 ] || show "$out"

# The cpl3 guest: GETVERSION from ring 3 (IOPL 3), answered -> exit 0x31
# (status 99); with restrict_backdoor #GP(0) on the IN -> 0x32 (status 101).
CPL3='cd /tmp/g && nhv-vm boot --vmx cpl3.vmx ACCEL --timeout 120 2>&1; echo status=$?; nhv-vm boot --vmx cpl3.vmx ACCEL --set monitor_control.restrict_backdoor=TRUE --timeout 120 2>&1; echo status=$?'
cpl3_ok() {
	printf '%s\n' "$1" | grep -c '^cpl3: at CPL 3 with IOPL 3' | grep -qx 2 &&
		printf '%s\n' "$1" | grep -q '^cpl3: GETVERSION answered at CPL 3' &&
		printf '%s\n' "$1" | grep -q '^cpl3: #GP(0) on the IN from CPL 3' &&
		printf '%s\n' "$1" | grep -q 'backdoor: IN from CPL 3 refused (monitor_control.restrict_backdoor): #GP' &&
		[ "$(printf '%s\n' "$1" | grep '^status=' | tr '\n' ' ')" = "status=99 status=101 " ]
}
out=$(vm_sh "$(printf '%s' "$CPL3" | sed 's/ ACCEL//g')" 300)
cpl3_ok "$out"
t $? 14 "cpl3 guest on nhv.ko: GETVERSION from CPL 3 answered; with restrict_backdoor, #GP(0) on the IN"
[ $? = 0 ] || show "$out"

# The perfctr guest: with the key every read answers -> exit 0x41 (status
# 131); without it ("nopmc") #GP(0) on the CPL 3 RDPMC -> 0x42 (status 133).
out=$(vm_sh 'cd /tmp/g && nhv-vm boot --vmx perfctr.vmx --set monitor_control.pseudo_perfctr=TRUE --timeout 120 2>&1; echo status=$?; nhv-vm boot --vmx perfctr.vmx --set nhv.cmdline=nopmc --timeout 120 2>&1; echo status=$?' 300)
printf '%s\n' "$out" | grep -q '^perfctr: CPL 0: all three grew, ns in proportion to the TSC' &&
	printf '%s\n' "$out" | grep -qx 'perfctr: at CPL 3' &&
	printf '%s\n' "$out" | grep -q '^perfctr: CPL 3: all three grew, ns in proportion to the TSC' &&
	printf '%s\n' "$out" | grep -q '^perfctr: #GP(0) on RDPMC 0x10000 at CPL 3' &&
	[ "$(printf '%s\n' "$out" | grep '^status=' | tr '\n' ' ')" = "status=131 status=133 " ]
r=$?
t $r 15 "perfctr guest: pseudo_perfctr RDPMC 0x10000-2 grow in proportion at CPL 0 and 3; without the key #GP(0) at CPL 3"
if [ $r = 0 ]; then printf '%s\n' "$out" | grep -E '^perfctr: (TSC|CPL [03] 0x0001000[0-2])' | sed 's/^/# /'; else show "$out" 40; fi

# nhv.nesting as a policy, with three idle guests: "toggle" sends
# RESTRICT_BACKDOOR for the first VMM that runs (QEMU's vmport does not know
# the command: its answer is shown), the second finds L0 restricted already,
# "off" asks nothing.  The VMMs are listed by PID in /run/nhv/nesting-users:
# one killed by SIGKILL is dropped, so the last live one still sends OPEN.
NEST='cd /tmp/g && rm -f /run/nhv/nesting-users
for n in nta ntb ntoff; do p=toggle; [ $n = ntoff ] && p=off
	printf "displayName = \"%s\"\nmemsize = \"64\"\nnhv.kernel = \"idle.elf\"\nnhv.nesting = \"%s\"\n" $n $p > $n.vmx
	nhv vm define $n.vmx >/dev/null || echo "define $n failed"; done
up() { for i in $(seq 60); do nhv vm status $1 2>/dev/null | grep -q "\"nesting\":{" && return; sleep 1; done; echo "$1 not up"; }
nhv vm start nta >/dev/null; up nta; echo "users1=$(grep -c . /run/nhv/nesting-users)"
nhv vm start ntb >/dev/null; up ntb; nhv vm start ntoff >/dev/null; up ntoff; echo "users2=$(grep -c . /run/nhv/nesting-users)"
for n in nta ntb ntoff; do echo "$n $(nhv vm status $n | grep -o "\"nesting\":{[^}]*}")"; done
kill -9 $(sed -n "s/^vmm_pid=//p" /run/nhv/vms/ntb/state); sleep 2
nhv vm stop nta --force >/dev/null; echo "users3=$(grep -c . /run/nhv/nesting-users)"
grep -h "NESTING_CONTROL" /run/nhv/vms/nta/vmm.log | sed "s/^/nta log: /"
nhv vm stop ntoff --force >/dev/null; for n in nta ntb ntoff; do nhv vm rm $n >/dev/null 2>&1 || echo "rm $n failed"; done'
out=$(vm_sh "$NEST" 300)
Q='"query":"L0 does not know NESTING_CONTROL (EAX 0xffffffff)"'
printf '%s\n' "$out" | grep -qx 'users1=1' && printf '%s\n' "$out" | grep -qx 'users2=2' &&
	printf '%s\n' "$out" | grep -qF "nta \"nesting\":{\"policy\":\"toggle\",$Q,\"action\":\"RESTRICT_BACKDOOR: " &&
	printf '%s\n' "$out" | grep -qxF "ntb \"nesting\":{\"policy\":\"toggle\",$Q,\"action\":\"restricted by another VM already\"}" &&
	printf '%s\n' "$out" | grep -qxF 'ntoff "nesting":{"policy":"off","query":"not asked (nhv.nesting = off)","action":""}' &&
	printf '%s\n' "$out" | grep -qx 'users3=0' &&
	printf '%s\n' "$out" | grep -q '^nta log: nhv-vm: NESTING_CONTROL RESTRICT_BACKDOOR: ' &&
	printf '%s\n' "$out" | grep -q '^nta log: nhv-vm: NESTING_CONTROL OPEN_BACKDOOR: ' &&
	! printf '%s\n' "$out" | grep -q 'failed\|not up'
t $? 16 "nhv.nesting toggle: the first VMM sends RESTRICT (vmport's answer shown), the second finds it done, off asks nothing; a VMM killed by SIGKILL is dropped and the last one sends OPEN"
[ $? = 0 ] || show "$out" 30

# Last, as it takes SVM from nhv.ko: the same guest on KVM (kvm_amd in L1), port 0x5658 by
# GET_REGS/SET_REGS, no hypercall advertised; pseudo_perfctr, which kvm.ko
# decides for every VM, is named as not applied.
out=$(vm_sh 'cd /tmp/g && rmmod nhv && modprobe kvm_amd && nhv-vm boot --vmx bd.vmx --accel kvm --set nhv.cmdline=quick --set monitor_control.pseudo_perfctr=TRUE --timeout 300 2>&1; echo status=$?' 400)
printf '%s\n' "$out" | grep -q '^bdoor: signature VMwareVMware max 0x40000010' &&
	printf '%s\n' "$out" | grep -q '^bdoor: 0x40000010 ecx 0x00000000' &&
	printf '%s\n' "$out" | grep -q '^bdoor: GETVERSION eax 0x00000006' &&
	printf '%s\n' "$out" | grep -qF 'bdoor: rpci in [1 hello "bdoor"]' &&
	printf '%s\n' "$out" | grep -qF 'bdoor: rpci after 1 hello "bdoor"' &&
	printf '%s\n' "$out" | grep -Eq 'pseudo_perfctr = TRUE is not applied on KVM: .*enable_vmware_backdoor \((Y: answered|N: #GP) here\)' &&
	printf '%s\n' "$out" | grep -qx 'status=67'
t $? 17 "bdoor guest on --accel kvm: signature, no hypercall advertised, GETVERSION, RPCI before and after hostile calls; pseudo_perfctr named as not applied"
[ $? = 0 ] || show "$out"

# restrict_backdoor on KVM: the CPL 3 IN is a port exit (IOPL 3), refused in
# nhv-vm, which completes the exit and injects #GP(0) (KVM_SET_VCPU_EVENTS).
out=$(vm_sh "$(printf '%s' "$CPL3" | sed 's/ ACCEL/ --accel kvm/g')" 300)
cpl3_ok "$out"
t $? 18 "cpl3 guest on --accel kvm: GETVERSION from CPL 3 answered; with restrict_backdoor, #GP(0) on the IN"
[ $? = 0 ] || show "$out"

# A forced stop of a KVM guest logs each vCPU's state (accel-kvm.c): what a
# frozen guest was doing.
out=$(vm_sh 'cd /tmp/g && printf "displayName = \"idlekvm\"\nmemsize = \"64\"\nnhv.kernel = \"idle.elf\"\nnhv.accel = \"kvm\"\n" > idlekvm.vmx &&
	nhv vm define idlekvm.vmx >/dev/null && nhv vm start idlekvm >/dev/null &&
	for i in $(seq 60); do nhv vm log idlekvm | grep -q "idle: ready" && break; sleep 1; done;
	nhv vm stop idlekvm --force; echo rc=$?; grep -h "at the stop" /run/nhv/vms/idlekvm/vmm.log; nhv vm rm idlekvm' 200)
printf '%s\n' "$out" | grep -qx 'rc=0' &&
	printf '%s\n' "$out" | grep -q '^nhv-vm: vCPU 0 at the stop: rip=0x[0-9a-f]* rflags=0x[0-9a-f]* IF=1 mp_state=halted'
t $? 19 "nhv vm stop --force of a KVM guest logs its vCPU's state (the idle guest: halted, IF=1)"
[ $? = 0 ] || show "$out"

out=$(vm_sh 'dmesg | grep -E "BUG:|Oops|WARNING: CPU|general protection"' 30)
[ -z "$out" ]
t $? 20 "no BUG:, Oops, WARNING: CPU or general protection in L1's kernel log after the KVM runs" || show "$out"

vm_qmp '{"execute":"quit"}' >/dev/null 2>&1 || true
vm_wait_exit 60 >/dev/null 2>&1 || true
