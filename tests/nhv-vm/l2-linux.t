#!/bin/sh
# L2 Linux guests in the appliance under QEMU TCG (AMD SVM + NPT), one boot:
# the default guest is defined at first boot, autostarted and reaches its
# init (status block line); `nhv vm run` runs a command in a throwaway guest
# (2 vCPUs -> 2 processors, stdout and exit status come back), and one
# that panics ends the run instead of booting again; a virtio-blk
# write survives an L2 `reboot` (which restarts the guest); `poweroff` in L2
# ends the VM and `list` says off; `stop` uses the power button; config and
# CLI errors are named; L1's kernel log stays clean.
. tests/lib/vm.sh

echo "1..14"
if [ ! -f "$NHV_ISO" ]; then
	echo "Bail out! no ISO at $NHV_ISO (make iso)"
	exit 1
fi
# t STATUS N DESCRIPTION: the TAP line; returns STATUS (so `|| show` can follow).
t() { if [ "$1" = 0 ]; then echo "ok $2 - $3"; else echo "not ok $2 - $3"; fi; return "$1"; }
show() { printf '%s\n' "$1" | tail -n "${2:-20}" | sed 's/^/# /'; }

# One TCG thread: see tests/kernel-vmm/selftest-svm.t.
vm_start --shell --l2 --smp 2 --tcg-threads single
if ! vm_wait_for 'nhv: ready' 600 || ! vm_wait_for 'console      :' 400; then
	echo "not ok 1 - the appliance boots and starts the default L2 guest"
	exit 1
fi
line=$(tr -d '\r' < "$(vm_log)" | grep -E '^  l2 default +:' | head -n 1)
printf '%s\n' "$line" | grep -Eq '^  l2 default +: running \([0-9]+\.[0-9] s to init\)$'
t $? 1 "status block: '${line# }'"
vm_sh 'PS1=""; PS2=""' 20 >/dev/null
# A VMM that cannot boot the default guest fails every later check the same
# way, each after a long wait: stop here and say why.
if ! printf '%s\n' "$line" | grep -q ': running'; then
	show "$(vm_sh 'nhv vm log default | tail -n 15; cat /run/nhv/vms/default/vmm.log' 30)"
	echo "Bail out! the default L2 guest did not boot: ${line#*: }"
	exit 1
fi

out=$(vm_sh 'nhv vm list --json; nhv vm log default | grep -c "^nhv-l2: init"' 60)
printf '%s\n' "$out" | grep -q '"name": "default", "state": "running", "vcpus": 1' &&
	printf '%s\n' "$out" | tail -n 1 | grep -qx 1
t $? 2 "list --json shows default running; its log has one 'nhv-l2: init'"
[ $? = 0 ] || show "$out"

out=$(vm_sh "nhv vm run --set numvcpus=2 --timeout 600 -- 'grep -c ^processor /proc/cpuinfo'; echo rc=\$?" 700)
[ "$(printf '%s\n' "$out" | head -n 1)" = 2 ] && printf '%s\n' "$out" | grep -qx 'rc=0'
t $? 3 "nhv vm run --set numvcpus=2 -- 'grep -c ^processor /proc/cpuinfo' prints 2"
[ $? = 0 ] || show "$out"

cmd='nhv vm run --timeout 600 -- '"'"'printf "[%s]\n" "a  b" "x\"y"; echo err >&2; exit 7'"'"' 2>/tmp/run.err; echo rc=$?; cat /tmp/run.err'
out=$(vm_sh "$cmd" 700)
[ "$(printf '%s\n' "$out" | head -n 2 | tr '\n' ' ')" = '[a  b] [x"y] ' ] && printf '%s\n' "$out" | grep -qx 'rc=7' &&
	printf '%s\n' "$out" | grep -qx 'err'
t $? 4 "nhv vm run: COMMAND's stdout (spaces and quotes kept), stderr and exit status 7"
[ $? = 0 ] || show "$out"

# A throwaway guest that panics (the default image's panic=-1 reboots it)
# ends the run: COMMAND does not run a second time.
cmd='nhv vm run --verbose --timeout 600 -- '"'"'echo c > /proc/sysrq-trigger; sleep 30'"'"' 2>/tmp/run.err; echo rc=$?; grep -c "nhv-l2: init" /tmp/run.err; grep -c "Kernel panic - not syncing" /tmp/run.err; grep "nhv-vm\|nhv vm run" /tmp/run.err'
out=$(vm_sh "$cmd" 700)
printf '%s\n' "$out" | grep -qx 'rc=125' && [ "$(printf '%s\n' "$out" | sed -n 2p)" = 1 ] &&
	[ "$(printf '%s\n' "$out" | sed -n 3p)" -ge 1 ] 2>/dev/null &&
	printf '%s\n' "$out" | grep -q 'the guest reset itself.*--no-reboot: stopped' &&
	printf '%s\n' "$out" | grep -q 'nhv vm run: the VM stopped before COMMAND'
t $? 5 "nhv vm run: a guest panic ends the run (status 125, one boot, the reason said), COMMAND not run again"
[ $? = 0 ] || show "$out"

