#!/bin/sh
# L2 networking (docs/networking.md) in one appliance boot under QEMU TCG
# (AMD SVM + NPT, user-mode networking outside): a defined guest "neta"
# with a port forward serves a page with busybox httpd; a throwaway guest
# gets a DHCP lease on nhvbr0, pings L1, reaches neta by the name L1's DNS
# gives it, and fetches a page from a server on this machine's loopback
# through both NATs (QEMU's 10.0.2.2); L1 reaches neta's server through the
# forward; a 2 MiB TCP stream from that guest reaches L1 whole (byte
# count and checksum in L1); list/net show MACs, addresses and forwards; a forward to a port
# L1 uses, a bad forward spec and a failed NAT set-up are refused with the
# reason; stopping neta removes its forward.
. tests/lib/vm.sh

echo "1..16"
if [ ! -f "$NHV_ISO" ]; then
	echo "Bail out! no ISO at $NHV_ISO (make iso)"
	exit 1
fi
t() { if [ "$1" = 0 ]; then echo "ok $2 - $3"; else echo "not ok $2 - $3"; fi; return "$1"; }
show() { printf '%s\n' "$1" | tail -n "${2:-25}" | sed 's/^/# /'; }

# A page on this machine's loopback, for L2 to fetch through both NATs.
web=$(mktemp -d "${TMPDIR:-/tmp}/nhv-l2net-web.XXXXXX")
token="nhv-l2-net-$$-$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')"
echo "$token" > "$web/index.html"
port=$((20000 + $$ % 20000))
(cd "$web" && exec timeout 1800 busybox httpd -f -p "127.0.0.1:$port" -h "$web") &
webpid=$!
trap 'kill $webpid 2>/dev/null; rm -rf "$web"; vm__cleanup' EXIT

# One TCG thread: see tests/kernel-vmm/selftest-svm.t.
vm_start --shell --smp 2 --tcg-threads single
if ! vm_wait_for 'nhv: ready' 600; then
	echo "Bail out! the appliance did not boot"
	exit 1
fi
vm_sh 'PS1=""; PS2=""' 20 >/dev/null

