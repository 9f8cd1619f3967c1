#!/bin/sh
# The ISO boots in Bochs with an Intel CPU that has VMX and EPT (the only
# VMX outer host we have): "nhv: ready", and the status block says VMX is
# visible in CPUID and listed in /proc/cpuinfo's flags.  Bochs is slow
# (minutes); this is the one Bochs boot of the image tests.
. tests/lib/vm.sh
echo "1..3"
vm_start_bochs
if vm_wait_for '^nhv: ready' 1500; then echo "ok 1 - nhv: ready under Bochs (VMX)"; else echo "not ok 1 - nhv: ready under Bochs (VMX)"; fi
vm_wait_for '^  console ' 120
status=$(tr -d '\r' < "$(vm_log)" | sed -n '/^nhv: ready/,/^  console/p')
printf '%s\n' "$status" | sed 's/^/# /'
if printf '%s\n' "$status" | grep -q '^  hw virt      : vmx visible (CPUID), listed in /proc/cpuinfo flags'; then
	echo "ok 2 - vmx is visible inside (CPUID and /proc/cpuinfo)"
else
	echo "not ok 2 - vmx is visible inside (CPUID and /proc/cpuinfo)"
fi
if vm_kernel_clean; then echo "ok 3 - no BUG/Oops/WARNING in the kernel log"; else echo "not ok 3 - no BUG/Oops/WARNING in the kernel log"; fi
