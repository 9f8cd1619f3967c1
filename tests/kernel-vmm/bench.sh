#!/bin/sh
# tests/kernel-vmm/bench.sh [ISO] - nhv.ko against the kernel's KVM, same boot.
#
# Boots the appliance under QEMU TCG (`-cpu max`: AMD SVM + NPT), runs
# `nhv selftest --bench` on nhv.ko, unloads it, loads kvm_amd (the ISO ships
# kvm.ko, kvm-amd.ko and ccp.ko), runs `nhv selftest --bench --kvm` with the
# same guest loop, and prints exits per second and the nhv/KVM ratios.
# ITERATIONS (default 20000) sets the exits per measure.  Not run by make check.
set -eu
NHV_ISO=${1:-${NHV_ISO:-build/nhv.iso}}
n=${ITERATIONS:-20000}
. tests/lib/vm.sh

vm_start --shell
vm_wait_for 'nhv: ready' 600 || { echo "bench: the appliance did not boot" >&2; exit 1; }
vm_sh 'PS1=""; PS2=""' 20 >/dev/null || true
nhv=$(vm_sh "nhv-selftest --bench --iterations $n" 900) || {
	echo "bench: nhv run failed: $nhv" >&2; exit 1; }
vm_sh 'rmmod nhv && modprobe kvm_amd' 120 >/dev/null || {
	echo "bench: cannot swap nhv.ko for kvm_amd" >&2; exit 1; }
kvm=$(vm_sh "nhv-selftest --bench --kvm --iterations $n" 900) || {
	echo "bench: KVM run failed: $kvm" >&2; exit 1; }
printf '%s\n%s\n' "$nhv" "$kvm" | grep '^bench '
printf '%s\n%s\n' "$nhv" "$kvm" | awk '
	$1 == "bench" { rate[$2 " " $3] = $6 }
	END {
		for (m in rate) {
			split(m, p, " ")
			if (p[1] == "nhv" && ("kvm " p[2]) in rate)
				printf "ratio %s nhv/kvm %.2f\n", p[2], rate[m] / rate["kvm " p[2]]
		}
	}'
vm_qmp '{"execute":"quit"}' >/dev/null 2>&1 || true
vm_wait_exit 60 >/dev/null 2>&1 || true
