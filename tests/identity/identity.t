#!/bin/sh
# nhv-identity boot, run for real against a fake /sys, /proc, /etc, /run and
# data disk folder (NHV_SYSROOT): new, same, moved, cloned; L2 .vmx files
# renewed in place; hostname rule; corrupt identity kept as .bad; the EFI
# variable and RAM stores; unreadable DMI; and the identity write killed
# after every step of the atomic write.
B="${NHV_BUILD:-build}"
ID="$B/bin/nhv-identity"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
n=0
fails=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fails=$((fails + 1)); fi; }
check() { desc=$1; shift; if "$@" >/dev/null 2>&1; then ok 0 "$desc"; else ok 1 "$desc"; fi; }

R=$T/root
export NHV_SYSROOT=$R
TSD="$B/bin/nhv-toolsd"
# nhv-identity reads the settings nhv-toolsd decided (/run/nhv/settings), as
# at boot: `nhv-toolsd --settings-only` from the fake /proc/cmdline and data
# disk (there is no backdoor here).  $T/host-settings, when present, stands in
# for what nhv-toolsd writes when the outer host sets guestinfo.nhv.* keys.
settings() {
	mkdir -p "$R/run/nhv"
	if [ -f "$T/host-settings" ]; then
		cp "$T/host-settings" "$R/run/nhv/settings"
	else
		"$TSD" --settings-only --cmdline "$R/proc/cmdline" --run-dir "$R/run/nhv" --log "$T/tsd.log"
	fi
}
mkroot() {
	rm -rf "$R"
	mkdir -p "$R/sys/class/dmi/id" "$R/sys/class/net/eth0/device" "$R/sys/class/net/eth1/device" \
		"$R/sys/class/net/lo" "$R/sys/class/net/br0" "$R/proc" "$R/etc" "$R/run" "$R/dev" \
		"$R/data/vms/web"
	echo 564d1111-2222-3333-4444-555566667777 > "$R/sys/class/dmi/id/product_uuid"
	echo 00:50:56:aa:bb:01 > "$R/sys/class/net/eth0/address"
	echo 00:50:56:aa:bb:02 > "$R/sys/class/net/eth1/address"
	echo 00:00:00:00:00:00 > "$R/sys/class/net/lo/address"
	echo 02:42:00:00:00:09 > "$R/sys/class/net/br0/address"
	echo "console=ttyS0 nhv.shell=serial" > "$R/proc/cmdline"
	: > "$R/dev/kmsg"
	# A Workstation-style guest: CRLF, comments, a UTF-8 name, generated MAC.
	printf '.encoding = "UTF-8"\r\n# made by Workstation\r\ndisplayName = "Web Ünïcode"\r\nethernet0.present = "TRUE"\r\nethernet0.addressType = "generated"\r\nethernet0.generatedAddress = "00:0c:29:11:22:33"\r\nethernet0.generatedAddressOffset = "0"\r\nunknown.key = "kept"\r\n' > "$R/data/vms/web/web.vmx"
	# An nhv-style guest: two NICs, a third absent, static values.
	printf 'displayName = "db"\nmemsize = "256"\nethernet0.present = "TRUE"\nethernet0.address = "02:00:00:00:00:01"\nethernet1.present = "TRUE"\nethernet2.present = "FALSE"\nuuid.bios = "56 4d 00 00 00 00 00 01-00 00 00 00 00 00 00 02"\n' > "$R/data/vms/db.vmx"
}
boot() { settings; "$ID" boot --data-dir "$R/data" "$@" > "$T/out" 2>&1; }
field() { "$ID" --json | sed -n "s/^  \"$1\": \"\{0,1\}\([^\",]*\)\"\{0,1\},\{0,1\}\$/\1/p"; }
vmxval() { sed -n "s/^$2 = \"\([^\"]*\)\".*/\1/p" "$1" | tr -d '\r'; }

