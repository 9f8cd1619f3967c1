#!/bin/sh
# Debian's open-vm-tools, unmodified, in an L2 guest of the appliance under
# QEMU TCG (AMD SVM + NPT), one appliance boot: vmtoolsd runs and does not
# refuse (its VM check wants GETVERSION 6 / "VMX" and CPUID "VMwareVMware");
# guestinfo goes both ways (vmware-rpctool info-get/info-set in L2, `nhv vm
# guestinfo` in L1); vmware-toolbox-cmd stat speed/hosttime answer; the
# guestinfo plugin's report reaches L1, and the NIC report (SetGuestInfo
# 10, XDR) with an address set in L2 is in `nhv vm list`, --json,
# --verbose and `nhv vm net`; `nhv vm shutdown` (OS_Halt over
# TCLO) makes vmtoolsd halt the guest; and a guest whose CPUID is not
# VMware's (hypervisor.cpuid.v0 = FALSE) boots all the same, vmtoolsd
# having refused.
#
# The guest "tools" runs a script given base64-encoded in nhv.exec (the
# default guest's init runs it, images/l2/init): its findings go to the
# console as "tools: ..." lines, read here with `nhv vm log tools`; no
# console input is needed.
. tests/lib/vm.sh

echo "1..11"
if [ ! -f "$NHV_ISO" ]; then
	echo "Bail out! no ISO at $NHV_ISO (make iso)"
	exit 1
fi
t() { if [ "$1" = 0 ]; then echo "ok $2 - $3"; else echo "not ok $2 - $3"; fi; return "$1"; }
show() { printf '%s\n' "$1" | tail -n "${2:-20}" | sed 's/^/# /'; }

# The L2 script.  say: one console line per finding.
script=$(cat <<'EOF'
say() { echo "tools: $*" > /dev/console; }
hostname l2-tools-7
i=0
while [ $i -lt 60 ] && ! pidof vmtoolsd > /dev/null; do sleep 1; i=$((i + 1)); done
sleep 5
say "vmtoolsd=$(pidof vmtoolsd || echo none) checkvm=$(vmware-checkvm 2>&1 | head -n 1)"
say "x=$(vmware-rpctool 'info-get guestinfo.x' 2>&1)"
vmware-rpctool 'info-set guestinfo.y from-l2-7' > /dev/null 2>&1
say "set-y=$?"
say "speed=$(vmware-toolbox-cmd stat speed 2>&1 | head -n 1)"
say "hosttime=$(vmware-toolbox-cmd stat hosttime 2>&1 | head -n 1)"
i=0
z=""
while [ $i -lt 900 ]; do
	z=$(vmware-rpctool 'info-get guestinfo.z' 2> /dev/null) && break
	z=""
	sleep 1
	i=$((i + 1))
done
say "z=$z"
ip addr add 192.0.2.201/24 dev eth0
say "static=$? $(cat /sys/class/net/eth0/address)"
exec sleep 100000
EOF
)
exec64=$(printf '%s\n' "$script" | base64 -w0)
vmx=$(printf '%s\n' 'displayName = "tools"' 'memsize = "128"' \
	'nhv.kernel = "/usr/lib/nhv/l2/vmlinuz"' 'nhv.initrd = "/usr/lib/nhv/l2/initrd.img"' \
	"nhv.cmdline = \"console=ttyS0 quiet panic=-1 nhv.exec=$exec64\"" \
	'guestinfo.x = "from-vmx-42"' 'ethernet0.present = "TRUE"' | base64 -w0)

# One TCG thread: see tests/kernel-vmm/selftest-svm.t.  No default guest:
# this file starts its own.
vm_start --shell --smp 2 --tcg-threads single
if ! vm_wait_for 'nhv: ready' 600; then
	echo "Bail out! the appliance did not boot"
	exit 1
fi
vm_sh 'PS1=""; PS2=""' 20 >/dev/null