# neta: its init runs the command of nhv.exec (images/l2/init) after DHCP.
serve=$(printf '%s' 'mkdir -p /www; echo hello-from-neta > /www/index.html; exec httpd -f -p 80 -h /www' | base64 -w0)
out=$(vm_sh "printf '%s\n' 'displayName = \"neta\"' 'memsize = \"128\"' 'nhv.kernel = \"/usr/lib/nhv/l2/vmlinuz\"' \
 'nhv.initrd = \"/usr/lib/nhv/l2/initrd.img\"' 'nhv.cmdline = \"console=ttyS0 quiet panic=-1 nhv.exec=$serve\"' \
 'ethernet0.present = \"TRUE\"' 'ethernet0.nhv.forward = \"tcp:8080:80\"' > /tmp/neta.vmx &&
 nhv vm define /tmp/neta.vmx && grep '^ethernet0.address' /var/lib/nhv/vms/neta/neta.vmx;
 nhv vm start neta; echo rc=\$?" 120)
mac=$(printf '%s\n' "$out" | sed -n 's/.*ethernet0.address = "\([0-9a-f:]*\)".*/\1/p' | head -n 1)
printf '%s\n' "$out" | grep -qx 'rc=0' && [ -n "$mac" ]
t $? 1 "define gives ethernet0 a MAC from nhv-identity (${mac:-none}) and neta starts"
[ $? = 0 ] || show "$out"

# "nhv-l2: eth0 10.77.0.N" once udhcpc has its lease.
out=$(vm_sh '(for i in $(seq 400); do nhv vm log neta | tr -d "\r" | grep -q "^nhv-l2: eth0 10\.77\.0\." && break; sleep 1; done); nhv vm log neta | tr -d "\r" | grep "^nhv-l2: eth0"' 460)
ipa=$(printf '%s\n' "$out" | sed -n 's/^nhv-l2: eth0 \(10\.77\.0\.[0-9]*\)$/\1/p' | head -n 1)
[ -n "$ipa" ]
t $? 2 "neta gets a DHCP lease on nhvbr0 (${ipa:-none})"
if [ $? != 0 ]; then
	show "$out
$(vm_sh 'nhv vm log neta | tail -n 20; tail -n 20 /run/nhv/net/dnsmasq.log' 30)" 40
	echo "Bail out! no DHCP lease: every later check needs one"
	exit 1
fi

out=$(vm_sh 'nhv vm list; nhv vm list --json; nhv vm net neta' 30)
printf '%s\n' "$out" | grep -Eq "^neta +running .* ethernet0 $mac $ipa\$" &&
	printf '%s\n' "$out" | grep -Eq "\"nics\": \[\{\"nic\": \"ethernet0\", \"mac\": \"$mac\", \"mode\": \"nat\", \"ip\": \"$ipa\", \"leased\": true, \"tools_ip\": (null|\"$ipa\")\}\]" &&
	printf '%s\n' "$out" | grep -q "^ethernet0: mac $mac, nat on nhvbr0, address $ipa (DHCP lease)\$" &&
	printf '%s\n' "$out" | grep -q "^  forward tcp L1 port 8080 -> $ipa:80 (L1: eth0 10\.0\.2\.15"
t $? 3 "nhv vm list (text and JSON) and nhv vm net show neta's NIC, MAC, leased address and forward"
[ $? = 0 ] || show "$out"

# A second guest: L1, neta (by name, through L1's DNS) and this machine's
# loopback; then it sends 2 MiB of random bytes to a listener in L1 (busybox
# nc, whose stdin must not end before the stream does), which keeps them.
# The command goes base64-encoded: its $(...) are the guest's, not L1's.
cmd="ping -c 2 -W 5 10.77.0.1 >/dev/null && echo L1-PING-OK; nslookup neta.nhv.lan 10.77.0.1 2>&1 | grep -A2 '^Name:' | grep -o 'Address.*' | tail -n 1; ping -c 2 -W 5 neta >/dev/null && echo NETA-PING-OK; timeout 30 wget -q -O- http://neta/ 2>&1; timeout 30 wget -q -O- http://10.0.2.2:$port/ 2>&1;
 dd if=/dev/urandom of=/tmp/blob bs=64k count=32 2>/dev/null; echo SENT \$(wc -c < /tmp/blob) \$(md5sum < /tmp/blob); timeout 120 nc 10.77.0.1 5002 < /tmp/blob; echo NC-RC \$?"
b64=$(printf '%s' "$cmd" | base64 -w0)
out=$(vm_sh "rm -f /tmp/blob.l1 /tmp/blob.pid /tmp/blob.done; (sleep 760 | sh -c 'echo \$\$ > /tmp/blob.pid; exec timeout 750 nc -l -p 5002' > /tmp/blob.l1; echo > /tmp/blob.done) &
 nhv vm run --set displayName=netb --set ethernet0.present=TRUE --timeout 600 -- \"\$(echo $b64 | base64 -d)\"; echo rc=\$?;
 for i in \$(seq 30); do [ -f /tmp/blob.done ] && break; [ \$i = 15 ] && kill \$(cat /tmp/blob.pid); sleep 1; done;
 echo RECEIVED \$(wc -c < /tmp/blob.l1) \$(md5sum < /tmp/blob.l1)" 760)
printf '%s\n' "$out" | grep -qx 'L1-PING-OK'
t $? 4 "a second guest gets a lease and pings L1 (10.77.0.1)"
[ $? = 0 ] || show "$out"
printf '%s\n' "$out" | grep -q "Address.*$ipa\$" && printf '%s\n' "$out" | grep -qx 'NETA-PING-OK'
t $? 5 "it resolves neta through L1's DNS ($ipa) and pings it"
[ $? = 0 ] || show "$out"
printf '%s\n' "$out" | grep -qx 'hello-from-neta'
t $? 6 "it fetches neta's page over TCP"
[ $? = 0 ] || show "$out"
printf '%s\n' "$out" | grep -qx "$token"
t $? 7 "it fetches a page from this machine's loopback through both NATs (10.0.2.2:$port)"
[ $? = 0 ] || show "$out"
sent=$(printf '%s\n' "$out" | sed -n 's/^SENT \([0-9]* [0-9a-f]*\).*/\1/p' | head -n 1)
got=$(printf '%s\n' "$out" | sed -n 's/^RECEIVED \([0-9]* [0-9a-f]*\).*/\1/p' | head -n 1)
[ "$sent" = "2097152 ${sent#* }" ] && [ "$got" = "$sent" ]
t $? 8 "its 2 MiB TCP stream reaches L1 whole (sent: ${sent:-none}; L1 received: ${got:-none})"
[ $? = 0 ] || show "$out"

out=$(vm_sh 'timeout 30 wget -q -O- http://10.0.2.15:8080/ 2>&1; nft list table ip nhvf_6e657461 2>&1 | grep dnat' 60)
printf '%s\n' "$out" | grep -qx 'hello-from-neta'
t $? 9 "the forward tcp:8080:80 takes L1's port 8080 to neta's server"
[ $? = 0 ] || show "$out"

out=$(vm_sh 'busybox httpd -p 2323 -h /tmp; nhv vm run --set ethernet0.present=TRUE --set ethernet0.nhv.forward=tcp:2323:22 -- true 2>&1; echo rc=$?;
 nhv vm run --set ethernet0.present=TRUE --set "ethernet0.nhv.forward=udp:5353:53, tcp:8080:80" -- true 2>&1; echo rc=$?' 120)
printf '%s\n' "$out" | grep -q 'ethernet0.nhv.forward: L1 port tcp:2323 is in use by busybox (pid [0-9]*)' &&
	printf '%s\n' "$out" | grep -q 'L1 port tcp:8080 is in use by VM neta (pid [0-9]*)' &&
	[ "$(printf '%s\n' "$out" | grep -c '^rc=[1-9]')" = 2 ]
t $? 10 "a forward to a port L1 uses is refused naming the owner (a process, another VM)"
[ $? = 0 ] || show "$out"

out=$(vm_sh 'printf "%s\n" "displayName = \"bad\"" "nhv.kernel = \"/usr/lib/nhv/l2/vmlinuz\"" "ethernet0.present = \"TRUE\"" "ethernet0.nhv.forward = \"tcp:99999:22\"" > /tmp/bad.vmx; nhv vm define /tmp/bad.vmx; echo rc=$?
 nhv vm run --set ethernet0.nhv.mode=routed -- true; echo rc=$?' 30)
printf '%s\n' "$out" | grep -q '^nhv vm define: /tmp/bad.vmx:4: ethernet0.nhv.forward: expected PROTO:L1PORT:GUESTPORT' &&
	printf '%s\n' "$out" | grep -q -- '--set: ethernet0.nhv.mode: expected nat or bridged, got "routed"' &&
	[ "$(printf '%s\n' "$out" | grep -c '^rc=2')" = 2 ]
t $? 11 "a bad forward spec or mode names FILE:LINE (or --set) and the key"
[ $? = 0 ] || show "$out"

out=$(vm_sh 'mv /usr/sbin/nft /usr/sbin/nft.off; nhv vm run --set ethernet0.present=TRUE -- echo STARTED 2>&1; echo rc=$?; mv /usr/sbin/nft.off /usr/sbin/nft' 60)
printf '%s\n' "$out" | grep -q 'network: ethernet0: NAT network: nft -f /run/nhv/net/nat.nft failed' &&
	! printf '%s\n' "$out" | grep -qx STARTED && printf '%s\n' "$out" | grep -q '^rc=[1-9]'
t $? 12 "a failed NAT set-up stops the guest's start with the reason"
[ $? = 0 ] || show "$out"

out=$(vm_sh 'nhv vm stop neta --force >/dev/null 2>&1; nft list tables; ls /run/nhv/net/fwd' 120)
! printf '%s\n' "$out" | grep -q 'nhvf_' && ! printf '%s\n' "$out" | grep -qx neta &&
	printf '%s\n' "$out" | grep -qx 'table ip nhv'
t $? 13 "stopping neta removes its forward; the NAT table stays"
[ $? = 0 ] || show "$out"

# Bridged: the guest's tap joins nhvb-eth0 with L1's eth0; QEMU's DHCP server answers it.
fetch=$(printf '%s' "wget -q -O- http://10.0.2.2:$port/ 2>&1 | head -n 1" | base64 -w0)
out=$(vm_sh "printf '%s\n' 'displayName = \"netc\"' 'memsize = \"128\"' 'nhv.kernel = \"/usr/lib/nhv/l2/vmlinuz\"' \
 'nhv.initrd = \"/usr/lib/nhv/l2/initrd.img\"' 'nhv.cmdline = \"console=ttyS0 quiet panic=-1 nhv.exec=$fetch\"' \
 'ethernet0.present = \"TRUE\"' 'ethernet0.nhv.mode = \"bridged\"' > /tmp/netc.vmx &&
 nhv vm define /tmp/netc.vmx >/dev/null && nhv vm start netc 2>&1; echo rc=\$?" 120)
printf '%s\n' "$out" | grep -q 'warning: netc: ethernet0 is bridged to eth0, and no frame for another MAC reached eth0 in 2 s' &&
	printf '%s\n' "$out" | grep -qx 'rc=0'
t $? 14 "nhv vm start warns that eth0 sees no frame for another MAC (QEMU's user network is not promiscuous)"
[ $? = 0 ] || show "$out"

out=$(vm_sh '(for i in $(seq 500); do nhv vm list | grep -q "^netc  *off " && break; sleep 1; done);
 nhv vm log netc | tr -d "\r" | grep "^nhv-l2: eth0"; nhv vm log netc | tr -d "\r" | sed -n "s/^nhv-l2: o //p" | base64 -d;
 ip -4 -o addr show nhvb-eth0; timeout 30 wget -q -O- http://10.0.2.2:'"$port"'/' 560)
printf '%s\n' "$out" | grep -q '^nhv-l2: eth0 10\.0\.2\.' && [ "$(printf '%s\n' "$out" | grep -cx "$token")" = 2 ] &&
	printf '%s\n' "$out" | grep -q 'nhvb-eth0 .*inet 10\.0\.2\.15/'
t $? 15 "a bridged guest gets its lease from the outer network and fetches the page; L1 keeps its address on the bridge"
[ $? = 0 ] || show "$out"

out=$(vm_sh 'dmesg | grep -E "BUG:|Oops|WARNING: CPU|general protection"' 30)
[ -z "$out" ]
t $? 16 "no BUG:, Oops, WARNING: CPU or general protection in L1's kernel log"
[ $? = 0 ] || show "$out"

vm_qmp '{"execute":"quit"}' >/dev/null 2>&1 || true
vm_wait_exit 60 >/dev/null 2>&1 || true
