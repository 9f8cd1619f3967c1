#!/bin/sh
# The ISO boots with SeaBIOS in the VMware-like QEMU host: "nhv: ready" and a
# status block that shows the -uuid and the vmxnet3 MAC we chose, an IPv4
# address from DHCP, and nhv-check's brief report (vmware, AMD-V with NPT,
# ready); then the ACPI
# power button (QMP system_powerdown) shuts the appliance down cleanly.
. tests/lib/vm.sh
echo "1..10"
uuid=564d0b10-5e00-4a11-8a2b-00000000b105
mac=00:50:56:0b:10:5e
vm_start --uuid "$uuid" --mac "$mac"
if vm_wait_for '^nhv: ready' 400; then echo "ok 1 - nhv: ready on the serial console (SeaBIOS)"; else echo "not ok 1 - nhv: ready on the serial console (SeaBIOS)"; fi
vm_wait_for '^  console ' 60
status=$(tr -d '\r' < "$(vm_log)" | sed -n '/^nhv: ready/,/^  console/p')
printf '%s\n' "$status" | sed 's/^/# /'
check() {
	n=$1 pattern=$2 name=$3
	if printf '%s\n' "$status" | grep -Eq -- "$pattern"; then echo "ok $n - $name"; else echo "not ok $n - $name"; fi
}
check 2 "^  system uuid  : $uuid\$" "status block shows the SMBIOS UUID given with -uuid"
check 3 "^  nic eth0 +: $mac vmxnet3 " "status block shows the vmxnet3 NIC with its MAC"
check 4 "^  nic eth0 +: .* 10\\.0\\.2\\.15/24" "DHCP gave the NIC its IPv4 address"
check 5 "^  hostname     : nhv-[0-9a-f]{6}\$" "hostname set (nhv- and six hex digits of the identity)"
check 6 "^  hypervisor   : vmware" "outer hypervisor named as vmware (nhv-check --brief: DMI and backdoor)"
check 7 "^  hw virt      : AMD-V, NPT yes" "AMD-V (SVM) with NPT visible with -cpu max"
check 8 "^  verdict      : ready" "nhv-check's verdict is ready"
vm_qmp '{"execute":"system_powerdown"}' > /dev/null
if vm_wait_for 'nhv: shutting down' 120; then echo "ok 9 - ACPI power button starts a clean shutdown"; else echo "not ok 9 - ACPI power button starts a clean shutdown"; fi
if vm_wait_exit 120; then echo "ok 10 - the VM powers off by itself"; else echo "not ok 10 - the VM powers off by itself"; fi
