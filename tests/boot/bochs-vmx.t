#!/bin/sh
# The ISO boots in Bochs with an Intel CPU that has VMX and EPT (the only
# VMX outer host we have): "nhv: ready", and the status block (nhv-check
# --brief) says VT-x with EPT is visible and the verdict is ready.  Bochs is slow
# (minutes); this is the one Bochs boot of the image tests.
. tests/lib/vm.sh
echo "1..4"
vm_start_bochs
if vm_wait_for '^nhv: ready' 1500; then echo "ok 1 - nhv: ready under Bochs (VMX)"; else echo "not ok 1 - nhv: ready under Bochs (VMX)"; fi
vm_wait_for '^  console ' 120
status=$(tr -d '\r' < "$(vm_log)" | sed -n '/^nhv: ready/,/^  console/p')
printf '%s\n' "$status" | sed 's/^/# /'
if printf '%s\n' "$status" | grep -q '^  hw virt      : VT-x, EPT yes'; then
	echo "ok 2 - VT-x (vmx) with EPT is visible inside"
else
	echo "not ok 2 - VT-x (vmx) with EPT is visible inside"
fi
if printf '%s\n' "$status" | grep -q '^  verdict      : ready'; then echo "ok 3 - verdict ready"; else echo "not ok 3 - verdict ready"; fi
if vm_kernel_clean; then echo "ok 4 - no BUG, Oops, WARN() or general protection fault in the kernel log"; else echo "not ok 4 - no BUG, Oops, WARN() or general protection fault in the kernel log"; fi