mkroot
boot; ok $? "first boot succeeds"
check "first boot: decision new" grep -q 'decision=new: no stored identity' "$T/out"
check "the decision line reaches the kernel log" grep -q '^<5>nhv-identity: decision=new' "$R/dev/kmsg"
check "identity stored on the data disk" "$ID" verify "$R/data/nhv/identity"
check "nhv identity --json has appliance_uuid" sh -c "'$ID' --json | grep -q '\"appliance_uuid\": \"[0-9a-f-]\{36\}\"'"
check "--json has hardware_uuid" sh -c "'$ID' --json | grep -q '\"hardware_uuid\": \"564d1111-2222-3333-4444-555566667777\"'"
check "--json has decision" sh -c "'$ID' --json | grep -q '\"decision\": \"new\"'"
check "--json lists the L2 guests with UUIDs and MACs" sh -c "'$ID' --json | grep -q '\"name\": \"Web Ünïcode\".*\"uuid\": \"[0-9a-f-]\{36\}\".*\"mac\": \"00:0c:29:11:22:33\"'"
check "bridges and lo are not hardware NICs" sh -c "'$ID' --json | grep -q '\"hardware_macs\": \[\"00:50:56:aa:bb:01\", \"00:50:56:aa:bb:02\"\]'"
check "text form prints the last decision" sh -c "'$ID' | grep -q '^last decision    new'"
mid1=$(cat "$R/etc/machine-id")
host1=$(field hostname)
app1=$(field appliance_uuid)
check "machine-id written (32 hex digits)" sh -c "grep -qx '[0-9a-f]\{32\}' '$R/etc/machine-id'"
check "hostname derived from the appliance UUID" test "$host1" = "nhv-$(echo "$app1" | cut -c1-6)"
check "web.vmx (new appliance): the generated MAC is kept, made static" sh -c "grep -q '^ethernet0.address = \"00:0c:29:11:22:33\"' '$R/data/vms/web/web.vmx' && grep -q '^ethernet0.addressType = \"static\"' '$R/data/vms/web/web.vmx' && ! grep -q generatedAddress '$R/data/vms/web/web.vmx'"
check "web.vmx: uuid.bios added" grep -q '^uuid.bios = "' "$R/data/vms/web/web.vmx"
check "web.vmx: CRLF line ends, comment, UTF-8 name and unknown key kept" sh -c "test \$(grep -c \$(printf '\r')\$ '$R/data/vms/web/web.vmx') = \$(wc -l < '$R/data/vms/web/web.vmx') && grep -q '^# made by Workstation' '$R/data/vms/web/web.vmx' && grep -q 'Web Ünïcode' '$R/data/vms/web/web.vmx' && grep -q '^unknown.key = \"kept\"' '$R/data/vms/web/web.vmx'"
check "db.vmx: existing address and uuid.bios kept on a new appliance" sh -c "grep -q '^ethernet0.address = \"02:00:00:00:00:01\"' '$R/data/vms/db.vmx' && grep -q '^uuid.bios = \"56 4d 00 00 00 00 00 01-00 00 00 00 00 00 00 02\"' '$R/data/vms/db.vmx'"
check "db.vmx: the absent NIC gets no address" sh -c "! grep -q '^ethernet2.address' '$R/data/vms/db.vmx'"
cp "$R/data/vms/web/web.vmx" "$T/web.before"

boot; ok $? "second boot succeeds"
check "same hardware: decision same" grep -q 'decision=same' "$T/out"
check "same: appliance UUID kept" test "$(field appliance_uuid)" = "$app1"
check "same: machine-id kept" test "$(cat "$R/etc/machine-id")" = "$mid1"
check "same: .vmx files untouched" cmp "$R/data/vms/web/web.vmx" "$T/web.before"

echo 00:50:56:aa:bb:99 > "$R/sys/class/net/eth1/address"
boot
check "same UUID, a NIC MAC changed: decision moved" grep -q 'decision=moved' "$T/out"
check "moved: appliance UUID kept" test "$(field appliance_uuid)" = "$app1"
check "moved: L2 guests untouched" cmp "$R/data/vms/web/web.vmx" "$T/web.before"