# Waits until `nhv vm log tools` has a line matching RE (up to S seconds
# of L1's clock, however slow each try) and prints the first one; the loop
# runs in a subshell: `exit` must not end the serial root shell.
tools_line() {
	vm_sh "(end=\$((\$(date +%s) + $2)); while [ \$(date +%s) -lt \$end ]; do l=\$(nhv vm log tools | tr -d '\\r' | grep -m1 -E '$1') && { echo \"\$l\"; exit 0; }; sleep 1; done; exit 1)" $(($2 + 60))
}

out=$(vm_sh "echo $vmx | base64 -d > /tmp/tools.vmx && nhv vm define /tmp/tools.vmx && nhv vm start tools; echo rc=\$?" 120)
st=$?
if [ $st = 0 ] && printf '%s\n' "$out" | grep -qx 'rc=0'; then
	first=$(tools_line '^tools: vmtoolsd=' 900)
else
	first=""
fi
printf '%s\n' "$first" | grep -Eq '^tools: vmtoolsd=[0-9]+ checkvm=VMware software version 6 \(good\)' &&
	[ "$(vm_sh "nhv vm log tools | grep -c 'nhv-l2: vmtoolsd exited'" 30)" = 0 ]
t $? 1 "vmtoolsd runs in L2 and does not refuse; vmware-checkvm says version 6 ('${first#tools: }')" ||
	show "$out
$(vm_sh 'nhv vm log tools | tail -n 30; echo' 30)" 40

line=$(tools_line '^tools: x=' 60)
[ "$line" = "tools: x=from-vmx-42" ]
t $? 2 "vmware-rpctool 'info-get guestinfo.x' in L2 returns the .vmx's guestinfo.x ('${line#tools: }')"

set_y=$(tools_line '^tools: set-y=' 60)
out=$(vm_sh 'nhv vm guestinfo tools y; echo rc=$?' 60)
[ "$set_y" = "tools: set-y=0" ] && [ "$(printf '%s\n' "$out" | head -n 1)" = from-l2-7 ] &&
	printf '%s\n' "$out" | grep -qx 'rc=0'
t $? 3 "vmware-rpctool 'info-set guestinfo.y from-l2-7' in L2 is seen by 'nhv vm guestinfo tools y' in L1" ||
	show "$set_y
$out"

out=$(vm_sh 'nhv vm guestinfo tools z=w-from-l1; echo rc=$?' 60)
line=$(tools_line '^tools: z=' 300)
[ "$line" = "tools: z=w-from-l1" ] && printf '%s\n' "$out" | grep -qx 'rc=0'
t $? 4 "'nhv vm guestinfo tools z=w-from-l1' in L1 is seen by vmware-rpctool 'info-get guestinfo.z' in L2 ('${line#tools: }')" ||
	show "$out"

line=$(tools_line '^tools: speed=' 60)
printf '%s\n' "$line" | grep -Eq '^tools: speed=[1-9][0-9]* MHz$'
t $? 5 "vmware-toolbox-cmd stat speed answers ('${line#tools: }')"

line=$(tools_line '^tools: hosttime=' 60)
printf '%s\n' "$line" | grep -Eq '^tools: hosttime=[0-9]{1,2} [A-Z][a-z]{2} 20[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$'
t $? 6 "vmware-toolbox-cmd stat hosttime answers with the host's date ('${line#tools: }')"

# The guestInfo plugin reports within its poll interval (10 s in the
# guest's tools.conf): the host name the script set, in the running VMM's
# status; `list --verbose` says the tools run (their TCLO channel is open).
out=$(vm_sh '(end=$(($(date +%s) + 120)); while [ $(date +%s) -lt $end ]; do nhv vm status tools | grep -q "\"hostname\":\"l2-tools-7\"" && exit 0; sleep 1; done; exit 1); echo rc=$?; nhv vm status tools; nhv vm list --verbose' 200)
printf '%s\n' "$out" | grep -qx 'rc=0' &&
	printf '%s\n' "$out" | grep -A3 '^tools ' | grep -q '^    backdoor: .*, tools running'
