#!/bin/sh
# Live: the appliance ISO under QEMU (tests/lib/vm.sh), four boots.
#  1. UEFI, NVRAM V, uuid U1, MAC M1, blank disk D: the EFI store decides
#     new; `nhv datadisk format` makes NHVDATA on D; the data disk store
#     decides new; an L2 guest .vmx is added and gets a UUID and MAC.
#  2. the same V, D, U1, M1: both stores decide same, identity kept.
#  3. UEFI with a copy of V (a clone's NVRAM), U2, M2, no disk: cloned
#     through the EFI variable.
#  4. BIOS with a copy of D (a clone's disk), U2, M2: cloned through the
#     data disk; the L2 guest's uuid.bios and MAC are renewed.
# If nhv-init already ran `nhv-identity boot` (/run/nhv/identity exists
# before the test does anything), its decision is the one checked;
# otherwise the test runs `nhv-identity boot` itself from the serial shell.
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
NHV_ISO=${NHV_ISO:-$top/build/nhv.iso}
if [ ! -f "$NHV_ISO" ] || ! command -v qemu-system-x86_64 >/dev/null; then
	echo "1..0 # SKIP no ISO at $NHV_ISO (make iso) or no QEMU"
	exit 0
fi
NHV_ROOT=$top
. "$top/tests/lib/vm.sh"

W=$(mktemp -d)
trap 'stop_vm; vm__cleanup; rm -rf "$W"' EXIT
n=0
fails=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fails=$((fails + 1)); fi; }
U1=564d1111-aaaa-bbbb-cccc-000000000001 M1=00:50:56:01:00:01
U2=564d2222-aaaa-bbbb-cccc-000000000002 M2=00:50:56:02:00:02
cp /usr/share/OVMF/OVMF_VARS_4M.fd "$W/vars1.fd"
truncate -s 64M "$W/disk1.img"

# vm.sh's vm_stop uses `kill -- -PGID`, which dash refuses: kill the group first.
stop_vm() {
	[ -n "${VM_PID:-}" ] && kill -KILL -"$VM_PID" 2>/dev/null
	vm_stop
}
boot_vm() {
	vm_start --shell "$@"
	if ! vm_wait_for 'nhv: ready' 400; then
		ok 1 "boot ($*) reached nhv: ready"
		stop_vm
		return 1
	fi
	sleep 3
	# vm_sh looks for its end mark at the start of a line: no prompt in front
	# of it, and no echo (vm.sh sends stty only for the first VM of a test).
	printf "stty -echo; PS1=''\n" >&9
	sleep 2
	vm_sh 'modprobe -a sd_mod ext4 2>/dev/null; mdev -s 2>/dev/null; true' 60 > /dev/null
	if ! vm_sh 'command -v nhv-identity && command -v nhv-datadisk' 30 > /dev/null; then
		echo "Bail out! $NHV_ISO has no nhv-identity or nhv-datadisk: rebuild it (make iso)"
		exit 1
	fi
	return 0
}
json() { sed -n "s/^  \"$1\": \"\(.*\)\",\$/\1/p" "$W/json"; }
# Sets d to the decision of this boot: nhv-init's if it ran nhv-identity, else ours.
# (No $(...) around vm_sh: its sequence counter must live in this shell.)
first_decision() {
	if vm_sh 'test -f /run/nhv/identity' 30 > /dev/null; then
		echo "# nhv-init ran nhv-identity boot at this boot"
	else
		vm_sh "nhv-identity boot $1" 120 > "$W/out"
		sed 's/^/# /' "$W/out"
	fi
	vm_sh 'nhv-identity --json' 30 > "$W/json"
	d=$(json decision)
}
run_decision() {
	vm_sh "nhv-identity boot $1" 120 > "$W/out"
	sed 's/^/# /' "$W/out"
	vm_sh 'nhv-identity --json' 30 > "$W/json"
	d=$(json decision)
}

