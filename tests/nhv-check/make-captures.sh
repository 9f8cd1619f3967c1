#!/bin/sh
# Regenerate the nhv-check captures of emulated outer hosts in
# tests/data/cpuinfo: boots the ISO under QEMU TCG in several profiles
# (tools/qemu-vmware-host) and runs `nhv-check --capture -` in each.
# Not run by `prove` (each boot costs a minute of a shared CPU).
# Usage: tests/nhv-check/make-captures.sh [PROFILE...]   (from the top of the tree)
#   NHV_ISO=path/to/nhv.iso  (default build/nhv.iso)
set -u
. tests/lib/vm.sh
out=tests/data/cpuinfo
qemu_version=$(qemu-system-x86_64 --version | head -n 1)

capture() {
	name=$1
	what=$2
	shift 2
	echo "== $name: qemu-vmware-host $*"
	vm_start --shell "$@" || return 1
	if ! vm_wait_for '# $|nhv: ready' 600; then
		echo "$name: the appliance did not boot" >&2
		vm_stop
		return 1
	fi
	sleep 2
	text=$(vm_sh 'nhv-check --capture -' 120)
	verdict=$(vm_sh 'nhv-check --brief' 60)
	vm_stop
	case "$text" in
	"# nhv-check capture v1"*) ;;
	*) echo "$name: no capture came back:" >&2; printf '%s\n' "$text" | head -n 5 >&2; return 1 ;;
	esac
	{
		printf '%s\n' "$text" | head -n 1
		echo "# source: nhv-check --capture inside the nhv ISO, $qemu_version, TCG, booted by"
		echo "#   tools/qemu-vmware-host $* ($what), $(date -u +%Y-%m-%d)"
		printf '%s\n' "$verdict" | sed 's/^/# brief: /'
		printf '%s\n' "$text" | tail -n +2
	} > "$out/$name.capture.txt"
	echo "wrote $out/$name.capture.txt"
}

profiles=${*:-"vmware max-nosvm plain novmport"}
for p in $profiles; do
	case "$p" in
	vmware) capture qemu-tcg-max-vmware-profile "VMware-like profile: -cpu max (SVM+NPT), vmport=on, VMware SMBIOS" ;;
	max-nosvm) capture qemu-tcg-max-nosvm-vmware-profile "VMware-like profile with -cpu max,-svm" --cpu max,-svm ;;
	plain) capture qemu-tcg-max-plain "plain QEMU: -cpu max, vmport=off, no VMware SMBIOS" --plain ;;
	novmport) capture qemu-tcg-max-vmware-smbios-novmport "VMware SMBIOS strings but vmport=off" --no-vmport ;;
	*) echo "unknown profile $p" >&2; exit 2 ;;
	esac
done
