#!/bin/sh
# The ISO boots with OVMF (UEFI) in the VMware-like QEMU host: "nhv: ready"
# with the chosen UUID and MAC; without nhv.shell the serial console asks for
# a login, root/nhv logs in, and `poweroff` shuts the appliance down cleanly.
. tests/lib/vm.sh
echo "1..7"
uuid=564d0e71-0000-4eef-9a00-0000000e71f1
mac=00:50:56:0e:71:f1
vm_start --firmware uefi --uuid "$uuid" --mac "$mac"
if vm_wait_for '^nhv: ready' 400; then echo "ok 1 - nhv: ready on the serial console (OVMF)"; else echo "not ok 1 - nhv: ready on the serial console (OVMF)"; fi
vm_wait_for '^  console ' 60
status=$(tr -d '\r' < "$(vm_log)" | sed -n '/^nhv: ready/,/^  console/p')
printf '%s\n' "$status" | sed 's/^/# /'
if printf '%s\n' "$status" | grep -q "^  system uuid  : $uuid\$"; then echo "ok 2 - status block shows the SMBIOS UUID (UEFI)"; else echo "not ok 2 - status block shows the SMBIOS UUID (UEFI)"; fi
if printf '%s\n' "$status" | grep -Eq "^  nic eth0 +: $mac vmxnet3 "; then echo "ok 3 - status block shows the vmxnet3 MAC (UEFI)"; else echo "not ok 3 - status block shows the vmxnet3 MAC (UEFI)"; fi
if vm_wait_for 'login: *$' 120; then echo "ok 4 - serial console asks for a login without nhv.shell"; else echo "not ok 4 - serial console asks for a login without nhv.shell"; fi
printf 'root\n' >&9
vm_wait_for 'Password: *$' 60
printf 'nhv\n' >&9
printf 'echo "logged in as $(id -u)"\n' >&9
if vm_wait_for '^logged in as 0' 60; then echo "ok 5 - root logs in with the documented password"; else echo "not ok 5 - root logs in with the documented password"; fi
printf 'poweroff\n' >&9
if vm_wait_for 'nhv: shutting down' 120; then echo "ok 6 - poweroff runs the clean shutdown"; else echo "not ok 6 - poweroff runs the clean shutdown"; fi
if vm_wait_exit 120; then echo "ok 7 - the VM powers off by itself"; else echo "not ok 7 - the VM powers off by itself"; fi