# Boot 1
if boot_vm --firmware uefi --vars "$W/vars1.fd" --uuid $U1 --mac $M1 --disk "$W/disk1.img"; then
	first_decision --no-datadisk
	ok $([ "$d" = new ] && echo 0 || echo 1) "boot 1 (UEFI, no data disk yet): decision new (got '$d')"
	ok $(grep -q '"store": "efi ' "$W/json" && echo 0 || echo 1) "boot 1: stored in the EFI variable"
	ok $([ "$(json hardware_uuid)" = $U1 ] && echo 0 || echo 1) "boot 1: hardware_uuid is QEMU's -uuid"
	efi1=$(json appliance_uuid)
	vm_sh 'ls /sys/firmware/efi/efivars/ | grep NhvIdentity; lsattr /sys/firmware/efi/efivars/NhvIdentity-* 2>&1' 30 | sed 's/^/# /'
	vm_sh 'nhv datadisk format' 180 > "$W/out"; r=$?
	sed 's/^/# /' "$W/out"
	ok $r "boot 1: nhv datadisk format makes the data disk on the blank disk"
	vm_sh 'nhv datadisk format' 60 > "$W/out"; r=$?
	ok $([ $r -ne 0 ] && echo 0 || echo 1) "boot 1: a second format is refused ($(head -1 "$W/out"))"
	run_decision ""
	ok $([ "$d" = new ] && echo 0 || echo 1) "boot 1: data disk store decides new (got '$d')"
	ok $(grep -q '"store": "datadisk /data/nhv/identity"' "$W/json" && echo 0 || echo 1) "boot 1: stored on the data disk"
	disk1=$(json appliance_uuid)
	vm_sh 'printf "displayName = \"l2-web\"\nethernet0.present = \"TRUE\"\nmemsize = \"64\"\n" > /data/vms/l2-web.vmx' 30 > /dev/null
	run_decision ""
	ok $([ "$d" = same ] && echo 0 || echo 1) "boot 1: run again: same (got '$d')"
	vm_sh 'cat /data/vms/l2-web.vmx' 30 > "$W/vmx1"
	sed 's/^/# /' "$W/vmx1"
	ok $(grep -q '^ethernet0.address = "02:' "$W/vmx1" && grep -q '^uuid.bios = ' "$W/vmx1" && echo 0 || echo 1) "boot 1: the L2 guest got a uuid.bios and a 02: MAC"
	vm_sh 'sync; umount /data; sync' 60 > /dev/null
	stop_vm
fi

# Boot 2
if boot_vm --firmware uefi --vars "$W/vars1.fd" --uuid $U1 --mac $M1 --disk "$W/disk1.img"; then
	first_decision ""
	ok $([ "$d" = same ] && echo 0 || echo 1) "boot 2 (same -uuid and MAC, data disk): decision same (got '$d')"
	ok $([ "$(json appliance_uuid)" = "$disk1" ] && echo 0 || echo 1) "boot 2: appliance UUID kept on the data disk"
	run_decision --no-datadisk
	ok $([ "$d" = same ] && echo 0 || echo 1) "boot 2: the EFI variable survived the reboot: same (got '$d')"
	ok $([ "$(json appliance_uuid)" = "$efi1" ] && echo 0 || echo 1) "boot 2: appliance UUID kept in the EFI variable"
	vm_sh 'sync; umount /data 2>/dev/null; sync' 60 > /dev/null
	stop_vm
fi

# Boot 3: the clone's NVRAM, no disk
cp "$W/vars1.fd" "$W/vars2.fd"
if boot_vm --firmware uefi --vars "$W/vars2.fd" --uuid $U2 --mac $M2; then
	first_decision ""
	ok $([ "$d" = cloned ] && echo 0 || echo 1) "boot 3 (copied OVMF_VARS, other -uuid/MAC, no disk): cloned (got '$d')"
	ok $(grep -q '"store": "efi ' "$W/json" && echo 0 || echo 1) "boot 3: decided through the EFI variable"
	ok $([ -n "$efi1" ] && [ "$(json appliance_uuid)" != "$efi1" ] && echo 0 || echo 1) "boot 3: new appliance UUID"
	ok $(grep -q "changed from $U1 to $U2" "$W/json" && echo 0 || echo 1) "boot 3: the reason names both hardware UUIDs"
	vm_sh 'cat /etc/machine-id; hostname' 30 | sed 's/^/# /'
	stop_vm
fi

# Boot 4: the clone's disk, BIOS
cp "$W/disk1.img" "$W/disk2.img"
if boot_vm --uuid $U2 --mac $M2 --disk "$W/disk2.img"; then
	first_decision ""
	ok $([ "$d" = cloned ] && echo 0 || echo 1) "boot 4 (copied data disk, other -uuid/MAC, BIOS): cloned (got '$d')"
	ok $([ -n "$disk1" ] && [ "$(json appliance_uuid)" != "$disk1" ] && echo 0 || echo 1) "boot 4: new appliance UUID"
	vm_sh 'cat /data/vms/l2-web.vmx' 30 > "$W/vmx2"
	sed 's/^/# /' "$W/vmx2"
	m1=$(sed -n 's/^ethernet0.address = "\(.*\)"/\1/p' "$W/vmx1")
	m2=$(sed -n 's/^ethernet0.address = "\(.*\)"/\1/p' "$W/vmx2")
	u1=$(sed -n 's/^uuid.bios = "\(.*\)"/\1/p' "$W/vmx1")
	u2=$(sed -n 's/^uuid.bios = "\(.*\)"/\1/p' "$W/vmx2")
	ok $([ -n "$m1" ] && [ -n "$m2" ] && [ "$m1" != "$m2" ] && [ -n "$u2" ] && [ "$u1" != "$u2" ] && echo 0 || echo 1) "boot 4: the L2 guest's uuid.bios and MAC were renewed ($m1 -> $m2)"
	ok $(grep -q 'memsize = "64"' "$W/vmx2" && echo 0 || echo 1) "boot 4: the rest of the L2 .vmx kept"
	vm_sh 'sync; umount /data; sync' 60 > /dev/null
	stop_vm
fi

echo "1..$n"
[ $fails -eq 0 ]
