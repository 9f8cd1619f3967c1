#!/bin/sh
# tools/qemu-vmware-host builds the QEMU command line it documents and refuses
# bad options with exit 2 and a message naming the option and the bad value.
# Uses --dry-run: nothing boots.
echo "1..7"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
: > "$tmp/x.iso"
q() { tools/qemu-vmware-host/qemu-vmware-host --iso "$tmp/x.iso" --dry-run "$@" 2>&1; }
t() { if eval "$2"; then echo "ok $1 - $3"; else echo "not ok $1 - $3"; printf '%s\n' "$out" | sed 's/^/# /'; fi; }

out=$(q); rc=$?
t 1 '[ $rc = 0 ] && printf "%s\n" "$out" | grep -q -- "-accel tcg,thread=multi "' "default: multi-threaded TCG, one host thread per vCPU"
out=$(q --tcg-threads single --smp 2); rc=$?
t 2 '[ $rc = 0 ] && printf "%s\n" "$out" | grep -q -- "-accel tcg,thread=single " && printf "%s\n" "$out" | grep -q -- "-smp 2 "' "--tcg-threads single: all vCPUs in one thread"
out=$(q --tcg-threads many); rc=$?
t 3 '[ $rc = 2 ] && printf "%s\n" "$out" | grep -q "tcg-threads takes multi or single, not .many."' "a bad --tcg-threads value is refused and named"
out=$(q --firmware coreboot); rc=$?
t 4 '[ $rc = 2 ] && printf "%s\n" "$out" | grep -q "firmware takes bios or uefi, not .coreboot."' "a bad --firmware is refused and named"
out=$(q --uuid 1234); rc=$?
t 5 '[ $rc = 2 ] && printf "%s\n" "$out" | grep -q "uuid .1234. is not a UUID"' "a bad --uuid is refused and named"
out=$(q --mac 00:50:56); rc=$?
t 6 '[ $rc = 2 ] && printf "%s\n" "$out" | grep -q "mac .00:50:56. is not a MAC address"' "a bad --mac is refused and named"
out=$(q --frobnicate); rc=$?
t 7 '[ $rc = 2 ] && printf "%s\n" "$out" | grep -q "unknown option .--frobnicate."' "an unknown option is refused and named"