webmac=$(vmxval "$R/data/vms/web/web.vmx" ethernet0.address)
webuuid=$(vmxval "$R/data/vms/web/web.vmx" uuid.bios)
echo 564d9999-8888-7777-6666-555544443333 > "$R/sys/class/dmi/id/product_uuid"
boot
check "new hardware UUID: decision cloned, reason names both UUIDs" grep -q 'decision=cloned: hardware UUID changed from 564d1111-2222-3333-4444-555566667777 to 564d9999-8888-7777-6666-555544443333' "$T/out"
check "cloned: new appliance UUID" test "$(field appliance_uuid)" != "$app1"
check "cloned: new machine-id" test "$(cat "$R/etc/machine-id")" != "$mid1"
check "cloned: hostname derived anew" test "$(field hostname)" != "$host1"
check "cloned: L2 MAC renewed" test "$(vmxval "$R/data/vms/web/web.vmx" ethernet0.address)" != "$webmac"
check "cloned: L2 uuid.bios renewed" test "$(vmxval "$R/data/vms/web/web.vmx" uuid.bios)" != "$webuuid"
check "cloned: db's static MAC renewed too" sh -c "! grep -q '^ethernet0.address = \"02:00:00:00:00:01\"' '$R/data/vms/db.vmx'"
check "cloned: .vmx still CRLF with its comment" sh -c "test \$(grep -c \$(printf '\r')\$ '$R/data/vms/web/web.vmx') = \$(wc -l < '$R/data/vms/web/web.vmx') && grep -q '^# made by Workstation' '$R/data/vms/web/web.vmx'"
check "cloned: json guest MACs match the .vmx" sh -c "'$ID' --json | grep -q \"$(vmxval "$R/data/vms/web/web.vmx" ethernet0.address)\""

echo "console=ttyS0 nhv.guestinfo.hostname=esx-lab-07" > "$R/proc/cmdline"
echo 564d0000-0000-0000-0000-00000000abcd > "$R/sys/class/dmi/id/product_uuid"
boot
check "cloned with a guestinfo hostname: hostname kept" test "$(field hostname)" = "esx-lab-07"
check "json says hostname_source guestinfo" test "$(field hostname_source)" = "guestinfo"
echo "console=ttyS0" > "$R/proc/cmdline"
printf 'hostname=gi-lab-09\nhostname_source=guestinfo\n' > "$T/host-settings"
echo 564d0000-0000-0000-0000-00000000abce > "$R/sys/class/dmi/id/product_uuid"
boot
check "cloned with guestinfo.nhv.hostname from the outer host: hostname kept" test "$(field hostname)" = "gi-lab-09"
echo "console=ttyS0 nhv.guestinfo.hostname=cmdline-host" > "$R/proc/cmdline"
boot
check "the outer host's guestinfo wins over the kernel command line (one precedence, docs/handshake.md)" test "$(field hostname)" = "gi-lab-09"
check "nhv-identity leaves /etc/hostname to nhv-toolsd" test ! -e "$R/etc/hostname"
rm -f "$T/host-settings"
echo "console=ttyS0" > "$R/proc/cmdline"
printf '# lab defaults\nguestinfo.nhv.hostname = "disk-lab-3"\n' > "$R/data/nhv/settings"
echo 564d0000-0000-0000-0000-00000000abcf > "$R/sys/class/dmi/id/product_uuid"
boot
check "cloned, hostname in the data disk's settings file: that name kept" test "$(field hostname)" = "disk-lab-3"
check "nhv-toolsd --settings-only read the data disk's file too (source data disk)" grep -qx 'hostname_source=data disk' "$R/run/nhv/settings"
echo "console=ttyS0 nhv.guestinfo.hostname=cmd-lab-4" > "$R/proc/cmdline"
boot
check "the kernel command line wins over the data disk's settings file" test "$(field hostname)" = "cmd-lab-4"
printf 'guestinfo.nhv.macmode = "sometimes"\n' > "$R/data/nhv/settings"
boot
check "an invalid value in the data disk's settings file: FILE:LINE and what was expected" grep -q 'data/nhv/settings:1: guestinfo.nhv.macmode ignored: expected random or deterministic' "$T/out"
rm -f "$R/data/nhv/settings"
printf 'hostname=x\nbogus=1\n' > "$T/host-settings"
boot
check "a broken /run/nhv/settings: nhv-identity names the file and line, then goes on" sh -c "grep -q 'run/nhv/settings: line 2: unknown key' '$T/out' && grep -q 'decision=same' '$T/out'"
rm -f "$T/host-settings"
echo "console=ttyS0 guestinfo.nhv.macprefix=vmware guestinfo.nhv.macmode=deterministic" > "$R/proc/cmdline"
echo 564d0000-0000-0000-0000-00000000beef > "$R/sys/class/dmi/id/product_uuid"
boot
check "guestinfo.nhv.macprefix=vmware: L2 MACs in 00:50:56:00-3f" sh -c "grep -q '^ethernet0.address = \"00:50:56:[0-3][0-9a-f]:' '$R/data/vms/web/web.vmx'"
detmac=$(vmxval "$R/data/vms/web/web.vmx" ethernet0.address)
echo "console=ttyS0" > "$R/proc/cmdline"
echo 564d0000-0000-0000-0000-00000000abcd > "$R/sys/class/dmi/id/product_uuid"
boot
echo 564d0000-0000-0000-0000-00000000beef > "$R/sys/class/dmi/id/product_uuid"
boot
check "deterministic policy is stored: the same hardware UUID gives the same L2 MAC again" test "$(vmxval "$R/data/vms/web/web.vmx" ethernet0.address)" = "$detmac"

