#!/bin/sh
# Boot benchmark (not part of pass/fail): the ISO's size, and the seconds
# from the kernel's start to "nhv: ready" (the status block's "boot time",
# read from /proc/uptime by nhv-init) under QEMU TCG in the VMware-like
# profile, as the median of N boots (default 5).  The appliance's own ready
# time: vm_start boots with nhv.autostart=0, so no L2 guest starts before
# the status block (make bench-l2 measures the default guest).  Also the wall-clock
# seconds from QEMU's start (firmware and GRUB included).
# Usage: tests/bench/boot-bench.sh [ISO] [N]      (make bench)
# Targets (docs/benchmarks.md): ISO <= 32 MiB; ready <= 5 s after the kernel starts.
set -eu
iso=${1:-build/nhv.iso}
runs=${2:-5}
[ -f "$iso" ] || { echo "boot-bench: no ISO at $iso (run: make iso)" >&2; exit 2; }
NHV_ISO=$(realpath "$iso")
export NHV_ISO
. tests/lib/vm.sh

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

size=$(stat -c %s "$iso")
printf 'iso: %s, %.1f MiB\n' "$iso" "$(echo "$size" | awk '{ print $1 / 1048576 }')"
kernel_times="" wall_times=""
i=1
while [ "$i" -le "$runs" ]; do
	t0=$(date +%s.%N)
	vm_start
	if ! vm_wait_for '^  boot time ' 600; then
		echo "boot-bench: run $i did not reach nhv: ready" >&2
		exit 1
	fi
	t1=$(date +%s.%N)
	k=$(tr -d '\r' < "$(vm_log)" | sed -n 's/^  boot time    : \([0-9.]*\) s.*/\1/p' | head -n 1)
	w=$(echo "$t0 $t1" | awk '{ printf "%.2f", $2 - $1 }')
	vm_stop
	echo "run $i: ready ${k} s after the kernel started, ${w} s after QEMU started"
	kernel_times="$kernel_times $k"
	wall_times="$wall_times $w"
	i=$((i + 1))
done
echo "median of $runs: ready $(echo "$kernel_times" | tr ' ' '\n' | grep . | median) s after the kernel started (target <= 5 s), $(echo "$wall_times" | tr ' ' '\n' | grep . | median) s after QEMU started"