# A guest with a data disk: write, reboot in L2, read back.
out=$(vm_sh 'dd if=/dev/zero of=/tmp/blk.img bs=1M count=4 2>/dev/null &&
printf "%s\n" "displayName = \"blk\"" "memsize = \"128\"" "nhv.kernel = \"/usr/lib/nhv/l2/vmlinuz\"" \
 "nhv.initrd = \"/usr/lib/nhv/l2/initrd.img\"" "nhv.cmdline = \"console=ttyS0 quiet\"" \
 "nhv.disk0 = \"/tmp/blk.img\"" > /tmp/blk.vmx && nhv vm define /tmp/blk.vmx && nhv vm start blk' 120)
st=$?
# Waits until `nhv vm log blk` has N lines matching RE (up to S seconds);
# the loops run in a subshell: `exit` must not end the serial root shell.
wait_log() {
	vm_sh "(for i in \$(seq $3); do [ \$(nhv vm log blk | tr -d '\\r' | grep -c '$1') -ge $2 ] && exit 0; sleep 1; done; exit 1)" $(($3 + 30)) >/dev/null
}
# The shell on ttyS0 answers (it starts a moment after init).
ready() {
	vm_sh "(for i in \$(seq 60); do nhv vm console blk --send 'echo RE\"ADY$1\"'; sleep 2; nhv vm log blk | tr -d '\\r' | grep -q '^READY$1\$' && exit 0; done; exit 1)" 200 >/dev/null
}
wait_log '^nhv-l2: init' 1 400 && ready 1
blk_ok=$?
t $blk_ok 6 "a defined guest with a virtio-blk disk starts and gives a shell on its console"
[ $blk_ok = 0 ] || show "$out
$(vm_sh 'nhv vm log blk | tail -n 30' 30)" 40

if [ $blk_ok = 0 ]; then
	vm_sh "nhv vm console blk --send 'echo NHVBLK\$((6*7)) | dd of=/dev/vda conv=fsync 2>/dev/null; reboot'" 30 >/dev/null
	wait_log '^nhv-l2: init' 2 400 && ready 2
	t $? 7 "reboot in L2 restarts the guest (a second 'nhv-l2: init', same VM)" ||
		show "$(vm_sh 'nhv vm log blk | tail -n 40' 30)" 40
	vm_sh "nhv vm console blk --send 'echo BLK:\$(dd if=/dev/vda bs=8 count=1 2>/dev/null)'" 30 >/dev/null
	wait_log '^BLK:NHVBLK42' 1 60
	t $? 8 "the virtio-blk write made before the L2 reboot reads back after it"
	[ $? = 0 ] || show "$(vm_sh 'nhv vm log blk' 30)" 30

	vm_sh "nhv vm console blk --send poweroff" 30 >/dev/null
	out=$(vm_sh 'for i in $(seq 120); do nhv vm list | grep -q "^blk  *off " && break; sleep 1; done; nhv vm list; nhv vm list --json' 200)
	printf '%s\n' "$out" | grep -q '^blk  *off ' &&
		printf '%s\n' "$out" | grep -q '"name": "blk", "state": "off".*"last_exit": 0, "reason": "powered off"'
	t $? 9 "poweroff in L2 ends the VM; list says off (powered off, exit 0)"
	[ $? = 0 ] || show "$out"
else
	for n in 7 8 9; do echo "ok $n # SKIP the blk guest gave no shell (check 6)"; done
	vm_sh 'nhv vm stop blk --force' 120 >/dev/null
fi

# The VMM's exit counts just before the press, shown with the guest's log on failure.
st=$(vm_sh 'nhv vm status default' 30)
out=$(vm_sh 'nhv vm stop default --timeout 120; echo rc=$?; nhv vm list' 200)
printf '%s\n' "$out" | grep -qx 'default: powered off' && printf '%s\n' "$out" | grep -qx 'rc=0' &&
	printf '%s\n' "$out" | grep -q '^default  *off '
t $? 10 "nhv vm stop: the power button turns the default guest off cleanly" ||
	show "$out
before the press: $st
$(vm_sh 'nhv vm log default | tail -n 25' 30)" 40

out=$(vm_sh 'printf "%s\n" "displayName = \"bad\"" "memsize = \"128\"" "numvcpus = \"many\"" > /tmp/bad.vmx; nhv vm define /tmp/bad.vmx; echo rc=$?' 30)
printf '%s\n' "$out" | grep -q '/tmp/bad.vmx:3: numvcpus: ' && printf '%s\n' "$out" | grep -qx 'rc=2'
t $? 11 "a config error names FILE:LINE and the key (exit 2)"
[ $? = 0 ] || show "$out"

out=$(vm_sh 'nhv vm start nosuch; echo rc=$?; nhv vm frob; echo rc=$?; nhv vm stop; echo rc=$?' 30)
printf '%s\n' "$out" | grep -q 'no VM named "nosuch"' && printf '%s\n' "$out" | grep -q 'unknown verb "frob"' &&
	[ "$(printf '%s\n' "$out" | grep -c '^rc=[1-9]')" = 3 ]
t $? 12 "CLI errors (unknown VM, unknown verb, missing NAME) exit non-zero and say why"
[ $? = 0 ] || show "$out"

out=$(vm_sh 'nhv vm stop blk --force >/dev/null 2>&1; nhv vm rm blk; nhv vm list' 120)
printf '%s\n' "$out" | grep -qx 'removed blk' && ! printf '%s\n' "$out" | grep -q '^blk '
t $? 13 "nhv vm rm forgets a stopped VM"

out=$(vm_sh 'dmesg | grep -E "BUG:|Oops|WARNING: CPU|general protection"' 30)
[ -z "$out" ]
t $? 14 "no BUG:, Oops, WARNING: CPU or general protection in L1's kernel log"
[ $? = 0 ] || show "$out"

vm_qmp '{"execute":"quit"}' >/dev/null 2>&1 || true
vm_wait_exit 60 >/dev/null 2>&1 || true