# Corrupt identity file.
gen=$(field generation)
sed -i 's/^hostname=.*/hostname=tampered/' "$R/data/nhv/identity"
boot
check "corrupt identity: the console says so" grep -q 'is corrupt (.*checksum mismatch.*): kept aside as .*identity.bad' "$T/out"
check "corrupt identity: kept aside as .bad" grep -q 'hostname=tampered' "$R/data/nhv/identity.bad"
check "corrupt identity: a new valid identity is stored" "$ID" verify "$R/data/nhv/identity"
check "corrupt identity: decision new" test "$(field decision)" = "new"
check "nhv-identity verify refuses the .bad file" sh -c "! '$ID' verify '$R/data/nhv/identity.bad'"
: > "$R/data/nhv/identity"
boot
check "empty identity file: treated as corrupt, new identity" sh -c "grep -q 'is corrupt (.*empty' '$T/out' && '$ID' verify '$R/data/nhv/identity'"

# Unreadable DMI: decide by the NIC MACs.
mv "$R/sys/class/dmi/id/product_uuid" "$R/sys/class/dmi/id/gone"
boot
check "unreadable DMI: a warning names the file" grep -q 'hardware UUID unreadable: cannot read .*product_uuid' "$T/out"
check "unreadable DMI, NIC MACs present: decision same" grep -q 'decision=same: hardware UUID unreadable, a stored NIC MAC is present' "$T/out"
echo 00:50:56:cc:cc:01 > "$R/sys/class/net/eth0/address"
echo 00:50:56:cc:cc:02 > "$R/sys/class/net/eth1/address"
boot
check "unreadable DMI, other MACs: decision cloned" grep -q 'decision=cloned' "$T/out"
echo 00000000-0000-0000-0000-000000000000 > "$R/sys/class/dmi/id/product_uuid"
boot
check "all-zero DMI UUID counts as unreadable" grep -q 'all zeros' "$T/out"

# The identity write killed after each step: old or new identity, never broken.
for step in temp-created temp-half-written temp-written temp-synced renamed dir-synced; do
	mkroot
	boot
	before=$(field generation)
	echo 564d5555-0000-0000-0000-000000000001 > "$R/sys/class/dmi/id/product_uuid"
	NHV_FAULT_MATCH=nhv/identity "$ID" boot --data-dir "$R/data" --fault-at $step > "$T/out" 2>&1
	rc=$?
	check "fault after $step: the process was killed (rc $rc)" test $rc -eq 137
	if "$ID" verify "$R/data/nhv/identity" > "$T/v" 2>&1; then
		g=$(sed -n 's/.*generation=\([0-9]*\).*/\1/p' "$T/v")
		case $step in
		renamed|dir-synced) want=$((before + 1)) ;;
		*) want=$before ;;
		esac
		check "fault after $step: the stored identity is valid, generation $g (want $want)" test "$g" = "$want"
	else
		ok 1 "fault after $step: the stored identity is valid ($(cat "$T/v"))"
	fi
	boot
	case $step in
	renamed|dir-synced) check "fault after $step: the next boot sees the new identity (same)" grep -q 'decision=same' "$T/out" ;;
	*) check "fault after $step: the next boot sees the old identity and decides cloned again" grep -q 'decision=cloned' "$T/out" ;;
	esac
