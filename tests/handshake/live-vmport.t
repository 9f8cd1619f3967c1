#!/bin/sh
# live-vmport.t - nhv-toolsd and `nhv guestinfo` in the appliance ISO under
# QEMU: once with the VMware backdoor (vmport=on: GETVERSION and GETUUID
# answered, no GuestRPC) and once without it.  Two boots in all.
#   with vmport:  the backdoor is found, version 6, the UUID is QEMU's -uuid;
#                 GuestRPC's absence is one clear log line, the daemon idles
#                 (no busy loop) and `nhv guestinfo get` fails within seconds
#                 with a one-line reason; nhv.guestinfo.hostname= on the
#                 kernel command line sets the host name.
#   without:      nhv-toolsd stays idle and quiet, nothing crashes.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib/vm.sh

if [ ! -f "$NHV_ISO" ] || ! command -v qemu-system-x86_64 >/dev/null; then
	echo "1..0 # SKIP no ISO at $NHV_ISO (make iso) or no qemu-system-x86_64"
	exit 0
fi
echo "1..20"
n=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }
diag() { printf '%s\n' "$1" | sed 's/^/# /'; }

# Kernel trouble and crashed programs on the console.  (vm_kernel_clean
# also matches programs' own "WARNING:" messages; a kernel warning reads
# "WARNING: CPU: n PID: ...".)
console_clean() {
	! tr -d '\r' < "$(vm_log)" |
		grep -Eq 'BUG:|Oops|WARNING: CPU|general protection|segfault|Segmentation fault'
}

# CPU ticks (utime + stime) of a process, from /proc/PID/stat.
ticks='awk "{print \$14 + \$15}" /proc/$(cat /tmp/tsd/toolsd.pid)/stat'

uuid=564d4e48-5601-4a11-8b0c-0123456789ab
vm_start --shell --uuid "$uuid" --append "nhv.guestinfo.hostname=lab-vmport"
vm_wait_for 'nhv: ready' 600
ok $? "boot with vmport reaches 'nhv: ready'"

out=$(vm_sh 'nhv-guestinfo backdoor')
ok $? "nhv-guestinfo backdoor finds the backdoor"
diag "$out"
echo "$out" | grep -qx 'version=6'
ok $? "GETVERSION answers 6"
echo "$out" | grep -qx "uuid=$uuid"
ok $? "GETUUID matches -uuid $uuid"

out=$(vm_sh 'a=$(date +%s); nhv guestinfo get nhv.hostname 2>/tmp/gi.err; rc=$?; b=$(date +%s); echo "rc=$rc secs=$((b - a)) lines=$(wc -l < /tmp/gi.err)"; cat /tmp/gi.err')
diag "$out"
echo "$out" | grep -q '^rc=3 '
ok $? "nhv guestinfo get fails (exit 3) on a host without GuestRPC"
secs=$(echo "$out" | sed -n 's/.*secs=\([0-9]*\).*/\1/p')
[ -n "$secs" ] && [ "$secs" -le 5 ]
ok $? "... within seconds (${secs:-?} s)"
echo "$out" | grep -q 'lines=1$' && echo "$out" | grep -q 'no GuestRPC'
ok $? "... with a one-line reason naming the missing GuestRPC"

vm_sh 'nhv-toolsd --daemon --no-apply --run-dir /tmp/tsd --log /tmp/tsd.log; sleep 3' >/dev/null
out=$(vm_sh 'cat /tmp/tsd.log; cat /tmp/tsd/backdoor /tmp/tsd/nesting')
diag "$out"
echo "$out" | grep -q "VMware backdoor: version 6, ESX Server, uuid $uuid"
ok $? "nhv-toolsd logs the backdoor, its type and UUID"
[ "$(echo "$out" | grep -c 'no GuestRPC')" = 1 ]
ok $? "nhv-toolsd says 'no GuestRPC' in exactly one line"
echo "$out" | grep -qx 'nesting_supported=0'
ok $? "the NESTING_CONTROL answer is published (QEMU: none)"
t0=$(vm_sh "$ticks")
sleep 10
t1=$(vm_sh "$ticks")
diag "toolsd CPU ticks: $t0 -> $t1 over 10 s"
[ -n "$t0" ] && [ -n "$t1" ] && [ $((t1 - t0)) -le 5 ]
ok $? "nhv-toolsd is idle without GuestRPC (no busy loop)"
lines=$(vm_sh 'wc -l < /tmp/tsd.log')
[ "$lines" -le 6 ]
ok $? "nhv-toolsd stays quiet while idle ($lines log lines)"

out=$(vm_sh 'nhv-toolsd --once --run-dir /tmp/tsd2 --log /tmp/tsd2.log; hostname; cat /tmp/tsd2/config')
diag "$out"
echo "$out" | grep -qx 'lab-vmport' && echo "$out" | grep -q 'hostname_source=kernel command line'
ok $? "nhv.guestinfo.hostname= on the kernel command line sets the host name"
console_clean
ok $? "no kernel BUG/Oops/WARNING and no segfault with vmport"
vm_stop

vm_start --shell --no-vmport
vm_wait_for 'nhv: ready' 600
ok $? "boot without vmport reaches 'nhv: ready'"
out=$(vm_sh 'nhv-guestinfo backdoor; echo "rc=$?"; nhv guestinfo get nhv.hostname; echo "rc=$?"')
diag "$out"
echo "$out" | grep -qx 'present=0' && ! echo "$out" | grep -qi 'segmentation fault'
ok $? "without vmport the probe says present=0 and nothing crashes"
echo "$out" | grep -q 'no VMware backdoor on this machine' && [ "$(echo "$out" | grep -c '^rc=3$')" = 2 ]
ok $? "nhv guestinfo get fails with exit 3 and names the missing backdoor"
vm_sh 'nhv-toolsd --daemon --no-apply --run-dir /tmp/tsd --log /tmp/tsd.log; sleep 3' >/dev/null
out=$(vm_sh 'cat /tmp/tsd.log; kill -0 $(cat /tmp/tsd/toolsd.pid) && echo alive')
diag "$out"
[ "$(echo "$out" | grep -c 'no VMware backdoor')" = 1 ] && echo "$out" | grep -qx alive
ok $? "nhv-toolsd logs one line and keeps running"
t0=$(vm_sh "$ticks")
sleep 10
t1=$(vm_sh "$ticks")
[ -n "$t0" ] && [ -n "$t1" ] && [ $((t1 - t0)) -le 5 ]
ok $? "nhv-toolsd is idle without a backdoor (ticks $t0 -> $t1)"
console_clean
ok $? "no kernel BUG/Oops/WARNING and no segfault without vmport"
vm_stop