t $? 7 "vmtoolsd's guestinfo report reaches L1 ($(printf '%s\n' "$out" | grep -o '"hostname":"[^"]*","ip":"[^"]*"' | head -n 1)); list --verbose: $(printf '%s\n' "$out" | grep -A3 '^tools ' | grep -o 'tools running.*' | head -n 1)" ||
	show "$out"

# The NIC report: eth0 has its DHCP lease (10.77.0.N) and the address the
# script added; vmtoolsd reports both (NIC_INFO_V3), the list shows the
# lease with the added one beside it, "(tools: 192.0.2.201)".
static=$(tools_line '^tools: static=' 120)
l2mac=${static##* }
out=$(vm_sh '(end=$(($(date +%s) + 150)); while [ $(date +%s) -lt $end ]; do nhv vm list | grep -q "(tools: 192\.0\.2\.201)" && exit 0; sleep 2; done; exit 1); echo rc=$?; nhv vm list; nhv vm list --json; nhv vm list --verbose; nhv vm net tools' 240)
printf '%s\n' "$out" | grep -qx 'rc=0' &&
	printf '%s\n' "$out" | grep -Eq "^tools +running .* ethernet0 $l2mac 10\.77\.0\.[0-9]+ \(tools: 192\.0\.2\.201\)\$" &&
	printf '%s\n' "$out" | grep -q "\"tools_nics\": \[{\"mac\":\"$l2mac\",\"addrs\":\[[^]]*\"192\.0\.2\.201/24\"" &&
	printf '%s\n' "$out" | grep -Eq "\"tools_ip\": \"10\.77\.0\.[0-9]+\"" &&
	printf '%s\n' "$out" | grep -Eq "^    tools NIC $l2mac: .*192\.0\.2\.201/24" &&
	printf '%s\n' "$out" | grep -qx 'tools report: [1-9][0-9]* NICs\{0,1\}' &&
	printf '%s\n' "$out" | grep -Eq "^  $l2mac \(ethernet0\): .*192\.0\.2\.201/24"
t $? 8 "vmtoolsd's NIC report: list shows the lease and '(tools: 192.0.2.201)' for ethernet0 (${static#tools: }), --json tools_nics, --verbose and net show 192.0.2.201/24" ||
	show "$static
$out" 40

out=$(vm_sh 'nhv vm shutdown tools --timeout 300; echo rc=$?; nhv vm list; nhv vm log tools | tr -d "\r" | grep "^nhv-l2: shutdown"' 400)
printf '%s\n' "$out" | grep -qx 'rc=0' && printf '%s\n' "$out" | grep -qx 'tools: shut down by its tools' &&
	printf '%s\n' "$out" | grep -q '^tools  *off ' &&
	printf '%s\n' "$out" | grep -qx 'nhv-l2: shutdown -h now: poweroff'
t $? 9 "nhv vm shutdown tools: OS_Halt over TCLO, vmtoolsd runs '/sbin/shutdown -h now', list says off" ||
	show "$out"

cmd='nhv vm run --set hypervisor.cpuid.v0=FALSE --timeout 600 -- '"'"'sleep 5; pidof vmtoolsd || echo no-vmtoolsd; vmware-checkvm; echo checkvm=$?'"'"'; echo rc=$?'
out=$(vm_sh "$cmd" 700)
printf '%s\n' "$out" | grep -qx 'no-vmtoolsd' && printf '%s\n' "$out" | grep -qx 'checkvm=1' &&
	printf '%s\n' "$out" | grep -qx 'rc=0'
t $? 10 "hypervisor.cpuid.v0 = FALSE: the guest boots and runs its command; vmtoolsd and vmware-checkvm refuse" ||
	show "$out"

out=$(vm_sh 'dmesg | grep -E "BUG:|Oops|WARNING: CPU|general protection"' 30)
[ -z "$out" ]
t $? 11 "no BUG:, Oops, WARNING: CPU or general protection in L1's kernel log" || show "$out"

vm_sh 'nhv vm stop tools --force' 120 >/dev/null 2>&1
vm_qmp '{"execute":"quit"}' >/dev/null 2>&1 || true
vm_wait_exit 60 >/dev/null 2>&1 || true