done

# A guest .vmx write killed: the guest file is whole, the identity not yet stored.
mkroot
boot
cp "$R/data/nhv/identity" "$T/id.before"
echo 564d5555-0000-0000-0000-000000000002 > "$R/sys/class/dmi/id/product_uuid"
NHV_FAULT_MATCH=web.vmx "$ID" boot --data-dir "$R/data" --fault-at temp-half-written > "$T/out" 2>&1
check "fault while writing an L2 .vmx: the identity is unchanged" cmp "$R/data/nhv/identity" "$T/id.before"
check "fault while writing an L2 .vmx: the .vmx is whole" sh -c "grep -q '^unknown.key = \"kept\"' '$R/data/vms/web/web.vmx' && grep -q '^ethernet0.address' '$R/data/vms/web/web.vmx'"
boot
check "...and the next boot decides cloned and finishes" grep -q 'decision=cloned' "$T/out"

# EFI variable store (no data disk): a folder stands in for efivarfs.
mkroot
mkdir -p "$R/sys/firmware/efi/efivars"
VAR="$R/sys/firmware/efi/efivars/NhvIdentity-7d344f0a-c225-43d3-926c-c0c64d48f26f"
"$ID" boot > "$T/out" 2>&1
check "EFI: first boot new, stored in efi" grep -q 'decision=new.*stored in efi' "$T/out"
check "EFI: the variable starts with attributes 07 00 00 00" sh -c "test \"\$(head -c4 '$VAR' | od -An -tx1 | tr -d ' ')\" = 07000000"
check "EFI: the variable's data is a valid identity" sh -c "tail -c +5 '$VAR' > '$T/efi.id' && '$ID' verify '$T/efi.id'"
"$ID" boot > "$T/out" 2>&1
check "EFI: second boot same" grep -q 'decision=same' "$T/out"
echo 564d7777-0000-0000-0000-000000000001 > "$R/sys/class/dmi/id/product_uuid"
"$ID" boot > "$T/out" 2>&1
check "EFI: other hardware UUID -> cloned" grep -q 'decision=cloned' "$T/out"
check "EFI: nhv identity names the store" sh -c "'$ID' --json | grep -q '\"store\": \"efi '"
printf '\007\000\000\000garbage' > "$VAR"
"$ID" boot > "$T/out" 2>&1
check "EFI: a corrupt variable is kept aside under /run/nhv and replaced" sh -c "grep -q 'corrupt' '$T/out' && grep -q garbage '$R/run/nhv/identity-efi.bad' && tail -c +5 '$VAR' > '$T/efi.id' && '$ID' verify '$T/efi.id'"

# No data disk, no UEFI: RAM with a warning.
mkroot
"$ID" boot > "$T/out" 2>&1
check "RAM: a console warning says the identity lives in RAM" grep -q 'nhv-identity: no data disk and no UEFI variables' "$T/out"
check "RAM: the warning reaches the kernel log at level 4, without a WARNING: word" sh -c "grep -q '^<4>nhv-identity: no data disk and no UEFI variables' '$R/dev/kmsg' && ! grep -q 'WARNING' '$R/dev/kmsg'"
check "RAM: nhv identity still answers" sh -c "'$ID' --json | grep -q '\"store\": \"ram '"

check "bad boot option is refused" sh -c "! '$ID' boot --bogus"
rm -rf "$R/run/nhv"
check "nhv identity before boot: an error that says boot has not run" sh -c "'$ID' 2>&1 | grep -q 'has .nhv-identity boot. run'"

echo "1..$n"
[ $fails -eq 0 ]
